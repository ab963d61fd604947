//! The latest usage of every host and VM, their recent history in memory, and who is watching.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::Notify;
use virtumancer_drivers::VmCounters;
use virtumancer_model::{HostId, HostStats, VmId, VmStats};

/// Samples kept in memory per VM and host: 5 minutes at the fast tick, 50 at the slow one.
pub const HISTORY_POINTS: usize = 300;

/// One point of a VM's in-memory history, kept small (f32) because thousands of VMs keep
/// hundreds of points each.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HistoryPoint {
    /// Unix time, milliseconds.
    pub at_ms: i64,
    /// CPU share of the VM's vCPUs, 0–100 (NaN: unknown).
    pub cpu_percent: f32,
    /// Memory used, bytes (NaN: unknown).
    pub memory_used_bytes: f32,
    /// Disk read bytes per second (NaN: unknown).
    pub disk_read_bps: f32,
    /// Disk write bytes per second (NaN: unknown).
    pub disk_write_bps: f32,
    /// Network receive bytes per second (NaN: unknown).
    pub net_rx_bps: f32,
    /// Network transmit bytes per second (NaN: unknown).
    pub net_tx_bps: f32,
}

fn f(v: Option<f64>) -> f32 {
    v.map_or(f32::NAN, |x| x as f32)
}

impl From<&VmStats> for HistoryPoint {
    fn from(s: &VmStats) -> Self {
        Self {
            at_ms: s.at.timestamp_millis(),
            cpu_percent: f(s.cpu_percent),
            memory_used_bytes: f(s.memory_used_bytes.map(|b| b as f64)),
            disk_read_bps: f(s.disk_read_bps),
            disk_write_bps: f(s.disk_write_bps),
            net_rx_bps: f(s.net_rx_bps),
            net_tx_bps: f(s.net_tx_bps),
        }
    }
}

/// What the hub knows about one VM.
#[derive(Debug, Clone)]
pub struct VmEntry {
    /// Its host.
    pub host: HostId,
    /// Its name (for metrics labels).
    pub name: String,
    /// Its hypervisor UUID.
    pub uuid: String,
    /// The last computed usage.
    pub latest: VmStats,
    /// The last raw counters (cumulative, for metrics).
    pub counters: VmCounters,
    /// Recent points, oldest first.
    pub history: VecDeque<HistoryPoint>,
}

#[derive(Debug, Default)]
struct State {
    hosts: HashMap<HostId, (HostStats, VecDeque<HostStats>)>,
    vms: HashMap<VmId, VmEntry>,
}

/// Shared by the collectors (writers), the API and the metrics endpoint (readers).
#[derive(Debug, Default)]
pub struct StatsHub {
    state: Mutex<State>,
    watchers: AtomicUsize,
    /// Woken when the first watcher arrives, so collectors switch to the fast tick at once.
    pub(crate) watched: Notify,
}

/// Keeps the hub on the fast tick while it lives.
#[derive(Debug)]
pub struct StatsWatch(Arc<StatsHub>);

impl Drop for StatsWatch {
    fn drop(&mut self) {
        self.0.watchers.fetch_sub(1, Ordering::SeqCst);
    }
}

impl StatsHub {
    /// An empty hub.
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Someone watches live usage (a WebSocket subscriber, a graph): sample fast until the
    /// guard drops.
    pub fn watch(self: &Arc<Self>) -> StatsWatch {
        if self.watchers.fetch_add(1, Ordering::SeqCst) == 0 {
            self.watched.notify_waiters();
        }
        StatsWatch(Arc::clone(self))
    }

    /// Whether anyone watches.
    pub fn is_watched(&self) -> bool {
        self.watchers.load(Ordering::SeqCst) > 0
    }

    /// Records one host tick (the collectors call this): the host's usage and every VM's (VMs of the host not in the
    /// tick are forgotten: they were undefined).
    pub fn record(&self, host: HostStats, vms: Vec<(VmStats, VmCounters, String)>) {
        let mut st = self.state.lock().expect("stats hub poisoned");
        let host_id = host.host_id;
        let seen: std::collections::HashSet<VmId> = vms.iter().map(|(s, _, _)| s.vm_id).collect();
        st.vms
            .retain(|id, e| e.host != host_id || seen.contains(id));
        for (stats, counters, name) in vms {
            let point = HistoryPoint::from(&stats);
            let e = st.vms.entry(stats.vm_id).or_insert_with(|| VmEntry {
                host: host_id,
                name: name.clone(),
                uuid: counters.uuid.clone(),
                latest: stats.clone(),
                counters: counters.clone(),
                history: VecDeque::with_capacity(HISTORY_POINTS),
            });
            if e.history.len() == HISTORY_POINTS {
                e.history.pop_front();
            }
            e.history.push_back(point);
            e.name = name;
            e.latest = stats;
            e.counters = counters;
        }
        let (latest, history) = st
            .hosts
            .entry(host_id)
            .or_insert_with(|| (host.clone(), VecDeque::with_capacity(HISTORY_POINTS)));
        if history.len() == HISTORY_POINTS {
            history.pop_front();
        }
        history.push_back(host.clone());
        *latest = host;
    }

    /// Forgets a host and its VMs (it disconnected: its numbers are no longer live).
    pub fn forget_host(&self, host: HostId) {
        let mut st = self.state.lock().expect("stats hub poisoned");
        st.hosts.remove(&host);
        st.vms.retain(|_, e| e.host != host);
    }

    /// A VM's latest usage and its history since `since_ms` (Unix ms).
    pub fn vm(&self, id: VmId, since_ms: i64) -> Option<(VmStats, Vec<HistoryPoint>)> {
        let st = self.state.lock().expect("stats hub poisoned");
        st.vms.get(&id).map(|e| {
            (
                e.latest.clone(),
                e.history
                    .iter()
                    .filter(|p| p.at_ms >= since_ms)
                    .copied()
                    .collect(),
            )
        })
    }

    /// A host's latest usage and its history since `since_ms`.
    pub fn host(&self, id: HostId, since_ms: i64) -> Option<(HostStats, Vec<HostStats>)> {
        let st = self.state.lock().expect("stats hub poisoned");
        st.hosts.get(&id).map(|(l, h)| {
            (
                l.clone(),
                h.iter()
                    .filter(|p| p.at.timestamp_millis() >= since_ms)
                    .cloned()
                    .collect(),
            )
        })
    }

    /// Every host's latest usage and every VM entry (for metrics).
    pub fn snapshot(&self) -> (Vec<HostStats>, Vec<VmEntry>) {
        let st = self.state.lock().expect("stats hub poisoned");
        (
            st.hosts.values().map(|(l, _)| l.clone()).collect(),
            st.vms
                .values()
                .map(|e| VmEntry {
                    history: VecDeque::new(),
                    ..e.clone()
                })
                .collect(),
        )
    }

    /// Averages of every VM's and host's points in `[from_ms, to_ms)`: `(kind, id, samples,
    /// [cpu, memory used, disk read, disk write, net rx, net tx])`.
    pub fn averages(&self, from_ms: i64, to_ms: i64) -> Vec<Averages> {
        let st = self.state.lock().expect("stats hub poisoned");
        let mut out = Vec::new();
        for (id, e) in &st.vms {
            let pts: Vec<[f64; 6]> = e
                .history
                .iter()
                .filter(|p| (from_ms..to_ms).contains(&p.at_ms))
                .map(|p| {
                    [
                        p.cpu_percent,
                        p.memory_used_bytes,
                        p.disk_read_bps,
                        p.disk_write_bps,
                        p.net_rx_bps,
                        p.net_tx_bps,
                    ]
                    .map(f64::from)
                })
                .collect();
            if !pts.is_empty() {
                out.push(Averages::of(true, id.to_string(), &pts));
            }
        }
        for (id, (_, h)) in &st.hosts {
            let pts: Vec<[f64; 6]> = h
                .iter()
                .filter(|p| (from_ms..to_ms).contains(&p.at.timestamp_millis()))
                .map(|p| {
                    let nan = f64::NAN;
                    [
                        p.cpu_percent.unwrap_or(nan),
                        p.memory_used_bytes.map_or(nan, |b| b as f64),
                        nan,
                        nan,
                        nan,
                        nan,
                    ]
                })
                .collect();
            if !pts.is_empty() {
                out.push(Averages::of(false, id.to_string(), &pts));
            }
        }
        out
    }

    /// The latest usage of every VM of every host.
    pub fn latest_vms(&self) -> Vec<VmStats> {
        let st = self.state.lock().expect("stats hub poisoned");
        st.vms.values().map(|e| e.latest.clone()).collect()
    }
}

/// Averaged usage of one VM or host over a window.
#[derive(Debug, Clone, PartialEq)]
pub struct Averages {
    /// A VM (else a host).
    pub vm: bool,
    /// Its id.
    pub id: String,
    /// Points averaged.
    pub samples: u32,
    /// CPU, memory used, disk read, disk write, net rx, net tx; `None` where no point had it.
    pub values: [Option<f64>; 6],
}

impl Averages {
    fn of(vm: bool, id: String, pts: &[[f64; 6]]) -> Self {
        let mut values = [None; 6];
        for (i, v) in values.iter_mut().enumerate() {
            let known: Vec<f64> = pts.iter().map(|p| p[i]).filter(|x| !x.is_nan()).collect();
            if !known.is_empty() {
                *v = Some(known.iter().sum::<f64>() / known.len() as f64);
            }
        }
        Self {
            vm,
            id,
            samples: u32::try_from(pts.len()).unwrap_or(u32::MAX),
            values,
        }
    }
}
