//! The network use cases: list the networks hosts reported, with their portgroups and users.

use crate::EngineError;
use std::sync::Arc;
use virtumancer_model::{HostId, Network};
use virtumancer_store::Store;

/// Network queries.
#[derive(Clone)]
pub struct NetworkCatalog {
    store: Arc<dyn Store>,
}

impl std::fmt::Debug for NetworkCatalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NetworkCatalog").finish_non_exhaustive()
    }
}

impl NetworkCatalog {
    /// A catalog over `store`.
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self { store }
    }

    /// Every network, or those of one host (which must exist).
    pub async fn list(&self, host: Option<HostId>) -> Result<Vec<Network>, EngineError> {
        if let Some(id) = host
            && self.store.get_host(id).await?.is_none()
        {
            return Err(EngineError::HostNotFound(id));
        }
        Ok(self.store.list_networks(host).await?)
    }
}
