//! One task per connected host: a bulk stats call per tick, rates, the hub, the event stream.
//! The tick is fast (1 s) while anyone watches live usage and slow (10 s) otherwise.

use crate::{EventBus, StatsHub};
use chrono::Utc;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use virtumancer_drivers::{DriverError, HostConnection, VmCounters};
use virtumancer_model::{Event, HostId, VmId};
use virtumancer_store::Store;

/// Tick while someone watches.
pub const FAST_TICK: Duration = Duration::from_secs(1);
/// Tick otherwise (metrics and list bars stay reasonably fresh).
pub const SLOW_TICK: Duration = Duration::from_secs(10);

/// The per-host state of the collector between ticks.
pub struct HostCollector {
    host: HostId,
    hub: Arc<StatsHub>,
    store: Arc<dyn Store>,
    bus: EventBus,
    names: HashMap<uuid::Uuid, (VmId, Arc<str>), foldhash::fast::RandomState>,
    prev_at: Option<Instant>,
    /// Reused every tick (thousands of entries: no fresh pages per tick).
    buffer: Vec<(VmId, Arc<str>, VmCounters)>,
}

impl HostCollector {
    /// A collector for `host` writing to `hub` and publishing on `bus`.
    pub fn new(host: HostId, hub: Arc<StatsHub>, store: Arc<dyn Store>, bus: EventBus) -> Self {
        Self {
            host,
            hub,
            store,
            bus,
            names: HashMap::default(),
            prev_at: None,
            buffer: Vec::new(),
        }
    }

    /// One tick: a bulk sample, rates, the hub, and (while watched) one event.
    pub async fn tick(&mut self, conn: &dyn HostConnection) -> Result<(), DriverError> {
        let sample = conn.stats().sample().await?;
        self.process(sample).await;
        Ok(())
    }

    /// Everything after the driver call: ids, rates, the hub and the event.
    pub async fn process(&mut self, sample: virtumancer_drivers::StatsSample) {
        let host = self.host;
        if sample.vms.iter().any(|v| !self.names.contains_key(&v.uuid)) {
            // New VMs (or the first tick): learn their ids from the inventory.
            match self.store.vm_sync_states(host).await {
                Ok(states) => {
                    self.names = states
                        .into_iter()
                        .filter(|s| !s.gone)
                        .filter_map(|s| {
                            let uuid = s.uuid.parse().ok()?;
                            Some((uuid, (s.id, Arc::from(s.name.as_str()))))
                        })
                        .collect();
                }
                Err(e) => tracing::warn!(%host, error = %e, "stats: reading VM ids failed"),
            }
        }
        let now = Instant::now();
        let secs = self
            .prev_at
            .map_or(0.0, |t| now.duration_since(t).as_secs_f64());
        self.prev_at = Some(now);
        let mut vms = std::mem::take(&mut self.buffer);
        vms.extend(
            sample
                .vms
                .into_iter()
                // VMs the inventory has not stored yet get their numbers next tick.
                .filter_map(|c| {
                    let (id, name) = self.names.get(&c.uuid)?;
                    Some((*id, Arc::clone(name), c))
                }),
        );
        let announce = self.hub.is_watched();
        let event = self
            .hub
            .ingest(host, Utc::now(), secs, sample.host, &mut vms, announce);
        // The emptied buffer keeps its capacity for the next tick.
        self.buffer = vms;
        if let Some((host_stats, vms)) = event {
            self.bus.publish(Event::Stats {
                host: host_stats,
                vms,
            });
        }
    }
}

/// Samples one host until aborted (the supervisor aborts it when the connection ends).
pub(crate) async fn run(
    host: HostId,
    conn: Arc<dyn HostConnection>,
    hub: Arc<StatsHub>,
    store: Arc<dyn Store>,
    bus: EventBus,
) {
    let mut collector = HostCollector::new(host, Arc::clone(&hub), store, bus);
    loop {
        let started = Instant::now();
        match collector.tick(conn.as_ref()).await {
            Ok(()) => {}
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
