//! The read-only inventory plugins may ask about (capability `inventory-read`), answered from
//! the store as the REST API would. Plugin calls run on blocking threads, so the store's async
//! queries are driven with the runtime's handle.

use std::sync::Arc;
use virtumancer_model::{HostId, VmId};
use virtumancer_plugin_host::InventoryBackend;
use virtumancer_store::Store;

/// Inventory answers from the store.
pub struct StoreInventory {
    store: Arc<dyn Store>,
    runtime: tokio::runtime::Handle,
}

impl StoreInventory {
    /// Answers from `store`, driven on the current runtime (call from within it).
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self {
            store,
            runtime: tokio::runtime::Handle::current(),
        }
    }
}

impl InventoryBackend for StoreInventory {
    fn list_networks(&self, host_id: &str) -> Result<String, String> {
        let id: HostId = host_id
            .parse()
            .map_err(|_| format!("'{host_id}' is not a host id"))?;
        let networks = self
            .runtime
            .block_on(self.store.list_networks(Some(id)))
            .map_err(|e| e.to_string())?;
        serde_json::to_string(&serde_json::json!({ "items": networks })).map_err(|e| e.to_string())
    }

    fn get_vm(&self, vm_id: &str) -> Result<String, String> {
        let id: VmId = vm_id
            .parse()
            .map_err(|_| format!("'{vm_id}' is not a VM id"))?;
        match self.runtime.block_on(self.store.get_vm(id)) {
            Ok(Some(vm)) => serde_json::to_string(&vm).map_err(|e| e.to_string()),
            Ok(None) => Err(format!("no VM {vm_id}")),
            Err(e) => Err(e.to_string()),
        }
    }
}
