//! The diffing state of one full sync pass: what the database holds, what the host has
//! reported so far, and the batches that turn one into the other.

use crate::config_hash;
use std::collections::{HashMap, HashSet};
use virtumancer_drivers::InventoryPart;
use virtumancer_model::{VmId, VmInventory};
use virtumancer_store::{HashedItem, InventoryBatch, VmSyncState};

/// Turns the parts of a pass into batches; [`FullPass::finish`] adds what the host no longer
/// has.
#[derive(Debug, Default)]
pub struct FullPass {
    stored_vms: HashMap<String, VmSyncState>,
    stored_networks: HashMap<String, String>,
    stored_pools: HashMap<String, String>,
    seen_vms: HashSet<String>,
    /// `None` until the host reported its networks: a pass that never lists them must not
    /// remove any.
    seen_networks: Option<HashSet<String>>,
    seen_pools: Option<HashSet<String>>,
    /// VMs reported, for the report.
    pub vms_seen: usize,
}

fn by_uuid(items: Vec<HashedItem>) -> HashMap<String, String> {
    items.into_iter().map(|h| (h.uuid, h.config_hash)).collect()
}

impl FullPass {
    /// A pass against the stored state of one host.
    pub fn new(vms: Vec<VmSyncState>, networks: Vec<HashedItem>, pools: Vec<HashedItem>) -> Self {
        Self {
            stored_vms: vms.into_iter().map(|s| (s.uuid.clone(), s)).collect(),
            stored_networks: by_uuid(networks),
            stored_pools: by_uuid(pools),
            ..Self::default()
        }
    }

    /// The writes one part calls for (empty when it matches the database).
    pub fn diff(&mut self, part: InventoryPart) -> InventoryBatch {
        let mut batch = InventoryBatch::default();
        match part {
            InventoryPart::Vms(vms) => {
                for vm in vms.into_iter().filter(|v| !v.uuid.is_empty()) {
                    // A UUID reported twice in one pass counts once.
                    if self.seen_vms.insert(vm.uuid.clone()) {
                        self.vms_seen += 1;
                        diff_vm(&mut batch, self.stored_vms.get(&vm.uuid), vm);
                    }
                }
            }
            InventoryPart::Networks(nets) => {
                let seen = self.seen_networks.get_or_insert_with(HashSet::new);
                for n in nets {
                    let h = config_hash::network(&n);
                    seen.insert(n.uuid.clone());
                    if self.stored_networks.get(&n.uuid) != Some(&h) {
                        batch.upsert_networks.push((n, h));
                    }
                }
            }
            InventoryPart::Pools(pools) => {
                let seen = self.seen_pools.get_or_insert_with(HashSet::new);
                for p in pools {
                    let h = config_hash::pool(&p);
                    seen.insert(p.uuid.clone());
                    if self.stored_pools.get(&p.uuid) != Some(&h) {
                        batch.upsert_pools.push((p, h));
                    }
                }
            }
        }
        batch
    }

    /// The writes for what the host no longer reports: VMs marked gone, networks and pools
    /// removed.
    pub fn finish(&self) -> InventoryBatch {
        InventoryBatch {
            gone_vms: self
                .stored_vms
                .values()
                .filter(|s| !s.gone && !self.seen_vms.contains(&s.uuid))
                .map(|s| s.id)
                .collect(),
            remove_networks: vanished(&self.stored_networks, self.seen_networks.as_ref()),
            remove_pools: vanished(&self.stored_pools, self.seen_pools.as_ref()),
            ..InventoryBatch::default()
        }
    }
}

fn vanished(stored: &HashMap<String, String>, seen: Option<&HashSet<String>>) -> Vec<String> {
    match seen {
        Some(seen) => stored
            .keys()
            .filter(|u| !seen.contains(*u))
            .cloned()
            .collect(),
        None => Vec::new(),
    }
}

/// Adds the writes that bring one stored VM (or none) to what the host reports.
pub fn diff_vm(batch: &mut InventoryBatch, stored: Option<&VmSyncState>, vm: VmInventory) {
    let hash = config_hash::vm(&vm);
    match stored {
        None => batch.insert_vms.push((VmId::new(), vm, hash)),
        Some(s) if s.config_hash != hash || s.gone => batch.update_vms.push((s.id, vm, hash)),
        Some(s) if s.state != vm.state => batch.state_changes.push((s.id, vm.state)),
        Some(_) => {}
    }
}
