//! Adding, changing and removing the NICs of VMs.

use crate::DriverError;
use async_trait::async_trait;
use virtumancer_model::{NicAddresses, NicSpec, NicUpdate};

/// NIC operations on one open host connection. VMs are named by hypervisor UUID, NICs by MAC.
/// Each applies to the running VM (when it runs) and to its stored configuration (when it is
/// persistent).
#[async_trait]
pub trait NicDriver: Send + Sync {
    /// Adds a NIC from a validated spec. Errors: `NotFound` (VM), `InvalidSpec` with the
    /// host's reason, `Unsupported` (hot-plug not possible), `Unavailable`.
    async fn attach_nic(&self, uuid: &str, nic: &NicSpec) -> Result<(), DriverError>;

    /// Adds a NIC from an `<interface>` element an extension rendered for a validated spec.
    /// Errors as [`NicDriver::attach_nic`]; `InvalidSpec` when it is not one `<interface>`.
    async fn attach_interface(&self, uuid: &str, interface_xml: &str) -> Result<(), DriverError>;

    /// Removes the NIC with this MAC. Errors: `NotFound` (VM or NIC), `Unavailable`.
    async fn detach_nic(&self, uuid: &str, mac: &str) -> Result<(), DriverError>;

    /// Moves the NIC to another network or portgroup, or sets its link state. Errors as above.
    async fn update_nic(
        &self,
        uuid: &str,
        mac: &str,
        change: &NicUpdate,
    ) -> Result<(), DriverError>;

    /// IP addresses of the NICs of these running VMs (by hypervisor UUID): from the DHCP
    /// leases of libvirt's networks, then from the guest agent where one answers. VMs that
    /// are gone or not running are left out. Errors: `Unavailable`.
    async fn nic_addresses(&self, uuids: &[String]) -> Result<Vec<NicAddresses>, DriverError>;
}
