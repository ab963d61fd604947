//! Reading cumulative usage counters of a host and all its VMs in one call.

use crate::DriverError;
use async_trait::async_trait;
use virtumancer_model::PowerState;

/// Cumulative counters of one VM at one instant. Counters only grow while the VM runs; the
/// engine turns two samples into rates. `None` where the hypervisor reported nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VmCounters {
    /// Hypervisor UUID (binary: thousands are hashed and compared every tick).
    pub uuid: uuid::Uuid,
    /// Power state.
    pub state: PowerState,
    /// CPU time used by the guest, nanoseconds (only meaningful while running).
    pub cpu_time_ns: Option<u64>,
    /// vCPUs online.
    pub vcpus: Option<u32>,
    /// Memory the guest has now (balloon current), bytes.
    pub memory_bytes: Option<u64>,
    /// Memory the guest sees as usable (balloon driver stat), bytes.
    pub memory_usable_bytes: Option<u64>,
    /// Memory the guest does not use at all (balloon driver stat), bytes.
    pub memory_unused_bytes: Option<u64>,
    /// Resident memory of the VM's process on the host, bytes.
    pub memory_rss_bytes: Option<u64>,
    /// Bytes read from all disks.
    pub disk_read_bytes: Option<u64>,
    /// Bytes written to all disks.
    pub disk_write_bytes: Option<u64>,
    /// Read requests on all disks.
    pub disk_read_reqs: Option<u64>,
    /// Write requests on all disks.
    pub disk_write_reqs: Option<u64>,
    /// Bytes received on all NICs.
    pub net_rx_bytes: Option<u64>,
    /// Bytes sent on all NICs.
    pub net_tx_bytes: Option<u64>,
    /// Packets received on all NICs.
    pub net_rx_packets: Option<u64>,
    /// Packets sent on all NICs.
    pub net_tx_packets: Option<u64>,
}

/// Cumulative counters of the host itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostCounters {
    /// Logical CPUs.
    pub cpus: u32,
    /// CPU time spent busy (user + kernel), nanoseconds, all CPUs.
    pub cpu_busy_ns: Option<u64>,
    /// CPU time in total (busy + idle + iowait), nanoseconds, all CPUs.
    pub cpu_total_ns: Option<u64>,
    /// Physical memory, bytes.
    pub memory_total_bytes: Option<u64>,
    /// Memory available to new work (free + buffers + cache), bytes.
    pub memory_available_bytes: Option<u64>,
}

/// One bulk reading of a host.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatsSample {
    /// The host.
    pub host: HostCounters,
    /// Every VM the host reported (a VM whose stats were busy may be missing).
    pub vms: Vec<VmCounters>,
}

/// Reads usage counters. One call per tick covers every VM of the host.
#[async_trait]
pub trait StatsReader: Send + Sync {
    /// Reads the host's and every VM's counters in one bulk call; a VM whose hypervisor
    /// process is busy is skipped rather than waited for. Errors: `Unavailable` when the
    /// connection is gone, `Unsupported` when the driver has no statistics.
    async fn sample(&self) -> Result<StatsSample, DriverError>;
}
