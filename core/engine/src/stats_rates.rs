//! Rates from two consecutive counter samples.

use chrono::{DateTime, Utc};
use virtumancer_drivers::{HostCounters, VmCounters};
use virtumancer_model::{HostId, HostStats, PowerState, VmId, VmStats};

/// `(cur − prev) / secs`, or `None` when either is missing or the counter went backwards
/// (the VM restarted).
fn per_sec(prev: Option<u64>, cur: Option<u64>, secs: f64) -> Option<f64> {
    let (p, c) = (prev?, cur?);
    (c >= p && secs > 0.0).then(|| (c - p) as f64 / secs)
}

/// A VM's usage between two samples `secs` apart on a host with `host_cpus` CPUs. Without a
/// previous sample only the gauges (memory) are filled.
pub fn vm(
    id: VmId,
    at: DateTime<Utc>,
    prev: Option<&VmCounters>,
    cur: &VmCounters,
    secs: f64,
    host_cpus: u32,
) -> VmStats {
    let running = cur.state == PowerState::Running;
    let rate = |f: fn(&VmCounters) -> Option<u64>| {
        prev.filter(|_| running)
            .and_then(|p| per_sec(f(p), f(cur), secs))
    };
    let cpu_ns_per_sec = rate(|c| c.cpu_time_ns);
    let share = |cpus: Option<u32>| {
        cpu_ns_per_sec
            .zip(cpus.filter(|n| *n > 0))
            .map(|(ns, n)| (ns / 1e9 / f64::from(n) * 100.0).clamp(0.0, 100.0))
    };
    let memory_used_bytes = match (cur.memory_bytes, cur.memory_usable_bytes) {
        (Some(total), Some(usable)) if usable <= total => Some(total - usable),
        _ => cur.memory_rss_bytes,
    };
    VmStats {
        vm_id: id,
        at,
        state: cur.state,
        cpu_percent: share(cur.vcpus),
        host_cpu_percent: share(Some(host_cpus)),
        memory_bytes: cur
            .memory_bytes
            .filter(|_| running || cur.state == PowerState::Paused),
        memory_used_bytes: memory_used_bytes.filter(|_| running),
        disk_read_bps: rate(|c| c.disk_read_bytes),
        disk_write_bps: rate(|c| c.disk_write_bytes),
        disk_read_iops: rate(|c| c.disk_read_reqs),
        disk_write_iops: rate(|c| c.disk_write_reqs),
        net_rx_bps: rate(|c| c.net_rx_bytes),
        net_tx_bps: rate(|c| c.net_tx_bytes),
        net_rx_pps: rate(|c| c.net_rx_packets),
        net_tx_pps: rate(|c| c.net_tx_packets),
    }
}

/// The host's usage between two samples.
pub fn host(
    id: HostId,
    at: DateTime<Utc>,
    prev: Option<&HostCounters>,
    cur: &HostCounters,
    secs: f64,
    vms_running: u32,
) -> HostStats {
    let cpu_percent = prev.and_then(|p| {
        let busy = cur.cpu_busy_ns?.checked_sub(p.cpu_busy_ns?)?;
        let total = cur.cpu_total_ns?.checked_sub(p.cpu_total_ns?)?;
        (total > 0).then(|| (busy as f64 / total as f64 * 100.0).clamp(0.0, 100.0))
    });
    HostStats {
        host_id: id,
        at,
        cpus: cur.cpus,
        cpu_percent,
        memory_total_bytes: cur.memory_total_bytes,
        memory_used_bytes: cur
            .memory_total_bytes
            .zip(cur.memory_available_bytes)
            .map(|(t, a)| t.saturating_sub(a)),
        vms_running,
        interval_secs: secs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counters(cpu: u64, rd: u64, state: PowerState) -> VmCounters {
        VmCounters {
            uuid: uuid::Uuid::nil(),
            state,
            cpu_time_ns: Some(cpu),
            vcpus: Some(2),
            memory_bytes: Some(1000),
            memory_usable_bytes: Some(600),
            disk_read_bytes: Some(rd),
            ..VmCounters::default()
        }
    }

    #[test]
    fn cpu_share_of_vcpus_and_host_and_byte_rates() {
        let a = counters(1_000_000_000, 100, PowerState::Running);
        let b = counters(2_000_000_000, 4_100, PowerState::Running);
        let s = vm(VmId::new(), Utc::now(), Some(&a), &b, 2.0, 4);
        // 1 s of CPU in 2 s: 25 % of 2 vCPUs, 12.5 % of 4 host CPUs.
        assert_eq!(s.cpu_percent, Some(25.0));
        assert_eq!(s.host_cpu_percent, Some(12.5));
        assert_eq!(s.disk_read_bps, Some(2000.0));
        assert_eq!(s.memory_used_bytes, Some(400));
        assert_eq!(s.net_rx_bps, None, "not reported");
    }

    #[test]
    fn no_rates_without_a_previous_sample_after_a_restart_or_while_off() {
        let b = counters(5, 10, PowerState::Running);
        assert_eq!(
            vm(VmId::new(), Utc::now(), None, &b, 2.0, 4).cpu_percent,
            None
        );
        let later = counters(10, 20, PowerState::Running);
        let restarted = counters(1, 1, PowerState::Running);
        let s = vm(VmId::new(), Utc::now(), Some(&later), &restarted, 2.0, 4);
        assert_eq!((s.cpu_percent, s.disk_read_bps), (None, None));
        let off = counters(20, 30, PowerState::Shutoff);
        let s = vm(VmId::new(), Utc::now(), Some(&later), &off, 2.0, 4);
        assert_eq!((s.cpu_percent, s.memory_used_bytes), (None, None));
    }

    #[test]
    fn host_cpu_from_busy_and_total() {
        let p = HostCounters {
            cpus: 2,
            cpu_busy_ns: Some(100),
            cpu_total_ns: Some(1000),
            memory_total_bytes: Some(10),
            memory_available_bytes: Some(4),
        };
        let c = HostCounters {
            cpu_busy_ns: Some(400),
            cpu_total_ns: Some(2000),
            ..p.clone()
        };
        let h = host(HostId::new(), Utc::now(), Some(&p), &c, 2.0, 3);
        assert_eq!(h.cpu_percent, Some(30.0));
        assert_eq!(h.memory_used_bytes, Some(6));
    }
}
