//! The latest usage of every host and VM, their recent history in memory, and who is watching.

use crate::stats_rates;
use chrono::{DateTime, Utc};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::Notify;
use virtumancer_drivers::{HostCounters, VmCounters};
use virtumancer_model::{HostId, HostStats, PowerState, VmId, VmStats};

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
    pub name: Arc<str>,
    /// Its hypervisor UUID.
    pub uuid: uuid::Uuid,
    /// The last computed usage.
    pub latest: VmStats,
    /// The last raw counters (cumulative, for metrics).
    pub counters: VmCounters,
    /// Recent points, oldest first.
    pub history: VecDeque<HistoryPoint>,
    /// The hub tick that last reported it.
    tick: u64,
}

#[derive(Debug)]
struct HostEntry {
    latest: HostStats,
    history: VecDeque<HostStats>,
    /// The raw counters of the last tick (`None` when recorded from computed stats).
    counters: Option<HostCounters>,
}

#[derive(Debug, Default)]
struct State {
    hosts: HashMap<HostId, HostEntry>,
    vms: HashMap<VmId, VmEntry, foldhash::fast::RandomState>,
    tick: u64,
}

impl State {
    fn push_host(&mut self, host: HostStats, counters: Option<HostCounters>) {
        let e = self.hosts.entry(host.host_id).or_insert_with(|| HostEntry {
            latest: host.clone(),
            history: VecDeque::with_capacity(HISTORY_POINTS),
            counters: None,
        });
        if e.history.len() == HISTORY_POINTS {
            e.history.pop_front();
        }
        e.history.push_back(host.clone());
        e.latest = host;
        e.counters = counters;
    }

    /// Forgets VMs of `host` that the tick `tick` did not report (they were undefined).
    fn drop_unreported(&mut self, host: HostId, tick: u64, reported: usize) {
        let known = self.vms.values().filter(|e| e.host == host).count();
        if known > reported {
            self.vms.retain(|_, e| e.host != host || e.tick == tick);
        }
    }
}

fn push_point(history: &mut VecDeque<HistoryPoint>, stats: &VmStats) {
    if history.len() == HISTORY_POINTS {
        history.pop_front();
    }
    history.push_back(HistoryPoint::from(stats));
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

    /// Records one host tick from raw counters (the collectors call this): every VM's and
    /// the host's usage against the counters of the previous tick, `secs` ago. VMs of the
    /// host not in the tick are forgotten (they were undefined). Drains `vms` (the caller
    /// reuses its capacity). Returns the usage for the `stats` event when `announce`.
    pub fn ingest(
        &self,
        host_id: HostId,
        at: DateTime<Utc>,
        secs: f64,
        host: HostCounters,
        vms: &mut Vec<(VmId, Arc<str>, VmCounters)>,
        announce: bool,
    ) -> Option<(HostStats, Vec<VmStats>)> {
        let mut st = self.state.lock().expect("stats hub poisoned");
        st.tick += 1;
        let tick = st.tick;
        let reported = vms.len();
        let cpus = host.cpus;
        let running = vms
            .iter()
            .filter(|(_, _, c)| c.state == PowerState::Running)
            .count();
        let mut out = announce.then(|| Vec::with_capacity(reported));
        for (id, name, counters) in vms.drain(..) {
            match st.vms.get_mut(&id) {
                Some(e) => {
                    let stats = stats_rates::vm(id, at, Some(&e.counters), &counters, secs, cpus);
                    push_point(&mut e.history, &stats);
                    if let Some(o) = out.as_mut() {
                        o.push(stats.clone());
                    }
                    e.latest = stats;
                    e.counters = counters;
                    e.tick = tick;
                    if e.name != name {
                        e.name = name;
                    }
                }
                None => {
                    let stats = stats_rates::vm(id, at, None, &counters, secs, cpus);
                    let mut history = VecDeque::with_capacity(HISTORY_POINTS);
                    push_point(&mut history, &stats);
                    if let Some(o) = out.as_mut() {
                        o.push(stats.clone());
                    }
                    st.vms.insert(
                        id,
                        VmEntry {
                            host: host_id,
                            name,
                            uuid: counters.uuid,
                            latest: stats,
                            counters,
                            history,
                            tick,
                        },
                    );
                }
            }
        }
        st.drop_unreported(host_id, tick, reported);
        let prev = st.hosts.get(&host_id).and_then(|e| e.counters.as_ref());
        let host_stats = stats_rates::host(
            host_id,
            at,
            prev,
            &host,
            secs,
            u32::try_from(running).unwrap_or(u32::MAX),
        );
        st.push_host(host_stats.clone(), Some(host));
        out.map(|vms| (host_stats, vms))
    }

    /// Records one host tick of already computed usage (tests and tools; collectors use
    /// [`Self::ingest`]).
    pub fn record(&self, host: HostStats, vms: Vec<(VmStats, VmCounters, String)>) {
        let mut st = self.state.lock().expect("stats hub poisoned");
        let host_id = host.host_id;
        st.tick += 1;
        let tick = st.tick;
        let reported = vms.len();
        for (stats, counters, name) in vms {
            let e = st.vms.entry(stats.vm_id).or_insert_with(|| VmEntry {
                host: host_id,
                name: Arc::from(name.as_str()),
                uuid: counters.uuid,
                latest: stats.clone(),
                counters: counters.clone(),
                history: VecDeque::with_capacity(HISTORY_POINTS),
                tick,
            });
            push_point(&mut e.history, &stats);
            e.latest = stats;
            e.counters = counters;
            e.tick = tick;
        }
        st.drop_unreported(host_id, tick, reported);
        st.push_host(host, None);
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
        st.hosts.get(&id).map(|e| {
            (
                e.latest.clone(),
                e.history
                    .iter()
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
            st.hosts.values().map(|e| e.latest.clone()).collect(),
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
        for (id, e) in &st.hosts {
            let pts: Vec<[f64; 6]> = e
                .history
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
