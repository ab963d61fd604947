//! Turning libvirt's bulk domain stats into the driver's counters.

use crate::domain_stats::{self, Item, Value};
use crate::normalize;
use virt::connect::Connect;
use virt::sys;
use virtumancer_drivers::{DriverError, StatsSample, VmCounters};
use virtumancer_model::PowerState;

/// The stats groups read per tick.
const GROUPS: u32 = sys::VIR_DOMAIN_STATS_STATE
    | sys::VIR_DOMAIN_STATS_CPU_TOTAL
    | sys::VIR_DOMAIN_STATS_BALLOON
    | sys::VIR_DOMAIN_STATS_VCPU
    | sys::VIR_DOMAIN_STATS_INTERFACE
    | sys::VIR_DOMAIN_STATS_BLOCK;

/// The host's and every VM's counters.
pub fn sample(conn: &Connect) -> Result<StatsSample, DriverError> {
    let mut vms: Vec<VmCounters> = Vec::new();
    domain_stats::each_domain_stat(conn, GROUPS, |item| match item {
        Item::Count(n) => vms.reserve_exact(n),
        Item::Domain(uuid) => vms.push(VmCounters {
            uuid,
            ..VmCounters::default()
        }),
        Item::Param(field, value) => {
            if let Some(c) = vms.last_mut() {
                apply(c, field, value);
            }
        }
        Item::Text(..) => {}
    })?;
    for c in &mut vms {
        // libvirt 9 reports the daemon's own CPU time for inactive domains: ignore it.
        if !matches!(c.state, PowerState::Running | PowerState::Paused) {
            c.cpu_time_ns = None;
        }
    }
    Ok(StatsSample {
        host: domain_stats::host_counters(conn),
        vms,
    })
}

/// Adds `a` to a summed counter.
fn add(slot: &mut Option<u64>, a: u64) {
    *slot = Some(slot.unwrap_or(0) + a);
}

/// Folds one stats parameter into the VM's counters: `state.state`, `cpu.time`, `vcpu.current`,
/// `balloon.*` (KiB), and `block.<i>.*` / `net.<i>.*` summed over devices.
fn apply(c: &mut VmCounters, field: &[u8], value: Value) {
    let Some(v) = value.as_u64() else { return };
    let kib = v.saturating_mul(1024);
    match field {
        b"state.state" => {
            c.state = u32::try_from(v).map_or(PowerState::Unknown, normalize::power_state);
        }
        b"cpu.time" => c.cpu_time_ns = Some(v),
        b"vcpu.current" => c.vcpus = u32::try_from(v).ok(),
        b"balloon.current" => c.memory_bytes = Some(kib),
        b"balloon.usable" => c.memory_usable_bytes = Some(kib),
        b"balloon.unused" => c.memory_unused_bytes = Some(kib),
        b"balloon.rss" => c.memory_rss_bytes = Some(kib),
        _ => {
            // block.<i>.<suffix> and net.<i>.<suffix>: sum the suffixes we count.
            let (slot, rest) = if let Some(r) = field.strip_prefix(b"block.") {
                (0, r)
            } else if let Some(r) = field.strip_prefix(b"net.") {
                (1, r)
            } else {
                return;
            };
            let Some(dot) = rest.iter().position(|b| *b == b'.') else {
                return;
            };
            if !rest[..dot].iter().all(u8::is_ascii_digit) {
                return;
            }
            let target = match (slot, &rest[dot + 1..]) {
                (0, b"rd.bytes") => &mut c.disk_read_bytes,
                (0, b"wr.bytes") => &mut c.disk_write_bytes,
                (0, b"rd.reqs") => &mut c.disk_read_reqs,
                (0, b"wr.reqs") => &mut c.disk_write_reqs,
                (1, b"rx.bytes") => &mut c.net_rx_bytes,
                (1, b"tx.bytes") => &mut c.net_tx_bytes,
                (1, b"rx.pkts") => &mut c.net_rx_packets,
                (1, b"tx.pkts") => &mut c.net_tx_packets,
                _ => return,
            };
            add(target, v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counters(params: &[(&str, u64)]) -> VmCounters {
        let mut c = VmCounters::default();
        for (k, v) in params {
            apply(&mut c, k.as_bytes(), Value::Int(i128::from(*v)));
        }
        c
    }

    #[test]
    fn sums_devices_and_reads_balloon_in_kib() {
        let c = counters(&[
            ("state.state", 1),
            ("cpu.time", 5_000),
            ("balloon.current", 2),
            ("block.count", 2),
            ("block.0.rd.bytes", 10),
            ("block.1.rd.bytes", 32),
            ("block.0.capacity", 999),
            ("net.count", 1),
            ("net.0.tx.pkts", 7),
            ("net.x.tx.pkts", 100),
        ]);
        assert_eq!(c.state, PowerState::Running);
        assert_eq!(c.cpu_time_ns, Some(5_000));
        assert_eq!(c.memory_bytes, Some(2048));
        assert_eq!(c.disk_read_bytes, Some(42));
        assert_eq!(c.disk_write_bytes, None);
        assert_eq!(c.net_tx_packets, Some(7));
        assert_eq!(counters(&[("state.state", 5)]).state, PowerState::Shutoff);
    }
}
