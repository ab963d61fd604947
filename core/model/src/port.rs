//! A VM's NIC seen as a port on the fleet's networks.

use crate::{HostId, NicInventory, PowerState, VmId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One NIC of a VM (not gone), with its VM and host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Port {
    /// The VM.
    pub vm_id: VmId,
    /// Its name.
    pub vm_name: String,
    /// Its UUID on the hypervisor.
    pub vm_uuid: String,
    /// Its power state.
    pub vm_state: PowerState,
    /// Imported (managed) rather than only discovered.
    pub managed: bool,
    /// The VM's host.
    pub host_id: HostId,
    /// The host's name.
    pub host_name: String,
    /// Position of the NIC in the VM's configuration, from 0.
    pub ordinal: u32,
    /// The NIC as the host reported it.
    #[serde(flatten)]
    pub nic: NicInventory,
    /// IP addresses of a running VM's NIC, asked from the host when the page is read: from
    /// libvirt's DHCP leases, or from the guest agent where one answers. Empty when the VM
    /// is not running, the host is not connected, or nothing is known.
    #[serde(default)]
    pub addresses: Vec<PortAddress>,
}

/// One IP address of a NIC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PortAddress {
    /// The address with its prefix length, e.g. `192.168.122.3/24` or `fe80::1/64`.
    pub address: String,
    /// Where it came from: `lease` (libvirt's DHCP server) or `agent` (the guest agent).
    pub source: String,
}

/// The addresses a host reported for one NIC of one VM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NicAddresses {
    /// The VM's hypervisor UUID.
    pub uuid: String,
    /// The NIC's MAC, lower case.
    pub mac: String,
    /// Its addresses.
    pub addresses: Vec<PortAddress>,
}
