//! What a driver reports about networks and storage.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A virtual network on a host.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NetworkInventory {
    /// Hypervisor UUID.
    pub uuid: String,
    /// Name, unique per host.
    pub name: String,
    /// `nat`, `route`, `open`, `bridge`, `isolated`, …
    pub forward_mode: String,
    /// Bridge device.
    pub bridge: Option<String>,
    /// `openvswitch` for OVS networks.
    pub virtualport_type: Option<String>,
    /// Running.
    pub active: bool,
    /// Started with the host.
    pub autostart: bool,
    /// Portgroups.
    pub portgroups: Vec<PortgroupInventory>,
    /// IP ranges as `address/prefix` with DHCP ranges `start-end`.
    pub ip_ranges: Vec<String>,
}

/// A portgroup of a network.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PortgroupInventory {
    /// Name.
    pub name: String,
    /// Default portgroup of its network.
    pub is_default: bool,
    /// VLAN tags.
    pub vlan_tags: Vec<u16>,
    /// Trunk.
    pub trunk: bool,
    /// Native VLAN.
    pub native_vlan: Option<u16>,
}

/// A storage pool with its volumes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StoragePoolInventory {
    /// Hypervisor UUID.
    pub uuid: String,
    /// Name, unique per host.
    pub name: String,
    /// `dir`, `logical`, `netfs`, …
    pub kind: String,
    /// Running.
    pub active: bool,
    /// Started with the host.
    pub autostart: bool,
    /// Target path.
    pub path: Option<String>,
    /// Capacity, bytes.
    pub capacity_bytes: Option<u64>,
    /// Allocated, bytes.
    pub allocation_bytes: Option<u64>,
    /// Available, bytes.
    pub available_bytes: Option<u64>,
    /// Volumes (empty while the pool is inactive).
    pub volumes: Vec<VolumeInventory>,
}

/// A storage volume.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VolumeInventory {
    /// Name within its pool.
    pub name: String,
    /// Unique key (usually the path).
    pub key: Option<String>,
    /// Path on the host.
    pub path: Option<String>,
    /// `qcow2`, `raw`, `iso`, …
    pub format: Option<String>,
    /// Capacity, bytes.
    pub capacity_bytes: u64,
    /// Allocated, bytes.
    pub allocation_bytes: Option<u64>,
}

/// Everything a host has, read in one pass.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct HostInventory {
    /// Every VM, persistent or transient.
    pub vms: Vec<crate::VmInventory>,
    /// Every network, active or not.
    pub networks: Vec<NetworkInventory>,
    /// Every storage pool with its volumes.
    pub pools: Vec<StoragePoolInventory>,
}
