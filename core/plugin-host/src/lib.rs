//! The WASM plugin host: loads third-party components that implement the WIT contract
//! `virtumancer:plugin@0.1.0` (`sdk/wit`) and calls them in a sandbox. Each call runs in a
//! fresh store with the plugin's fuel, wall-clock deadline (epoch interruption) and memory cap;
//! WASI gives no files, network or environment, and fixed clocks unless granted. A fault fails
//! that call only and counts against the plugin's health.
//!
//! This crate knows nothing of the engine, the store or HTTP: the server adapts loaded plugins
//! into its registries and provides the key-value and inventory backends.

mod call_error;
mod catalog_hooks;
mod catalog_network_kinds;
mod catalog_nic_kinds;
mod file_kv;
mod host_state;
mod kind_params;
mod load_error;
mod manifest;
mod memory_kv;
mod plugin_catalog;
mod plugin_engine;
mod wasm_plugin;

/// Host-side bindings of the WIT contract (types of the exported interfaces included).
#[allow(missing_docs)]
pub mod bindings {
    wasmtime::component::bindgen!({
        world: "virtumancer-plugin",
        path: "../../sdk/wit",
        additional_derives: [PartialEq, Eq],
    });
}

pub use call_error::{CallError, Refusal};
pub use catalog_hooks::CatalogHooks;
pub use catalog_network_kinds::CatalogNetworkKinds;
pub use catalog_nic_kinds::CatalogNicKinds;
pub use file_kv::FileKv;
pub use host_state::{
    HostState, InventoryBackend, KV_MAX_KEY, KV_MAX_KEYS, KV_MAX_VALUE, KvBackend, check_kv,
};
pub use load_error::LoadError;
pub use manifest::{API_VERSION, Capability, Limits, Manifest, ManifestError};
pub use memory_kv::MemoryKv;
pub use plugin_catalog::{CatalogError, Installed, PluginCatalog, PluginState};
pub use plugin_engine::{CompileSource, PluginEngine, TICK};
pub use wasm_plugin::{FAULT_WINDOW, PluginStats, UNHEALTHY_AFTER, WasmPlugin};
