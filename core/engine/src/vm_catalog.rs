//! The VM use cases: list managed and discovered VMs, show one, import, dismiss.

use crate::{EngineError, EventBus};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use virtumancer_model::{Event, HostId, VmDetail, VmId};
use virtumancer_store::{Store, VmPage, VmQuery};

/// Largest number of VMs one import or dismiss request may name.
pub const MAX_BULK: usize = 10_000;

/// What a bulk request did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BulkOutcome {
    /// VMs changed (or already in the requested state).
    pub done: Vec<VmId>,
    /// Ids that name no VM.
    pub not_found: Vec<VmId>,
}

/// VM queries and the managed/discovered marks.
#[derive(Clone)]
pub struct VmCatalog {
    store: Arc<dyn Store>,
    bus: EventBus,
    kinds: Option<Arc<dyn virtumancer_drivers::NicKinds>>,
}

impl std::fmt::Debug for VmCatalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VmCatalog").finish_non_exhaustive()
    }
}

impl VmCatalog {
    /// A catalog over `store`, announcing changes on `bus`.
    pub fn new(store: Arc<dyn Store>, bus: EventBus) -> Self {
        Self {
            store,
            bus,
            kinds: None,
        }
    }

    /// A page of VMs.
    pub async fn list(&self, query: &VmQuery) -> Result<VmPage, EngineError> {
        Ok(self.store.list_vms(query).await?)
    }

    /// How many present VMs each host has (hosts without VMs left out).
    pub async fn counts(&self) -> Result<Vec<virtumancer_model::HostVmCounts>, EngineError> {
        Ok(self.store.vm_counts().await?)
    }

    /// One VM with its hardware.
    pub async fn get(&self, id: VmId) -> Result<VmDetail, EngineError> {
        self.store
            .get_vm(id)
            .await?
            .ok_or(EngineError::VmNotFound(id))
    }

    /// As [`VmCatalog::get`], with each NIC a plugin recognizes marked with its kind (plugin
    /// calls: only for answers that show the NICs).
    pub async fn get_recognized(&self, id: VmId) -> Result<VmDetail, EngineError> {
        let mut vm = self.get(id).await?;
        if let Some(kinds) = &self.kinds {
            let found = kinds.recognize(&vm.nics).await;
            for (nic, kind) in vm.nics.iter_mut().zip(found) {
                nic.plugin_kind = kind.map(|k| virtumancer_model::PluginKind {
                    kind: k.kind,
                    plugin: k.plugin,
                    params: k.params,
                });
            }
        }
        Ok(vm)
    }

    /// The same catalog, with NICs of plugins' kinds recognized when a VM is read.
    pub fn with_nic_kinds(mut self, kinds: Arc<dyn virtumancer_drivers::NicKinds>) -> Self {
        self.kinds = Some(kinds);
        self
    }

    /// Imports VMs (marks them managed).
    pub async fn import(&self, ids: &[VmId]) -> Result<BulkOutcome, EngineError> {
        let done = self.store.set_managed(&dedup(ids)?, true).await?;
        Ok(self.outcome(ids, done))
    }

    /// Imports every discovered VM of a host.
    pub async fn import_all(&self, host: HostId) -> Result<BulkOutcome, EngineError> {
        if self.store.get_host(host).await?.is_none() {
            return Err(EngineError::HostNotFound(host));
        }
        let done = self.store.import_all(host).await?;
        self.announce(host, &done);
        Ok(BulkOutcome {
            done,
            not_found: Vec::new(),
        })
    }

    /// Hides discovered VMs from the discovered list.
    pub async fn dismiss(&self, ids: &[VmId]) -> Result<BulkOutcome, EngineError> {
        let done = self.store.set_dismissed(&dedup(ids)?, true).await?;
        Ok(self.outcome(ids, done))
    }

    /// Shows dismissed VMs in the discovered list again.
    pub async fn undismiss(&self, ids: &[VmId]) -> Result<BulkOutcome, EngineError> {
        let done = self.store.set_dismissed(&dedup(ids)?, false).await?;
        Ok(self.outcome(ids, done))
    }

    fn outcome(&self, asked: &[VmId], done: Vec<(VmId, HostId)>) -> BulkOutcome {
        // Group by host so each host's UI refreshes once.
        let mut by_host: HashMap<HostId, Vec<VmId>> = HashMap::new();
        for (id, host) in &done {
            by_host.entry(*host).or_default().push(*id);
        }
        for (host, ids) in &by_host {
            self.announce(*host, ids);
        }
        let done: Vec<VmId> = done.into_iter().map(|(id, _)| id).collect();
        let found: HashSet<&VmId> = done.iter().collect();
        let not_found = asked
            .iter()
            .filter(|id| !found.contains(id))
            .copied()
            .collect();
        BulkOutcome { done, not_found }
    }

    fn announce(&self, host: HostId, ids: &[VmId]) {
        if !ids.is_empty() {
            self.bus.publish(Event::InventoryChanged {
                host_id: host,
                vm_ids: ids.iter().take(100).copied().collect(),
                vm_count: ids.len(),
                other_changes: false,
            });
        }
    }
}

fn dedup(ids: &[VmId]) -> Result<Vec<VmId>, EngineError> {
    if ids.is_empty() {
        return Err(EngineError::InvalidRequest("name at least one VM".into()));
    }
    if ids.len() > MAX_BULK {
        return Err(EngineError::InvalidRequest(format!(
            "at most {MAX_BULK} VMs per request, got {}",
            ids.len()
        )));
    }
    let mut v = ids.to_vec();
    v.sort();
    v.dedup();
    Ok(v)
}
