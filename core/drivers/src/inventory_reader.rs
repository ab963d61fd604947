//! Reading what runs on a host, and hearing when it changes.

use crate::DriverError;
use async_trait::async_trait;
use virtumancer_model::{HostInventory, VmInventory};

/// A change the host announced. The engine re-reads what it names; events carry no state so
/// that a missed or reordered event can never leave stale data behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InventoryEvent {
    /// A VM was defined, started, stopped, paused, resumed, crashed…
    VmChanged {
        /// Its UUID.
        uuid: String,
    },
    /// A VM's definition was removed.
    VmRemoved {
        /// Its UUID.
        uuid: String,
    },
    /// A network was defined, undefined, started or stopped.
    NetworksChanged,
    /// A storage pool was defined, undefined, started, stopped or refreshed.
    StoragePoolsChanged,
}

/// Reads a host's inventory. Implementations normalize hypervisor configuration into the
/// model's inventory types; no XML crosses this trait.
#[async_trait]
pub trait InventoryReader: Send + Sync {
    /// Every VM, network and storage pool (with volumes) in one consistent pass. Called on
    /// connect, on periodic reconcile and after lost events. Errors: `Unavailable` when the
    /// connection is gone; the caller applies nothing from a failed pass.
    async fn snapshot(&self) -> Result<HostInventory, DriverError>;

    /// One VM by UUID; `Ok(None)` when it no longer exists.
    async fn vm(&self, uuid: &str) -> Result<Option<VmInventory>, DriverError>;
}
