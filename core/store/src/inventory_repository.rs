//! The repository of the normalized inventory (VMs, disks, NICs, networks, pools).

use crate::StoreError;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use virtumancer_model::{
    HostId, HostVmCounts, NetworkInventory, PowerState, StoragePoolInventory, Vm, VmDetail, VmId,
    VmInventory,
};

/// What sync needs to know about a stored VM to decide whether to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VmSyncState {
    /// Our id.
    pub id: VmId,
    /// Hypervisor UUID.
    pub uuid: String,
    /// Hypervisor name.
    pub name: String,
    /// Stored config hash.
    pub config_hash: String,
    /// Stored power state.
    pub state: PowerState,
    /// Marked gone.
    pub gone: bool,
}

/// A hashed item (network or pool) as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HashedItem {
    /// Hypervisor UUID.
    pub uuid: String,
    /// Stored config hash.
    pub config_hash: String,
}

/// Everything one sync pass changes for one host, applied in one transaction.
#[derive(Debug, Clone, Default)]
pub struct InventoryBatch {
    /// VMs seen for the first time (discovered, not managed).
    pub insert_vms: Vec<(VmId, VmInventory, String)>,
    /// VMs whose configuration changed (or that came back after being gone).
    pub update_vms: Vec<(VmId, VmInventory, String)>,
    /// VMs whose only change is the power state.
    pub state_changes: Vec<(VmId, PowerState)>,
    /// VMs that vanished from the host.
    pub gone_vms: Vec<VmId>,
    /// Networks to insert or replace, with their hash.
    pub upsert_networks: Vec<(NetworkInventory, String)>,
    /// UUIDs of networks that vanished.
    pub remove_networks: Vec<String>,
    /// Pools to insert or replace, with their hash.
    pub upsert_pools: Vec<(StoragePoolInventory, String)>,
    /// UUIDs of pools that vanished.
    pub remove_pools: Vec<String>,
}

impl InventoryBatch {
    /// Whether the batch would write nothing.
    pub fn is_empty(&self) -> bool {
        self.insert_vms.is_empty()
            && self.update_vms.is_empty()
            && self.state_changes.is_empty()
            && self.gone_vms.is_empty()
            && self.upsert_networks.is_empty()
            && self.remove_networks.is_empty()
            && self.upsert_pools.is_empty()
            && self.remove_pools.is_empty()
    }

    /// Adds `other`'s writes to this batch. Batches of one pass can be joined in any order: a
    /// pass reports each VM, network and pool once, so no two of its batches touch the same
    /// row, and no write of one depends on another's (disks name their pool, they do not
    /// reference its rows).
    pub fn append(&mut self, mut other: InventoryBatch) {
        self.insert_vms.append(&mut other.insert_vms);
        self.update_vms.append(&mut other.update_vms);
        self.state_changes.append(&mut other.state_changes);
        self.gone_vms.append(&mut other.gone_vms);
        self.upsert_networks.append(&mut other.upsert_networks);
        self.remove_networks.append(&mut other.remove_networks);
        self.upsert_pools.append(&mut other.upsert_pools);
        self.remove_pools.append(&mut other.remove_pools);
    }
}

/// Which VMs to list.
#[derive(Debug, Clone, Default)]
pub struct VmQuery {
    /// Only this host.
    pub host: Option<HostId>,
    /// Only managed (`Some(true)`) or only discovered (`Some(false)`).
    pub managed: Option<bool>,
    /// Include dismissed VMs (discovered list hides them by default).
    pub include_dismissed: bool,
    /// Include VMs marked gone.
    pub include_gone: bool,
    /// Only this power state.
    pub state: Option<PowerState>,
    /// Case-insensitive substring of the name, or a UUID prefix.
    pub search: Option<String>,
    /// Sort order.
    pub sort: VmSort,
    /// Zero-based offset.
    pub offset: u32,
    /// Page size.
    pub limit: u32,
}

/// Sort orders of VM lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VmSort {
    /// By name (then host).
    #[default]
    Name,
    /// By name, descending.
    NameDesc,
    /// By host name, then VM name.
    Host,
    /// By host name descending, then VM name.
    HostDesc,
    /// By state, then name.
    State,
    /// By state descending, then name.
    StateDesc,
    /// Newest first.
    Created,
    /// Oldest first.
    CreatedAsc,
    /// By memory, largest first.
    Memory,
    /// By memory, smallest first.
    MemoryAsc,
}

/// A page of VMs and the total matching the query.
#[derive(Debug, Clone, PartialEq)]
pub struct VmPage {
    /// This page.
    pub items: Vec<Vm>,
    /// All matching VMs.
    pub total: u64,
}

/// One host's inventory transaction: sync passes write batches as they are produced and
/// commit once, so a pass is applied completely or not at all. Dropping the writer without
/// committing rolls back everything written through it. While it is open, other writers of
/// the database wait: keep it open only while batches are flowing.
#[async_trait]
pub trait InventoryWriter: Send {
    /// Writes one batch; returns inventory rows written.
    async fn write(&mut self, batch: &InventoryBatch) -> Result<u64, StoreError>;
    /// Removes storage objects no VM uses any more, records the sync time and commits;
    /// returns inventory rows written by the clean-up.
    async fn commit(self: Box<Self>) -> Result<u64, StoreError>;
}

/// The inventory in the database. Writes go through an [`InventoryWriter`] (one
/// transaction): a sync is never half-applied.
#[async_trait]
pub trait InventoryRepository: Send + Sync {
    /// Stored VMs of a host, for diffing.
    async fn vm_sync_states(&self, host: HostId) -> Result<Vec<VmSyncState>, StoreError>;
    /// One stored VM of a host by hypervisor UUID, for diffing after an event.
    async fn vm_sync_state(
        &self,
        host: HostId,
        uuid: &str,
    ) -> Result<Option<VmSyncState>, StoreError>;
    /// Stored network hashes of a host.
    async fn network_hashes(&self, host: HostId) -> Result<Vec<HashedItem>, StoreError>;
    /// Stored pool hashes of a host.
    async fn pool_hashes(&self, host: HostId) -> Result<Vec<HashedItem>, StoreError>;
    /// Opens the write transaction of one sync pass of `host`, stamped `synced_at`.
    async fn begin_inventory(
        &self,
        host: HostId,
        synced_at: DateTime<Utc>,
    ) -> Result<Box<dyn InventoryWriter>, StoreError>;
    /// Applies one batch atomically and records the sync time; returns inventory rows written.
    async fn apply(
        &self,
        host: HostId,
        batch: &InventoryBatch,
        synced_at: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let mut writer = self.begin_inventory(host, synced_at).await?;
        let rows = writer.write(batch).await?;
        Ok(rows + writer.commit().await?)
    }
    /// A page of VMs.
    async fn list_vms(&self, query: &VmQuery) -> Result<VmPage, StoreError>;
    /// How many present VMs each host has, by state and management; hosts without VMs are
    /// left out.
    async fn vm_counts(&self) -> Result<Vec<HostVmCounts>, StoreError>;
    /// One VM with its hardware.
    async fn get_vm(&self, id: VmId) -> Result<Option<VmDetail>, StoreError>;
    /// The VMs with these ids (those that exist), without hardware.
    async fn vms_by_ids(&self, ids: &[VmId]) -> Result<Vec<Vm>, StoreError>;
    /// Marks VMs managed (import) or discovered; returns the VMs that exist with their host.
    async fn set_managed(
        &self,
        ids: &[VmId],
        managed: bool,
    ) -> Result<Vec<(VmId, HostId)>, StoreError>;
    /// Marks every discovered, present VM of a host managed, except those the user dismissed;
    /// returns their ids.
    async fn import_all(&self, host: HostId) -> Result<Vec<VmId>, StoreError>;
    /// Hides (or shows again) discovered VMs; returns the VMs that exist with their host.
    async fn set_dismissed(
        &self,
        ids: &[VmId],
        dismissed: bool,
    ) -> Result<Vec<(VmId, HostId)>, StoreError>;
}
