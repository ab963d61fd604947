//! Reading what runs on a host, and hearing when it changes.

use crate::DriverError;
use async_trait::async_trait;
use tokio::sync::mpsc;
use virtumancer_model::{HostInventory, NetworkInventory, StoragePoolInventory, VmInventory};

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

/// One part of a full inventory pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InventoryPart {
    /// Every network of the host; sent exactly once per pass.
    Networks(Vec<NetworkInventory>),
    /// Every storage pool with its volumes; sent exactly once per pass.
    Pools(Vec<StoragePoolInventory>),
    /// Some of the VMs; a pass sends every VM once, spread over any number of parts.
    Vms(Vec<VmInventory>),
}

/// The receiving end of a full pass: parts in any order until the channel closes. An `Err`
/// ends the pass; the caller then applies nothing from it. Dropping the receiver abandons the
/// pass and stops the reading.
pub type InventoryStream = mpsc::Receiver<Result<InventoryPart, DriverError>>;

/// Reads a host's inventory. Implementations normalize hypervisor configuration into the
/// model's inventory types; no XML crosses this trait.
#[async_trait]
pub trait InventoryReader: Send + Sync {
    /// Starts a full pass over every VM, network and storage pool (with volumes). Called on
    /// connect, on periodic reconcile and after lost events. Parts stream while the host is
    /// still being read, so the caller can store early parts while later ones are read.
    /// Errors: `Unavailable` when the connection is gone.
    fn stream(&self) -> InventoryStream;

    /// The whole pass collected in memory (for tools and tests; sync uses [`Self::stream`]).
    async fn snapshot(&self) -> Result<HostInventory, DriverError> {
        let mut parts = self.stream();
        let mut inv = HostInventory::default();
        while let Some(part) = parts.recv().await {
            match part? {
                InventoryPart::Networks(n) => inv.networks = n,
                InventoryPart::Pools(p) => inv.pools = p,
                InventoryPart::Vms(v) => inv.vms.extend(v),
            }
        }
        Ok(inv)
    }

    /// One VM by UUID; `Ok(None)` when it no longer exists.
    async fn vm(&self, uuid: &str) -> Result<Option<VmInventory>, DriverError>;
}
