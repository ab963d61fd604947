//! `GET /metrics`: every host and VM in the Prometheus text format, from the stats hub (the
//! collectors' latest samples) and the host list. A fresh registry per scrape: counters carry
//! the hypervisor's cumulative values.

use crate::{ApiError, AppState};
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use virtumancer_model::HostState;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HostLabels {
    host: String,
    host_id: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct VmLabels {
    host: String,
    vm: String,
    uuid: String,
}

type Gauges<L> = Family<L, Gauge<f64, AtomicU64>>;
type Counters<L> = Family<L, Counter<f64, AtomicU64>>;

fn gauge<
    L: Clone + std::hash::Hash + Eq + EncodeLabelSet + std::fmt::Debug + Send + Sync + 'static,
>(
    r: &mut Registry,
    name: &str,
    help: &str,
) -> Gauges<L> {
    let f = Gauges::<L>::default();
    r.register(name, help, f.clone());
    f
}

fn counter<
    L: Clone + std::hash::Hash + Eq + EncodeLabelSet + std::fmt::Debug + Send + Sync + 'static,
>(
    r: &mut Registry,
    name: &str,
    help: &str,
) -> Counters<L> {
    let f = Counters::<L>::default();
    r.register(name, help, f.clone());
    f
}

/// Prometheus metrics of every host and every sampled VM (served at `/metrics`, outside the
/// versioned JSON API).
pub async fn metrics(State(s): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let hosts = s.fleet.list().await?;
    let (host_stats, vms) = s.fleet.stats().snapshot();
    let mut r = Registry::with_prefix("virtumancer");
    let connected = gauge::<HostLabels>(&mut r, "host_connected", "1 when the host is connected");
    let h_cpu = gauge::<HostLabels>(&mut r, "host_cpu_ratio", "Host CPU busy share, 0-1");
    let h_cpus = gauge::<HostLabels>(&mut r, "host_cpus", "Logical CPUs of the host");
    let h_mem = gauge::<HostLabels>(&mut r, "host_memory_bytes", "Physical memory of the host");
    let h_used = gauge::<HostLabels>(
        &mut r,
        "host_memory_used_bytes",
        "Memory in use on the host",
    );
    let h_run = gauge::<HostLabels>(&mut r, "host_vms_running", "VMs running on the host");
    let names: HashMap<_, _> = hosts.iter().map(|h| (h.id, h.name.clone())).collect();
    let hl = |id: virtumancer_model::HostId| HostLabels {
        host: names.get(&id).cloned().unwrap_or_default(),
        host_id: id.to_string(),
    };
    for h in &hosts {
        connected
            .get_or_create(&hl(h.id))
            .set(if h.state == HostState::Connected {
                1.0
            } else {
                0.0
            });
    }
    for h in &host_stats {
        let l = hl(h.host_id);
        if let Some(c) = h.cpu_percent {
            h_cpu.get_or_create(&l).set(c / 100.0);
        }
        h_cpus.get_or_create(&l).set(f64::from(h.cpus));
        if let Some(m) = h.memory_total_bytes {
            h_mem.get_or_create(&l).set(m as f64);
        }
        if let Some(m) = h.memory_used_bytes {
            h_used.get_or_create(&l).set(m as f64);
        }
        h_run.get_or_create(&l).set(f64::from(h.vms_running));
    }
    let up = gauge::<VmLabels>(&mut r, "vm_running", "1 when the VM runs");
    let vcpus = gauge::<VmLabels>(&mut r, "vm_vcpus", "vCPUs online");
    let cpu = gauge::<VmLabels>(&mut r, "vm_cpu_ratio", "CPU share of the VM's vCPUs, 0-1");
    let mem = gauge::<VmLabels>(&mut r, "vm_memory_bytes", "Memory the VM has (balloon)");
    let used = gauge::<VmLabels>(&mut r, "vm_memory_used_bytes", "Memory in use in the guest");
    let cpu_s = counter::<VmLabels>(&mut r, "vm_cpu_seconds", "CPU time used by the guest");
    let rd = counter::<VmLabels>(&mut r, "vm_disk_read_bytes", "Bytes read from disks");
    let wr = counter::<VmLabels>(&mut r, "vm_disk_write_bytes", "Bytes written to disks");
    let rd_r = counter::<VmLabels>(&mut r, "vm_disk_read_requests", "Disk read requests");
    let wr_r = counter::<VmLabels>(&mut r, "vm_disk_write_requests", "Disk write requests");
    let rx = counter::<VmLabels>(&mut r, "vm_network_receive_bytes", "Bytes received");
    let tx = counter::<VmLabels>(&mut r, "vm_network_transmit_bytes", "Bytes sent");
    let rx_p = counter::<VmLabels>(&mut r, "vm_network_receive_packets", "Packets received");
    let tx_p = counter::<VmLabels>(&mut r, "vm_network_transmit_packets", "Packets sent");
    for e in &vms {
        let l = VmLabels {
            host: names.get(&e.host).cloned().unwrap_or_default(),
            vm: e.name.to_string(),
            uuid: e.uuid.to_string(),
        };
        let c = &e.counters;
        let running = e.latest.state == virtumancer_model::PowerState::Running;
        up.get_or_create(&l).set(if running { 1.0 } else { 0.0 });
        let set = |g: &Gauges<VmLabels>, v: Option<f64>| {
            if let Some(v) = v {
                g.get_or_create(&l).set(v);
            }
        };
        let add = |k: &Counters<VmLabels>, v: Option<u64>| {
            if let Some(v) = v {
                k.get_or_create(&l).inc_by(v as f64);
            }
        };
        set(&vcpus, c.vcpus.map(f64::from));
        set(&cpu, e.latest.cpu_percent.map(|p| p / 100.0));
        set(&mem, e.latest.memory_bytes.map(|b| b as f64));
        set(&used, e.latest.memory_used_bytes.map(|b| b as f64));
        if let Some(ns) = c.cpu_time_ns {
            cpu_s.get_or_create(&l).inc_by(ns as f64 / 1e9);
        }
        add(&rd, c.disk_read_bytes);
        add(&wr, c.disk_write_bytes);
        add(&rd_r, c.disk_read_reqs);
        add(&wr_r, c.disk_write_reqs);
        add(&rx, c.net_rx_bytes);
        add(&tx, c.net_tx_bytes);
        add(&rx_p, c.net_rx_packets);
        add(&tx_p, c.net_tx_packets);
    }
    let mut out = String::new();
    encode(&mut out, &r).map_err(|e| ApiError::internal("encoding metrics", &e))?;
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        out,
    ))
}
