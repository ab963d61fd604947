//! The fleet's network topology: hosts, their networks and portgroups, and the VM NICs on
//! them, in one document for the topology views.

use crate::{HostId, HostState, Network, Port};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Every host (or one) with its networks and the ports of its VMs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Topology {
    /// Hosts by name.
    pub hosts: Vec<TopologyHost>,
}

/// One host of the topology.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TopologyHost {
    /// The host.
    pub id: HostId,
    /// Its name.
    pub name: String,
    /// Its connection state.
    pub state: HostState,
    /// Its networks by name, with portgroups.
    pub networks: Vec<Network>,
    /// The NICs of its VMs (not gone), by VM name then NIC position. A NIC names a network
    /// (and maybe a portgroup), or joins a bridge directly. Addresses are not asked of the
    /// hosts here (the port list does that for its page).
    pub ports: Vec<Port>,
}
