//! What one call's `Store` holds: an empty WASI context (no files, network or environment;
//! fixed clocks unless granted), the memory cap, and the host interfaces the plugin imports,
//! each checked against the capabilities an administrator granted.

use crate::Capability;
use crate::bindings::virtumancer::plugin::{inventory, kv, log};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;
use wasmtime::ResourceLimiter;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

/// Where plugin key-value pairs are kept (the server stores them in its database).
pub trait KvBackend: Send + Sync {
    /// The value of `key` of `plugin`.
    fn get(&self, plugin: &str, key: &str) -> Result<Option<String>, String>;
    /// Sets `key` of `plugin`.
    fn set(&self, plugin: &str, key: &str, value: &str) -> Result<(), String>;
    /// Removes `key` of `plugin`.
    fn delete(&self, plugin: &str, key: &str) -> Result<(), String>;
}

/// Read-only inventory answers, as JSON shaped like the REST API's.
pub trait InventoryBackend: Send + Sync {
    /// `GET /api/v1/networks?hostId=`.
    fn list_networks(&self, host_id: &str) -> Result<String, String>;
    /// `GET /api/v1/vms/{id}`.
    fn get_vm(&self, vm_id: &str) -> Result<String, String>;
}

/// Longest key, largest value and most keys per plugin the key-value store accepts.
pub const KV_MAX_KEY: usize = 256;
/// See [`KV_MAX_KEY`].
pub const KV_MAX_VALUE: usize = 64 * 1024;
/// See [`KV_MAX_KEY`].
pub const KV_MAX_KEYS: usize = 1000;

/// Checks a key-value write against the limits the WIT contract states.
pub fn check_kv(key: &str, value: &str, keys_now: usize, exists: bool) -> Result<(), String> {
    if key.is_empty() || key.len() > KV_MAX_KEY {
        return Err(format!("keys are 1–{KV_MAX_KEY} bytes"));
    }
    if value.len() > KV_MAX_VALUE {
        return Err(format!("values are at most {KV_MAX_VALUE} bytes"));
    }
    if !exists && keys_now >= KV_MAX_KEYS {
        return Err(format!("a plugin keeps at most {KV_MAX_KEYS} keys"));
    }
    Ok(())
}

/// The memory cap of one call; remembers that the guest hit it, so that the trap that usually
/// follows (a Rust guest aborts when an allocation fails) reads as "out of memory".
pub struct MemoryCap {
    max_bytes: usize,
    pub(crate) hit: bool,
}

impl ResourceLimiter for MemoryCap {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let ok = desired <= self.max_bytes;
        self.hit |= !ok;
        Ok(ok)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= 100_000)
    }

    fn instances(&self) -> usize {
        32
    }
    fn tables(&self) -> usize {
        64
    }
    fn memories(&self) -> usize {
        8
    }
}

/// A clock stopped at the Unix epoch, for plugins not granted `clock`.
struct StoppedClock;

impl wasmtime_wasi::HostWallClock for StoppedClock {
    fn resolution(&self) -> Duration {
        Duration::from_secs(1)
    }
    fn now(&self) -> Duration {
        Duration::ZERO
    }
}

impl wasmtime_wasi::HostMonotonicClock for StoppedClock {
    fn resolution(&self) -> u64 {
        1_000_000_000
    }
    fn now(&self) -> u64 {
        0
    }
}

/// The state of one call.
pub struct HostState {
    wasi: WasiCtx,
    table: ResourceTable,
    pub(crate) cap: MemoryCap,
    plugin: String,
    grants: BTreeSet<Capability>,
    kv: Arc<dyn KvBackend>,
    inventory: Option<Arc<dyn InventoryBackend>>,
}

impl HostState {
    pub(crate) fn new(
        plugin: &str,
        memory_mib: u32,
        grants: BTreeSet<Capability>,
        kv: Arc<dyn KvBackend>,
        inventory: Option<Arc<dyn InventoryBackend>>,
    ) -> Self {
        let mut wasi = wasmtime_wasi::WasiCtxBuilder::new();
        if !grants.contains(&Capability::Clock) {
            wasi.wall_clock(StoppedClock).monotonic_clock(StoppedClock);
        }
        Self {
            wasi: wasi.build(),
            table: ResourceTable::new(),
            cap: MemoryCap {
                max_bytes: memory_mib as usize * 1024 * 1024,
                hit: false,
            },
            plugin: plugin.to_owned(),
            grants,
            kv,
            inventory,
        }
    }

    fn granted(&self, c: Capability) -> Result<(), String> {
        if self.grants.contains(&c) {
            Ok(())
        } else {
            Err(format!(
                "capability '{}' is not granted to plugin {}",
                c.as_str(),
                self.plugin
            ))
        }
    }
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl log::Host for HostState {
    fn log(&mut self, level: log::Level, message: String) {
        let plugin = self.plugin.as_str();
        // Plugins cannot flood the log with one huge line.
        let message: String = message.chars().take(2000).collect();
        match level {
            log::Level::Debug => tracing::debug!(plugin, "{message}"),
            log::Level::Info => tracing::info!(plugin, "{message}"),
            log::Level::Warn => tracing::warn!(plugin, "{message}"),
            log::Level::Error => tracing::error!(plugin, "{message}"),
        }
    }
}

impl kv::Host for HostState {
    fn get(&mut self, key: String) -> Result<Option<String>, String> {
        self.granted(Capability::Kv)?;
        self.kv.get(&self.plugin, &key)
    }

    fn set(&mut self, key: String, value: String) -> Result<(), String> {
        self.granted(Capability::Kv)?;
        self.kv.set(&self.plugin, &key, &value)
    }

    fn delete(&mut self, key: String) -> Result<(), String> {
        self.granted(Capability::Kv)?;
        self.kv.delete(&self.plugin, &key)
    }
}

impl inventory::Host for HostState {
    fn list_networks(&mut self, host_id: String) -> Result<String, String> {
        self.granted(Capability::InventoryRead)?;
        match &self.inventory {
            Some(inv) => inv.list_networks(&host_id),
            None => Err("this server offers no inventory to plugins".into()),
        }
    }

    fn get_vm(&mut self, vm_id: String) -> Result<String, String> {
        self.granted(Capability::InventoryRead)?;
        match &self.inventory {
            Some(inv) => inv.get_vm(&vm_id),
            None => Err("this server offers no inventory to plugins".into()),
        }
    }
}

impl crate::bindings::virtumancer::plugin::types::Host for HostState {}
