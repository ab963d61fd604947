//! How many VMs each host has and what they take of it, for fleet lists and the dashboard.

use crate::HostId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The VMs a host has now (those marked gone left aside), counted by state and by whether
/// Virtumancer manages them, and the vCPUs and memory they are given. Dismissed VMs count in
/// every field but `managed` and `discovered`: they still run on the host.
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
    /// Of them active (see `PowerState::is_active`): running, paused, shutting down, suspended
    /// or crashed and kept.
    pub active: u64,
    /// Current vCPUs of every present VM, active or not.
    pub vcpus: u64,
    /// Current memory (the balloon's target) of every present VM, active or not.
    pub memory_bytes: u64,
    /// Current vCPUs of the active VMs: what they hold of the host now.
    pub active_vcpus: u64,
    /// Current memory of the active VMs.
    pub active_memory_bytes: u64,
}
