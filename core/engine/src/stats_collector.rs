//! One task per connected host: a bulk stats call per tick, rates, the hub, the event stream.
//! The tick is fast (2 s) while anyone watches live usage and slow (10 s) otherwise.

use crate::stats_rates;
use crate::{EventBus, StatsHub};
use chrono::Utc;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use virtumancer_drivers::{DriverError, HostConnection, VmCounters};
use virtumancer_model::{Event, HostId, PowerState, VmId};
use virtumancer_store::Store;

/// Tick while someone watches.
pub const FAST_TICK: Duration = Duration::from_secs(2);
/// Tick otherwise (metrics and list bars stay reasonably fresh).
pub const SLOW_TICK: Duration = Duration::from_secs(10);

/// Samples one host until aborted (the supervisor aborts it when the connection ends).
pub(crate) async fn run(
    host: HostId,
    conn: Arc<dyn HostConnection>,
    hub: Arc<StatsHub>,
    store: Arc<dyn Store>,
    bus: EventBus,
) {
    let mut names: HashMap<String, (VmId, String)> = HashMap::new();
    let mut prev: Option<(Instant, virtumancer_drivers::StatsSample)> = None;
    loop {
        let started = Instant::now();
        match conn.stats().sample().await {
            Ok(sample) => {
                if sample.vms.iter().any(|v| !names.contains_key(&v.uuid)) {
                    // New VMs (or the first tick): learn their ids from the inventory.
                    match store.vm_sync_states(host).await {
                        Ok(states) => {
                            names = states
                                .into_iter()
                                .filter(|s| !s.gone)
                                .map(|s| (s.uuid, (s.id, s.name)))
                                .collect();
                        }
                        Err(e) => tracing::warn!(%host, error = %e, "stats: reading VM ids failed"),
                    }
                }
                let now = Instant::now();
                let secs = prev
                    .as_ref()
                    .map_or(0.0, |(t, _)| now.duration_since(*t).as_secs_f64());
                let at = Utc::now();
                let before: HashMap<&str, &VmCounters> = prev
                    .as_ref()
                    .map(|(_, s)| s.vms.iter().map(|v| (v.uuid.as_str(), v)).collect())
                    .unwrap_or_default();
                let cpus = sample.host.cpus;
                let mut vms = Vec::with_capacity(sample.vms.len());
                for c in &sample.vms {
                    // VMs the inventory has not stored yet get their numbers next tick.
                    let Some((id, name)) = names.get(&c.uuid) else {
                        continue;
                    };
                    let stats = stats_rates::vm(
                        *id,
                        at,
                        before.get(c.uuid.as_str()).copied(),
                        c,
                        secs,
                        cpus,
                    );
                    vms.push((stats, c.clone(), name.clone()));
                }
                let running = sample
                    .vms
                    .iter()
                    .filter(|v| v.state == PowerState::Running)
                    .count();
                let host_stats = stats_rates::host(
                    host,
                    at,
                    prev.as_ref().map(|(_, s)| &s.host),
                    &sample.host,
                    secs,
                    u32::try_from(running).unwrap_or(u32::MAX),
                );
                let event = hub.is_watched().then(|| Event::Stats {
                    host: host_stats.clone(),
                    vms: vms.iter().map(|(s, _, _)| s.clone()).collect(),
                });
                hub.record(host_stats, vms);
                if let Some(e) = event {
                    bus.publish(e);
                }
                prev = Some((now, sample));
            }
            Err(DriverError::Unsupported { .. }) => {
                tracing::info!(%host, "the host's driver has no statistics; not sampling");
                return;
            }
            Err(e) => tracing::debug!(%host, error = %e, "stats sample failed"),
        }
        let tick = if hub.is_watched() {
            FAST_TICK
        } else {
            SLOW_TICK
        };
        let wait = tick.saturating_sub(started.elapsed());
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            // The first watcher arrived: sample now, then fast.
            () = hub.watched.notified(), if tick == SLOW_TICK => {}
        }
    }
}
