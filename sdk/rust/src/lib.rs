//! Write [Virtumancer](https://example.invalid/virtumancer) plugins in Rust.
//!
//! A plugin is a WebAssembly component built for `wasm32-wasip2` that implements the WIT
//! contract `virtumancer:plugin@0.1.0` (`sdk/wit`). This crate hides the generated bindings
//! behind three traits, each with defaults, so a plugin writes only what it does:
//!
//! - [`Plugin`] (required): who the plugin is ([`Plugin::describe`]) and its configuration;
//! - [`NetworkDriver`]: new NIC kinds, rendered as libvirt `<interface>` XML and recognized
//!   again in VM configurations;
//! - [`HostHooks`]: checks of VM changes before they reach a host, reactions to events.
//!
//! [`register!`] exports the type. The host imports are plain functions: [`log`], [`kv`] and
//! [`inventory`].
//!
//! # Example
//!
//! ```ignore
//! use virtumancer_plugin_sdk::*;
//!
//! struct Policy;
//!
//! impl Plugin for Policy {
//!     fn describe() -> Description {
//!         Description {
//!             id: "org.example.policy".into(),
//!             version: "1.0.0".into(),
//!             name: "Example policy".into(),
//!             extension_points: vec![ExtensionPoint::HostHooks],
//!             capabilities: vec![],
//!             config_schema: None,
//!         }
//!     }
//! }
//!
//! impl NetworkDriver for Policy {}
//!
//! impl HostHooks for Policy {
//!     fn validate_vm(spec: &str) -> Vec<Violation> {
//!         if spec.contains("\"network\":\"prod\"") && !spec.contains("\"portgroup\":\"") {
//!             return vec![Violation {
//!                 field: "nic.portgroup".into(),
//!                 message: "NICs on prod need a VLAN portgroup".into(),
//!             }];
//!         }
//!         Vec::new()
//!     }
//! }
//!
//! register!(Policy);
//! ```
#![deny(missing_docs)]
#![no_std]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;

#[doc(hidden)]
#[allow(missing_docs)]
pub mod bindings {
    wit_bindgen::generate!({
        path: "../wit",
        world: "virtumancer-plugin",
        pub_export_macro: true,
        default_bindings_module: "virtumancer_plugin_sdk::bindings",
        export_macro_name: "__export_plugin",
    });
}

pub use bindings::exports::virtumancer::plugin::host_hooks::Violation;
pub use bindings::exports::virtumancer::plugin::network_driver::{
    NetworkKind, NetworkSpec, NicKind, NicSpec, RecognizedNetwork, RecognizedNic,
};
pub use bindings::virtumancer::plugin::log::Level;
pub use bindings::virtumancer::plugin::types::{
    Capability, Description, ExtensionPoint, Param, PluginError,
};

/// Who the plugin is; every plugin implements it.
pub trait Plugin {
    /// The plugin's id, version, name, extension points, capabilities and config schema. The
    /// id and version must match its `plugin.toml`.
    fn describe() -> Description;

    /// Takes the configuration an administrator saved (JSON valid against the schema).
    fn configure(config: &str) -> Result<(), PluginError> {
        let _ = config;
        Ok(())
    }
}

/// New NIC kinds. Every method has a default: a plugin that adds none leaves the impl empty.
pub trait NetworkDriver {
    /// The NIC kinds this plugin adds.
    fn nic_kinds() -> Vec<NicKind> {
        Vec::new()
    }

    /// Checks a spec of one of its kinds before it is rendered. The default checks nothing
    /// (rendering may still refuse).
    fn validate_nic(spec: &NicSpec) -> Result<(), PluginError> {
        let _ = spec;
        Ok(())
    }

    /// The libvirt `<interface>` element for a valid spec.
    fn render_interface(spec: &NicSpec) -> Result<String, PluginError> {
        Err(unsupported(&spec.kind))
    }

    /// Recognizes an `<interface>` element as one of its kinds.
    fn recognize_interface(xml: &str) -> Option<RecognizedNic> {
        let _ = xml;
        None
    }

    /// The network kinds this plugin adds.
    fn network_kinds() -> Vec<NetworkKind> {
        Vec::new()
    }

    /// The libvirt `<network>` document for a spec of one of its kinds.
    fn render_network(spec: &NetworkSpec) -> Result<String, PluginError> {
        Err(PluginError::Unsupported(alloc::format!(
            "this plugin has no network kind '{}'",
            spec.kind
        )))
    }

    /// Recognizes a host's network (a `<network>` summary) as one of its kinds.
    fn recognize_network(xml: &str) -> Option<RecognizedNetwork> {
        let _ = xml;
        None
    }
}

/// Checks of VM changes and reactions to events; both default to doing nothing.
pub trait HostHooks {
    /// The rules a VM change (JSON, see the WIT docs) breaks; empty lets it through.
    fn validate_vm(spec: &str) -> Vec<Violation> {
        let _ = spec;
        Vec::new()
    }

    /// Reacts to a server event (JSON).
    fn on_event(event: &str) -> Result<(), PluginError> {
        let _ = event;
        Ok(())
    }
}

fn unsupported(kind: &str) -> PluginError {
    PluginError::Unsupported(alloc::format!("this plugin has no NIC kind '{kind}'"))
}

/// The value of `key` in a spec's params.
pub fn param<'a>(params: &'a [Param], key: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|p| p.key == key)
        .map(|p| p.value.as_str())
}

/// Writes a message to the server's log, tagged with the plugin's id.
pub fn log(level: Level, message: &str) {
    bindings::virtumancer::plugin::log::log(level, message);
}

/// The plugin's own key-value store (needs the `kv` capability; without it every call
/// answers an error).
pub mod kv {
    use alloc::string::String;

    /// The value of `key`.
    pub fn get(key: &str) -> Result<Option<String>, String> {
        crate::bindings::virtumancer::plugin::kv::get(key)
    }

    /// Sets `key`.
    pub fn set(key: &str, value: &str) -> Result<(), String> {
        crate::bindings::virtumancer::plugin::kv::set(key, value)
    }

    /// Removes `key`.
    pub fn delete(key: &str) -> Result<(), String> {
        crate::bindings::virtumancer::plugin::kv::delete(key)
    }
}

/// Read-only inventory questions (needs the `inventory-read` capability). Answers are JSON
/// shaped as the REST API's.
pub mod inventory {
    use alloc::string::String;

    /// The networks of a host.
    pub fn list_networks(host_id: &str) -> Result<String, String> {
        crate::bindings::virtumancer::plugin::inventory::list_networks(host_id)
    }

    /// One VM with its hardware.
    pub fn get_vm(vm_id: &str) -> Result<String, String> {
        crate::bindings::virtumancer::plugin::inventory::get_vm(vm_id)
    }
}

/// Exports a type that implements [`Plugin`], [`NetworkDriver`] and [`HostHooks`] as the
/// component's implementation of the contract. Call it once, at the crate root.
#[macro_export]
macro_rules! register {
    ($plugin:ty) => {
        const _: () = {
            use $crate::bindings::exports::virtumancer::plugin as __ex;
            struct __Export;
            impl __ex::plugin::Guest for __Export {
                fn describe() -> $crate::Description {
                    <$plugin as $crate::Plugin>::describe()
                }
                fn configure(config: $crate::__String) -> Result<(), $crate::PluginError> {
                    <$plugin as $crate::Plugin>::configure(&config)
                }
            }
            impl __ex::network_driver::Guest for __Export {
                fn nic_kinds() -> $crate::__Vec<$crate::NicKind> {
                    <$plugin as $crate::NetworkDriver>::nic_kinds()
                }
                fn validate_nic(spec: $crate::NicSpec) -> Result<(), $crate::PluginError> {
                    <$plugin as $crate::NetworkDriver>::validate_nic(&spec)
                }
                fn render_interface(
                    spec: $crate::NicSpec,
                ) -> Result<$crate::__String, $crate::PluginError> {
                    <$plugin as $crate::NetworkDriver>::render_interface(&spec)
                }
                fn recognize_interface(
                    xml: $crate::__String,
                ) -> Option<$crate::RecognizedNic> {
                    <$plugin as $crate::NetworkDriver>::recognize_interface(&xml)
                }
                fn network_kinds() -> $crate::__Vec<$crate::NetworkKind> {
                    <$plugin as $crate::NetworkDriver>::network_kinds()
                }
                fn render_network(
                    spec: $crate::NetworkSpec,
                ) -> Result<$crate::__String, $crate::PluginError> {
                    <$plugin as $crate::NetworkDriver>::render_network(&spec)
                }
                fn recognize_network(
                    xml: $crate::__String,
                ) -> Option<$crate::RecognizedNetwork> {
                    <$plugin as $crate::NetworkDriver>::recognize_network(&xml)
                }
            }
            impl __ex::host_hooks::Guest for __Export {
                fn validate_vm(spec: $crate::__String) -> $crate::__Vec<$crate::Violation> {
                    <$plugin as $crate::HostHooks>::validate_vm(&spec)
                }
                fn on_event(event: $crate::__String) -> Result<(), $crate::PluginError> {
                    <$plugin as $crate::HostHooks>::on_event(&event)
                }
            }
            $crate::bindings::__export_plugin!(__Export with_types_in $crate::bindings);
        };
    };
}

#[doc(hidden)]
pub type __String = String;
#[doc(hidden)]
pub type __Vec<T> = Vec<T>;
