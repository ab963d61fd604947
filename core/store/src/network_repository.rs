//! The repository of networks as hosts reported them (written by the inventory sync).

use crate::StoreError;
use async_trait::async_trait;
use virtumancer_model::{HostId, Network};

/// Reading stored networks.
#[async_trait]
pub trait NetworkRepository: Send + Sync {
    /// Every network, or those of one host, by host name then network name, with their
    /// portgroups and how many NICs use each.
    async fn list_networks(&self, host: Option<HostId>) -> Result<Vec<Network>, StoreError>;

    /// Names of the host's VMs (not gone) with a NIC on the network, once per NIC, by name.
    async fn network_users(&self, host: HostId, network: &str) -> Result<Vec<String>, StoreError>;
}
