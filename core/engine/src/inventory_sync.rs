//! Keeping the database's inventory of one host equal to what the host reports.
//!
//! Every pass reads from the driver first and then applies one [`InventoryBatch`] in one
//! transaction, so a host that disconnects mid-sync leaves the previous state intact. Rows are
//! written only where the config hash or the power state differs: a re-sync with nothing
//! changed writes nothing.

use crate::{EngineError, EventBus, config_hash};
use chrono::Utc;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use virtumancer_drivers::HostConnection;
use virtumancer_model::{Event, HostId, HostInventory, VmId, VmInventory};
use virtumancer_store::{InventoryBatch, Store, VmSyncState};

/// What one pass changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SyncReport {
    /// VMs reported by the host.
    pub vms_seen: usize,
    /// VMs inserted, changed, re-stated or marked gone.
    pub vms_changed: usize,
    /// Inventory rows written (0 when nothing changed).
    pub rows_written: u64,
}

/// Syncs one host's inventory.
#[derive(Clone)]
pub struct InventorySync {
    host: HostId,
    store: Arc<dyn Store>,
    bus: EventBus,
}

impl std::fmt::Debug for InventorySync {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InventorySync")
            .field("host", &self.host)
            .finish_non_exhaustive()
    }
}

impl InventorySync {
    /// A syncer for `host`.
    pub fn new(host: HostId, store: Arc<dyn Store>, bus: EventBus) -> Self {
        Self { host, store, bus }
    }

    /// Full pass: every VM, network and pool. VMs no longer reported are marked gone.
    pub async fn full(&self, conn: &dyn HostConnection) -> Result<SyncReport, EngineError> {
        let inv = conn.inventory().snapshot().await?;
        self.apply_snapshot(inv).await
    }

    /// Applies a snapshot already read from the host.
    pub async fn apply_snapshot(&self, inv: HostInventory) -> Result<SyncReport, EngineError> {
        let stored: HashMap<String, VmSyncState> = self
            .store
            .vm_sync_states(self.host)
            .await?
            .into_iter()
            .map(|s| (s.uuid.clone(), s))
            .collect();
        let mut batch = InventoryBatch::default();
        let mut seen = HashSet::new();
        for vm in inv.vms.iter().filter(|v| !v.uuid.is_empty()) {
            seen.insert(vm.uuid.as_str());
            diff_vm(&mut batch, stored.get(&vm.uuid), vm);
        }
        for s in stored
            .values()
            .filter(|s| !s.gone && !seen.contains(s.uuid.as_str()))
        {
            batch.gone_vms.push(s.id);
        }
        let nets: HashMap<String, String> = self
            .store
            .network_hashes(self.host)
            .await?
            .into_iter()
            .map(|h| (h.uuid, h.config_hash))
            .collect();
        for n in &inv.networks {
            let h = config_hash::network(n);
            if nets.get(&n.uuid) != Some(&h) {
                batch.upsert_networks.push((n.clone(), h));
            }
        }
        let live: HashSet<&str> = inv.networks.iter().map(|n| n.uuid.as_str()).collect();
        batch.remove_networks = nets
            .keys()
            .filter(|u| !live.contains(u.as_str()))
            .cloned()
            .collect();
        let pools: HashMap<String, String> = self
            .store
            .pool_hashes(self.host)
            .await?
            .into_iter()
            .map(|h| (h.uuid, h.config_hash))
            .collect();
        for p in &inv.pools {
            let h = config_hash::pool(p);
            if pools.get(&p.uuid) != Some(&h) {
                batch.upsert_pools.push((p.clone(), h));
            }
        }
        let live: HashSet<&str> = inv.pools.iter().map(|p| p.uuid.as_str()).collect();
        batch.remove_pools = pools
            .keys()
            .filter(|u| !live.contains(u.as_str()))
            .cloned()
            .collect();
        self.commit(batch, inv.vms.len()).await
    }

    /// One VM changed (event): re-read it; gone if the host no longer has it.
    pub async fn vm(
        &self,
        conn: &dyn HostConnection,
        uuid: &str,
    ) -> Result<SyncReport, EngineError> {
        let found = conn.inventory().vm(uuid).await?;
        let stored = self
            .store
            .vm_sync_states(self.host)
            .await?
            .into_iter()
            .find(|s| s.uuid == uuid);
        let mut batch = InventoryBatch::default();
        match (&found, &stored) {
            (Some(vm), _) => diff_vm(&mut batch, stored.as_ref(), vm),
            (None, Some(s)) if !s.gone => batch.gone_vms.push(s.id),
            (None, _) => {}
        }
        self.commit(batch, usize::from(found.is_some())).await
    }

    async fn commit(
        &self,
        batch: InventoryBatch,
        vms_seen: usize,
    ) -> Result<SyncReport, EngineError> {
        if batch.is_empty() {
            return Ok(SyncReport {
                vms_seen,
                ..SyncReport::default()
            });
        }
        let changed: Vec<VmId> = batch
            .insert_vms
            .iter()
            .chain(&batch.update_vms)
            .map(|(id, _, _)| *id)
            .chain(batch.state_changes.iter().map(|(id, _)| *id))
            .chain(batch.gone_vms.iter().copied())
            .collect();
        let other = !(batch.upsert_networks.is_empty()
            && batch.remove_networks.is_empty()
            && batch.upsert_pools.is_empty()
            && batch.remove_pools.is_empty());
        let rows = self.store.apply(self.host, &batch, Utc::now()).await?;
        self.bus.publish(Event::InventoryChanged {
            host_id: self.host,
            vm_ids: changed.iter().take(100).copied().collect(),
            vm_count: changed.len(),
            other_changes: other,
        });
        Ok(SyncReport {
            vms_seen,
            vms_changed: changed.len(),
            rows_written: rows,
        })
    }
}

fn diff_vm(batch: &mut InventoryBatch, stored: Option<&VmSyncState>, vm: &VmInventory) {
    let hash = config_hash::vm(vm);
    match stored {
        None => batch.insert_vms.push((VmId::new(), vm.clone(), hash)),
        Some(s) if s.config_hash != hash || s.gone => {
            batch.update_vms.push((s.id, vm.clone(), hash))
        }
        Some(s) if s.state != vm.state => batch.state_changes.push((s.id, vm.state)),
        Some(_) => {}
    }
}
