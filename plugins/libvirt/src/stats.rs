//! Turning libvirt's bulk domain stats into the driver's counters.

use crate::domain_stats::{self, Record, Value};
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
    let records = domain_stats::all_domain_stats(conn, GROUPS)?;
    Ok(StatsSample {
        host: domain_stats::host_counters(conn),
        vms: records.iter().map(counters).collect(),
    })
}

fn get<'a>(r: &'a Record, key: &str) -> Option<&'a Value> {
    r.params.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

fn u(r: &Record, key: &str) -> Option<u64> {
    get(r, key).and_then(Value::as_u64)
}

/// Sums `<prefix>.<i>.<suffix>` over `<prefix>.count` devices; `None` when none reported it.
fn sum(r: &Record, prefix: &str, suffix: &str) -> Option<u64> {
    let n = u(r, &format!("{prefix}.count"))?;
    (0..n)
        .filter_map(|i| u(r, &format!("{prefix}.{i}.{suffix}")))
        .fold(None, |acc, v| Some(acc.unwrap_or(0) + v))
}

fn counters(r: &Record) -> VmCounters {
    let state = u(r, "state.state")
        .and_then(|s| u32::try_from(s).ok())
        .map_or(PowerState::Unknown, normalize::power_state);
    // libvirt 9 reports the daemon's own CPU time for inactive domains: ignore it.
    let running = matches!(state, PowerState::Running | PowerState::Paused);
    let kib = |key: &str| u(r, key).map(|v| v * 1024);
    VmCounters {
        uuid: r.uuid.clone(),
        state,
        cpu_time_ns: u(r, "cpu.time").filter(|_| running),
        vcpus: u(r, "vcpu.current").and_then(|v| u32::try_from(v).ok()),
        memory_bytes: kib("balloon.current"),
        memory_usable_bytes: kib("balloon.usable"),
        memory_unused_bytes: kib("balloon.unused"),
        memory_rss_bytes: kib("balloon.rss"),
        disk_read_bytes: sum(r, "block", "rd.bytes"),
        disk_write_bytes: sum(r, "block", "wr.bytes"),
        disk_read_reqs: sum(r, "block", "rd.reqs"),
        disk_write_reqs: sum(r, "block", "wr.reqs"),
        net_rx_bytes: sum(r, "net", "rx.bytes"),
        net_tx_bytes: sum(r, "net", "tx.bytes"),
        net_rx_packets: sum(r, "net", "rx.pkts"),
        net_tx_packets: sum(r, "net", "tx.pkts"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(params: &[(&str, Value)]) -> Record {
        Record {
            uuid: "u".into(),
            params: params
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        }
    }

    #[test]
    fn sums_devices_and_ignores_cpu_of_stopped_domains() {
        let running = rec(&[
            ("state.state", Value::Int(1)),
            ("cpu.time", Value::Int(5_000)),
            ("balloon.current", Value::Int(2)),
            ("block.count", Value::Int(2)),
            ("block.0.rd.bytes", Value::Int(10)),
            ("block.1.rd.bytes", Value::Int(32)),
            ("net.count", Value::Int(1)),
            ("net.0.tx.pkts", Value::Int(7)),
        ]);
        let c = counters(&running);
        assert_eq!(c.state, PowerState::Running);
        assert_eq!(c.cpu_time_ns, Some(5_000));
        assert_eq!(c.memory_bytes, Some(2048));
        assert_eq!(c.disk_read_bytes, Some(42));
        assert_eq!(c.disk_write_bytes, None);
        assert_eq!(c.net_tx_packets, Some(7));
        let off = rec(&[("state.state", Value::Int(5)), ("cpu.time", Value::Int(9))]);
        assert_eq!(counters(&off).cpu_time_ns, None);
        assert_eq!(counters(&off).state, PowerState::Shutoff);
    }
}
