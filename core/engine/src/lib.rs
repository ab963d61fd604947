//! Virtumancer's use cases: the host fleet and its per-host supervisors, and the event bus.
//!
//! The engine talks to hypervisors only through the driver traits of `virtumancer-drivers`
//! (obtained from the [`virtumancer_drivers::Registry`]) and to the database only through the
//! repository traits of `virtumancer-store`. It never names a concrete plugin and knows nothing
//! about HTTP.

mod backoff;
mod config_hash;
mod engine_error;
mod event_bus;
mod full_pass;
mod host_fleet;
mod host_requests;
mod host_supervisor;
mod inventory_sync;
mod network_catalog;
mod state_recorder;
mod stats_archiver;
mod stats_collector;
mod stats_hub;
mod stats_rates;
mod task_tracker;
mod vm_catalog;
mod vm_nics;
mod vm_power;

pub use backoff::Backoff;
pub use engine_error::{EngineError, with_causes};
pub use event_bus::{EventBus, Published};
pub use host_fleet::{ConnectionTest, FleetOptions, HostFleet};
pub use host_requests::{HostChanges, NewHost, TestRequest};
pub use inventory_sync::{InventorySync, SyncReport};
pub use network_catalog::NetworkCatalog;
pub use stats_archiver::{
    MINUTE_RETENTION_SECS, TEN_MINUTE_RETENTION_SECS, archive_minute, maintain as maintain_history,
};
pub use stats_collector::{FAST_TICK, HostCollector, SLOW_TICK};
pub use stats_hub::{Averages, HISTORY_POINTS, HistoryPoint, StatsHub, StatsWatch, VmEntry};
pub use task_tracker::{INTERRUPTED, NewTask, Outcome, TaskTracker};
pub use vm_catalog::{BulkOutcome, MAX_BULK, VmCatalog};
pub use vm_nics::VmNics;
pub use vm_power::{ActionOptions, BulkActionOutcome, SHUTDOWN_WATCH, VmPower};
