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
}
