//! Live usage: rates computed from two consecutive samples of a host's counters.

use crate::{HostId, PowerState, VmId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One VM's usage over the last tick. Rates are `None` until two samples exist, while the VM
/// is off, and where the hypervisor reports nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VmStats {
    /// The VM.
    pub vm_id: VmId,
    /// When the sample was taken.
    pub at: DateTime<Utc>,
    /// Power state at that moment.
    pub state: PowerState,
    /// CPU use as a share of the VM's vCPUs, 0–100.
    pub cpu_percent: Option<f64>,
    /// CPU use as a share of the whole host, 0–100.
    pub host_cpu_percent: Option<f64>,
    /// Memory the VM has (balloon), bytes.
    pub memory_bytes: Option<u64>,
    /// Memory in use inside the guest (balloon driver stats), or the VM process's resident
    /// memory on the host when the guest reports nothing, bytes.
    pub memory_used_bytes: Option<u64>,
    /// Disk reads, bytes per second.
    pub disk_read_bps: Option<f64>,
    /// Disk writes, bytes per second.
    pub disk_write_bps: Option<f64>,
    /// Disk read requests per second.
    pub disk_read_iops: Option<f64>,
    /// Disk write requests per second.
    pub disk_write_iops: Option<f64>,
    /// Network receive, bytes per second.
    pub net_rx_bps: Option<f64>,
    /// Network transmit, bytes per second.
    pub net_tx_bps: Option<f64>,
    /// Packets received per second.
    pub net_rx_pps: Option<f64>,
    /// Packets sent per second.
    pub net_tx_pps: Option<f64>,
}

/// A host's usage over the last tick.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HostStats {
    /// The host.
    pub host_id: HostId,
    /// When the sample was taken.
    pub at: DateTime<Utc>,
    /// Logical CPUs.
    pub cpus: u32,
    /// CPU busy share, 0–100 (`None` when the driver has no node statistics).
    pub cpu_percent: Option<f64>,
    /// Physical memory, bytes.
    pub memory_total_bytes: Option<u64>,
    /// Memory in use (total − available), bytes.
    pub memory_used_bytes: Option<u64>,
    /// VMs running.
    pub vms_running: u32,
    /// Seconds between this sample and the previous one.
    pub interval_secs: f64,
}
