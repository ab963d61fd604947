//! How many VMs each host has, for fleet lists.

use crate::HostId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The VMs a host has now (those marked gone left aside), counted by state and by whether
/// Virtumancer manages them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HostVmCounts {
    /// The host.
    pub host_id: HostId,
    /// Every present VM, managed, discovered or dismissed.
    pub vms: u64,
    /// Of them running.
    pub running: u64,
    /// Of them shut off.
    pub shutoff: u64,
    /// Of them managed.
    pub managed: u64,
    /// Of them discovered and waiting to be imported (not dismissed).
    pub discovered: u64,
}
