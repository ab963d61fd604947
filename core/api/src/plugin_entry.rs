//! How `GET /api/v1/plugins` shows a plugin: built-in or WASM, with a WASM plugin's state,
//! grants, limits and call statistics.

use serde::Serialize;
use utoipa::ToSchema;
use virtumancer_drivers::{PluginInfo, ProvidedTrait};
use virtumancer_plugin_host::bindings::virtumancer::plugin::types::ExtensionPoint;
use virtumancer_plugin_host::{Installed, PluginState, WasmPlugin};

/// A plugin, built-in or WASM.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PluginEntry {
    /// Unique kind: a built-in's kind, a WASM plugin's id.
    pub kind: String,
    /// Human name.
    pub name: String,
    /// Semver of the plugin.
    pub version: String,
    /// What it does.
    pub description: String,
    /// Driver traits a built-in provides.
    pub provides: Vec<ProvidedTrait>,
    /// URI schemes a built-in connects to.
    pub uri_schemes: Vec<String>,
    /// Linked into the binary (as opposed to a WASM plugin).
    pub builtin: bool,
    /// A WASM plugin's details.
    pub wasm: Option<WasmStatus>,
}

/// The state of a WASM plugin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum WasmState {
    /// Loaded and called.
    Enabled,
    /// Loaded, not called (an administrator's choice).
    Disabled,
    /// Loaded, not called after repeated faults until enabled or reloaded.
    Unhealthy,
    /// Installed but not loadable (`reason` says why).
    Broken,
}

/// Details of a WASM plugin.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WasmStatus {
    /// Its state.
    pub state: WasmState,
    /// Why it is broken.
    pub reason: Option<String>,
    /// The contract version it was built for.
    pub api_version: Option<String>,
    /// `networkDriver`, `hostHooks`.
    pub extension_points: Vec<String>,
    /// Capabilities its manifest asks for (`kv`, `inventory-read`, `clock`).
    pub capabilities: Vec<String>,
    /// Those granted.
    pub granted: Vec<String>,
    /// NIC kinds a network driver adds.
    pub nic_kinds: Vec<String>,
    /// JSON Schema of its configuration.
    #[schema(value_type = Option<Object>)]
    pub config_schema: Option<serde_json::Value>,
    /// Its saved configuration.
    #[schema(value_type = Option<Object>)]
    pub config: Option<serde_json::Value>,
    /// Per-call limits.
    pub limits: Option<WasmLimits>,
    /// Calls since it was loaded.
    pub calls: u64,
    /// Calls that faulted (timeout, fuel, memory, trap).
    pub faults: u64,
    /// Mean time of a call, µs.
    pub mean_call_micros: u64,
    /// The last fault.
    pub last_fault: Option<String>,
    /// Its component came from the compile cache at load.
    pub from_cache: bool,
}

/// Per-call limits of a WASM plugin.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WasmLimits {
    /// Memory cap, MiB.
    pub memory_mib: u32,
    /// Deadline, ms.
    pub call_timeout_ms: u32,
    /// Fuel, millions.
    pub fuel_millions: u32,
}

impl From<&PluginInfo> for PluginEntry {
    fn from(p: &PluginInfo) -> Self {
        Self {
            kind: p.kind.clone(),
            name: p.name.clone(),
            version: p.version.clone(),
            description: p.description.clone(),
            provides: p.provides.clone(),
            uri_schemes: p.uri_schemes.clone(),
            builtin: true,
            wasm: None,
        }
    }
}

impl PluginEntry {
    /// A WASM plugin as installed, with its kept state.
    pub fn wasm(installed: &Installed, state: &PluginState) -> Self {
        match installed {
            Installed::Loaded(p) => Self::loaded(p, state),
            Installed::Broken { id, reason } => Self {
                kind: id.clone(),
                name: id.clone(),
                version: String::new(),
                description: "does not load".into(),
                provides: Vec::new(),
                uri_schemes: Vec::new(),
                builtin: false,
                wasm: Some(WasmStatus {
                    state: WasmState::Broken,
                    reason: Some(reason.clone()),
                    api_version: None,
                    extension_points: Vec::new(),
                    capabilities: Vec::new(),
                    granted: Vec::new(),
                    nic_kinds: Vec::new(),
                    config_schema: None,
                    config: state.config.clone(),
                    limits: None,
                    calls: 0,
                    faults: 0,
                    mean_call_micros: 0,
                    last_fault: None,
                    from_cache: false,
                }),
            },
        }
    }

    fn loaded(p: &WasmPlugin, state: &PluginState) -> Self {
        let m = p.manifest();
        let d = p.description();
        let stats = p.stats();
        let callable = p.callable();
        let wasm_state = match callable {
            Ok(()) => WasmState::Enabled,
            Err(virtumancer_plugin_host::CallError::NotCallable {
                state: "disabled", ..
            }) => WasmState::Disabled,
            Err(_) => WasmState::Unhealthy,
        };
        let network = d.extension_points.contains(&ExtensionPoint::NetworkDriver);
        // Cheap (the plugin answers from a constant); only asked of callable network drivers.
        let nic_kinds = if network && wasm_state == WasmState::Enabled {
            p.nic_kinds()
                .map(|k| k.into_iter().map(|k| k.name).collect())
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        Self {
            kind: m.id.clone(),
            name: m.name.clone(),
            version: m.version.clone(),
            description: d.name.clone(),
            provides: Vec::new(),
            uri_schemes: Vec::new(),
            builtin: false,
            wasm: Some(WasmStatus {
                state: wasm_state,
                reason: None,
                api_version: Some(m.api_version.clone()),
                extension_points: d
                    .extension_points
                    .iter()
                    .map(|e| match e {
                        ExtensionPoint::NetworkDriver => "networkDriver".to_owned(),
                        ExtensionPoint::HostHooks => "hostHooks".to_owned(),
                    })
                    .collect(),
                capabilities: m
                    .capabilities
                    .iter()
                    .map(|c| c.as_str().to_owned())
                    .collect(),
                granted: p.grants().iter().map(|c| c.as_str().to_owned()).collect(),
                nic_kinds,
                config_schema: d
                    .config_schema
                    .as_deref()
                    .and_then(|s| serde_json::from_str(s).ok()),
                config: state.config.clone(),
                limits: Some(WasmLimits {
                    memory_mib: m.limits.memory_mib,
                    call_timeout_ms: m.limits.call_timeout_ms,
                    fuel_millions: m.limits.fuel_millions,
                }),
                calls: stats.calls,
                faults: stats.faults,
                mean_call_micros: u64::try_from(stats.mean_call().as_micros()).unwrap_or(u64::MAX),
                last_fault: stats.last_fault,
                from_cache: p.compiled() == virtumancer_plugin_host::CompileSource::Cache,
            }),
        }
    }
}
