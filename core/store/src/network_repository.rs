//! The repository of networks as hosts reported them (written by the inventory sync).

use crate::StoreError;
use async_trait::async_trait;
use virtumancer_model::{HostId, Network, Port};

/// Which ports to list.
#[derive(Debug, Clone, Default)]
pub struct PortQuery {
    /// Only this host's VMs.
    pub host: Option<HostId>,
    /// Only NICs on this network (by name).
    pub network: Option<String>,
    /// Substring of the VM name, MAC, network, portgroup, bridge, interface id or target device
    /// (case-insensitive).
    pub search: Option<String>,
    /// Order.
    pub sort: PortSort,
    /// Rows to skip.
    pub offset: u32,
    /// Rows to return.
    pub limit: u32,
}

/// Orders of the port list; each ends with VM and NIC position, so pages are stable.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PortSort {
    /// By VM name.
    #[default]
    Vm,
    /// By host name.
    Host,
    /// By MAC address.
    Mac,
    /// By network, then portgroup.
    Network,
}

/// One page of ports.
#[derive(Debug, Clone)]
pub struct PortPage {
    /// The page.
    pub items: Vec<Port>,
    /// Ports matching the query in all.
    pub total: u64,
}

/// Reading stored networks.
#[async_trait]
pub trait NetworkRepository: Send + Sync {
    /// Every network, or those of one host, by host name then network name, with their
    /// portgroups and how many NICs use each.
    async fn list_networks(&self, host: Option<HostId>) -> Result<Vec<Network>, StoreError>;

    /// A page of ports (NICs of VMs that are not gone), with the total.
    async fn list_ports(&self, query: &PortQuery) -> Result<PortPage, StoreError>;

    /// Names of the host's VMs (not gone) with a NIC on the network, once per NIC, by name.
    async fn network_users(&self, host: HostId, network: &str) -> Result<Vec<String>, StoreError>;

    /// Names of the host's VMs (not gone) with a NIC on the portgroup, once per NIC, by name:
    /// NICs naming it, and, when it is the network's default, NICs naming none.
    async fn portgroup_users(
        &self,
        host: HostId,
        network: &str,
        portgroup: &str,
        is_default: bool,
    ) -> Result<Vec<String>, StoreError>;
}
