//! One loaded plugin: its manifest, compiled component and grants. Every call gets a fresh
//! `Store` (so a trap never poisons the next call) with the manifest's fuel, epoch deadline and
//! memory cap; faults are counted, and a plugin that faults [`UNHEALTHY_AFTER`] times within
//! [`FAULT_WINDOW`] is not called again until it is enabled or reloaded (good calls in between
//! do not hide a plugin that keeps crashing on some inputs).

use crate::bindings::VirtumancerPlugin;
use crate::bindings::exports::virtumancer::plugin::host_hooks::Violation;
use crate::bindings::exports::virtumancer::plugin::network_driver::{
    NetworkKind, NetworkSpec, NicKind, NicSpec, RecognizedNetwork, RecognizedNic,
};
use crate::bindings::virtumancer::plugin::types::{Description, PluginError};
use crate::{
    CallError, Capability, CompileSource, HostState, InventoryBackend, KvBackend, LoadError,
    Manifest, PluginEngine, Refusal, TICK,
};
use parking_lot::Mutex;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use wasmtime::Store;
use wasmtime::component::Component;

/// Faults within [`FAULT_WINDOW`] after which a plugin is no longer called.
pub const UNHEALTHY_AFTER: u32 = 3;

/// How long a fault counts against a plugin's health.
pub const FAULT_WINDOW: Duration = Duration::from_secs(600);

/// Call counters of a plugin since it was loaded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PluginStats {
    /// Calls made (refused ones included, never-made ones not).
    pub calls: u64,
    /// Calls that faulted.
    pub faults: u64,
    /// Faults within [`FAULT_WINDOW`] (since it was last enabled).
    pub recent_faults: u32,
    /// Time spent in calls (instantiation included).
    pub busy: Duration,
    /// The last fault, for the operator.
    pub last_fault: Option<String>,
}

impl PluginStats {
    /// Mean time of one call.
    pub fn mean_call(&self) -> Duration {
        if self.calls == 0 {
            Duration::ZERO
        } else {
            self.busy / u32::try_from(self.calls).unwrap_or(u32::MAX)
        }
    }
}

struct Status {
    stats: PluginStats,
    /// When the recent faults happened, oldest first.
    fault_times: std::collections::VecDeque<Instant>,
    enabled: bool,
    grants: BTreeSet<Capability>,
    /// The accepted configuration, passed to every fresh instance before its call.
    config: Option<String>,
}

impl Status {
    fn forget_old_faults(&mut self) {
        while self
            .fault_times
            .front()
            .is_some_and(|t| t.elapsed() > FAULT_WINDOW)
        {
            self.fault_times.pop_front();
        }
        self.stats.recent_faults = u32::try_from(self.fault_times.len()).unwrap_or(u32::MAX);
    }
}

/// A loaded plugin.
pub struct WasmPlugin {
    manifest: Manifest,
    description: Description,
    component: Component,
    compiled: CompileSource,
    engine: Arc<PluginEngine>,
    kv: Arc<dyn KvBackend>,
    inventory: Option<Arc<dyn InventoryBackend>>,
    status: Mutex<Status>,
}

impl std::fmt::Debug for WasmPlugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WasmPlugin")
            .field("id", &self.manifest.id)
            .field("version", &self.manifest.version)
            .finish_non_exhaustive()
    }
}

impl WasmPlugin {
    /// Loads the plugin in `dir` (its `plugin.toml` and the component it names), with the
    /// capabilities granted so far (only those the manifest asks for count), and asks it to
    /// describe itself; its id and version must match the manifest.
    pub fn load(
        engine: &Arc<PluginEngine>,
        dir: &Path,
        grants: BTreeSet<Capability>,
        kv: Arc<dyn KvBackend>,
        inventory: Option<Arc<dyn InventoryBackend>>,
    ) -> Result<Self, LoadError> {
        let read = |p: &Path| {
            std::fs::read(p).map_err(|e| LoadError::Io {
                path: p.display().to_string(),
                message: e.to_string(),
            })
        };
        let text = read(&dir.join("plugin.toml"))?;
        let manifest = Manifest::parse(&String::from_utf8_lossy(&text))?;
        let bytes = read(&dir.join(&manifest.component))?;
        let (component, compiled) = engine.compile(&bytes)?;
        // Instantiation checks the component against the contract before anything is kept.
        let grants: BTreeSet<Capability> = grants
            .into_iter()
            .filter(|g| manifest.capabilities.contains(g))
            .collect();
        let mut plugin = Self {
            description: Description {
                id: manifest.id.clone(),
                version: manifest.version.clone(),
                name: manifest.name.clone(),
                extension_points: Vec::new(),
                capabilities: Vec::new(),
                config_schema: None,
            },
            manifest,
            component,
            compiled,
            engine: Arc::clone(engine),
            kv,
            inventory,
            status: Mutex::new(Status {
                stats: PluginStats::default(),
                fault_times: std::collections::VecDeque::new(),
                enabled: true,
                grants,
                config: None,
            }),
        };
        let described = plugin
            .call("describe", |b, s| {
                b.virtumancer_plugin_plugin().call_describe(s)
            })
            .map_err(|e| LoadError::Describe(e.to_string()))?;
        let m = &plugin.manifest;
        if described.id != m.id || described.version != m.version {
            return Err(LoadError::Mismatch(format!(
                "it says {} {}, plugin.toml says {} {}",
                described.id, described.version, m.id, m.version
            )));
        }
        plugin.description = described;
        Ok(plugin)
    }

    /// The manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// What the plugin said about itself when loaded.
    pub fn description(&self) -> &Description {
        &self.description
    }

    /// Whether the component came from the compile cache.
    pub fn compiled(&self) -> CompileSource {
        self.compiled
    }

    /// Counters since load.
    pub fn stats(&self) -> PluginStats {
        let mut st = self.status.lock();
        st.forget_old_faults();
        st.stats.clone()
    }

    /// Enabled, and not unhealthy.
    pub fn callable(&self) -> Result<(), CallError> {
        let mut st = self.status.lock();
        st.forget_old_faults();
        let state = if !st.enabled {
            "disabled"
        } else if st.stats.recent_faults >= UNHEALTHY_AFTER {
            "unhealthy"
        } else {
            return Ok(());
        };
        Err(CallError::NotCallable {
            plugin: self.manifest.id.clone(),
            state,
        })
    }

    /// Enables or disables it; enabling also forgives past faults.
    pub fn set_enabled(&self, enabled: bool) {
        let mut st = self.status.lock();
        st.enabled = enabled;
        if enabled {
            st.fault_times.clear();
            st.stats.recent_faults = 0;
        }
    }

    /// The capabilities granted (a subset of what the manifest asks for).
    pub fn grants(&self) -> BTreeSet<Capability> {
        self.status.lock().grants.clone()
    }

    /// Grants or revokes a capability the manifest asks for; effective from the next call.
    pub fn set_grant(&self, capability: Capability, granted: bool) -> Result<(), String> {
        if granted && !self.manifest.capabilities.contains(&capability) {
            return Err(format!(
                "plugin {} does not ask for '{}'",
                self.manifest.id,
                capability.as_str()
            ));
        }
        let mut st = self.status.lock();
        if granted {
            st.grants.insert(capability);
        } else {
            st.grants.remove(&capability);
        }
        Ok(())
    }

    /// Checks the administrator's configuration (JSON) with the plugin and, when it accepts,
    /// keeps it: every later call's fresh instance is configured with it first (instances do
    /// not outlive a call).
    pub fn configure(&self, config: &str) -> Result<(), CallError> {
        // The check runs on an instance without the old configuration; a refused one keeps it.
        let previous = self.status.lock().config.take();
        let checked = self.refusable("configure", |b, s| {
            b.virtumancer_plugin_plugin().call_configure(s, config)
        });
        self.status.lock().config = match checked {
            Ok(()) => Some(config.to_owned()),
            Err(_) => previous,
        };
        checked
    }

    /// The NIC kinds of a network-driver plugin.
    pub fn nic_kinds(&self) -> Result<Vec<NicKind>, CallError> {
        self.call("nic-kinds", |b, s| {
            b.virtumancer_plugin_network_driver().call_nic_kinds(s)
        })
    }

    /// Checks a NIC spec.
    pub fn validate_nic(&self, spec: &NicSpec) -> Result<(), CallError> {
        self.refusable("validate-nic", |b, s| {
            b.virtumancer_plugin_network_driver()
                .call_validate_nic(s, spec)
        })
    }

    /// Renders a NIC spec as a libvirt `<interface>` element.
    pub fn render_interface(&self, spec: &NicSpec) -> Result<String, CallError> {
        self.refusable("render-interface", |b, s| {
            b.virtumancer_plugin_network_driver()
                .call_render_interface(s, spec)
        })
    }

    /// Recognizes an `<interface>` element as one of the plugin's NIC kinds.
    pub fn recognize_interface(&self, xml: &str) -> Result<Option<RecognizedNic>, CallError> {
        self.call("recognize-interface", |b, s| {
            b.virtumancer_plugin_network_driver()
                .call_recognize_interface(s, xml)
        })
    }

    /// The network kinds of a network-driver plugin.
    pub fn network_kinds(&self) -> Result<Vec<NetworkKind>, CallError> {
        self.call("network-kinds", |b, s| {
            b.virtumancer_plugin_network_driver().call_network_kinds(s)
        })
    }

    /// Renders a network spec as a libvirt `<network>` document.
    pub fn render_network(&self, spec: &NetworkSpec) -> Result<String, CallError> {
        self.refusable("render-network", |b, s| {
            b.virtumancer_plugin_network_driver()
                .call_render_network(s, spec)
        })
    }

    /// Recognizes a host's network (a `<network>` summary) as one of the plugin's kinds.
    pub fn recognize_network(&self, xml: &str) -> Result<Option<RecognizedNetwork>, CallError> {
        self.call("recognize-network", |b, s| {
            b.virtumancer_plugin_network_driver()
                .call_recognize_network(s, xml)
        })
    }

    /// The rules a VM change breaks, by a host-hooks plugin.
    pub fn validate_vm(&self, spec: &str) -> Result<Vec<Violation>, CallError> {
        self.call("validate-vm", |b, s| {
            b.virtumancer_plugin_host_hooks().call_validate_vm(s, spec)
        })
    }

    /// Tells a host-hooks plugin about an event.
    pub fn on_event(&self, event: &str) -> Result<(), CallError> {
        self.refusable("on-event", |b, s| {
            b.virtumancer_plugin_host_hooks().call_on_event(s, event)
        })
    }

    /// A call whose WIT result is `result<T, plugin-error>`.
    fn refusable<T>(
        &self,
        what: &str,
        f: impl FnOnce(
            &VirtumancerPlugin,
            &mut Store<HostState>,
        ) -> wasmtime::Result<Result<T, PluginError>>,
    ) -> Result<T, CallError> {
        self.call(what, f)?
            .map_err(|e| CallError::Refused(Refusal::from(e)))
    }

    /// Instantiates the component in a fresh store under the limits and runs `f`.
    fn call<T>(
        &self,
        what: &str,
        f: impl FnOnce(&VirtumancerPlugin, &mut Store<HostState>) -> wasmtime::Result<T>,
    ) -> Result<T, CallError> {
        self.callable()?;
        let limits = &self.manifest.limits;
        let (grants, config) = {
            let st = self.status.lock();
            (st.grants.clone(), st.config.clone())
        };
        let state = HostState::new(
            &self.manifest.id,
            limits.memory_mib,
            grants,
            Arc::clone(&self.kv),
            self.inventory.clone(),
        );
        let mut store = Store::new(self.engine.engine(), state);
        store.limiter(|s| &mut s.cap);
        let ticks = u64::from(limits.call_timeout_ms).div_ceil(TICK.as_millis() as u64);
        store.set_epoch_deadline(ticks.max(1));
        let started = Instant::now();
        let result = store
            .set_fuel(u64::from(limits.fuel_millions) * 1_000_000)
            .and_then(|()| {
                VirtumancerPlugin::instantiate(&mut store, &self.component, self.engine.linker())
            })
            .and_then(|b| {
                if let Some(config) = &config {
                    // Accepted before; a refusal now is the plugin changing its mind.
                    let accepted = b
                        .virtumancer_plugin_plugin()
                        .call_configure(&mut store, config)?;
                    if let Err(e) = accepted {
                        wasmtime::bail!(
                            "the plugin refused its saved configuration: {}",
                            Refusal::from(e)
                        );
                    }
                }
                f(&b, &mut store)
            })
            .map_err(|e| self.classify(&e, store.data().cap.hit));
        self.record(what, started.elapsed(), result.as_ref().err());
        result
    }

    fn classify(&self, e: &wasmtime::Error, memory_hit: bool) -> CallError {
        let plugin = self.manifest.id.clone();
        let limits = &self.manifest.limits;
        let trap = e.downcast_ref::<wasmtime::Trap>();
        match trap {
            Some(wasmtime::Trap::Interrupt) => CallError::Timeout {
                plugin,
                ms: limits.call_timeout_ms,
            },
            Some(wasmtime::Trap::OutOfFuel) => CallError::OutOfFuel {
                plugin,
                millions: limits.fuel_millions,
            },
            _ if memory_hit => CallError::OutOfMemory {
                plugin,
                mib: limits.memory_mib,
            },
            // The trap itself, or the deepest cause, without wasmtime's backtrace.
            Some(t) => CallError::Trap {
                plugin,
                message: t.to_string(),
            },
            None => CallError::Trap {
                plugin,
                message: e.root_cause().to_string().chars().take(1000).collect(),
            },
        }
    }

    fn record(&self, what: &str, took: Duration, error: Option<&CallError>) {
        let mut st = self.status.lock();
        let stats = &mut st.stats;
        stats.calls += 1;
        stats.busy += took;
        match error {
            Some(e) if e.is_fault() => {
                stats.faults += 1;
                stats.last_fault = Some(format!("{what}: {e}"));
                st.fault_times.push_back(Instant::now());
                st.forget_old_faults();
                tracing::warn!(plugin = %self.manifest.id, call = what, error = %e, "plugin fault");
            }
            _ => {}
        }
    }
}
