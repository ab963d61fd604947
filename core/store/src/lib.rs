//! Virtumancer's database: repositories behind traits, implemented with sqlx.
//!
//! SQLite (WAL) is the default; migrations live in `/migrations/sqlite` and run automatically
//! when the store opens. Depends only on `virtumancer-model`; never on drivers, engine or API.

mod error;
mod host_repository;
mod inventory_repository;
mod network_repository;
mod sqlite_bulk_insert;
mod sqlite_checkpointer;
mod sqlite_inventory;
mod sqlite_inventory_writer;
mod sqlite_networks;
#[allow(unsafe_code)] // bulk inserts through SQLite's C API on a handle sqlx lends out (ADR 0011)
mod sqlite_raw;
mod sqlite_stats;
mod sqlite_store;
mod sqlite_tasks;
mod stats_repository;
mod task_repository;

pub use error::StoreError;
pub use host_repository::{HostConfig, HostRepository, HostStateRecord, SyncOutcome};
pub use inventory_repository::{
    HashedItem, InventoryBatch, InventoryRepository, InventoryWriter, VmPage, VmQuery, VmSort,
    VmSyncState,
};
pub use network_repository::{NetworkRepository, PortPage, PortQuery, PortSort};
pub use sqlite_store::SqliteStore;
pub use stats_repository::{StatsRepository, StatsRow, StatsTarget};
pub use task_repository::{TaskPage, TaskQuery, TaskRepository};

/// Every repository of one database.
#[async_trait::async_trait]
pub trait Store:
    HostRepository + InventoryRepository + NetworkRepository + TaskRepository + StatsRepository
{
    /// Closes the database once the calls in flight are done; later calls fail. SQLite moves
    /// its write-ahead log into the database file here, so a store that is dropped instead
    /// does that work in the background, on whatever runs next.
    async fn close(&self);
}

use std::sync::Arc;

/// Opens the store named by `url` (`sqlite:path?mode=rwc`, `sqlite::memory:`) and migrates it.
pub async fn open(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        return Err(StoreError::Unsupported(
            "PostgreSQL support is not built yet (planned for scale-out); use a sqlite: URL".into(),
        ));
    }
    if !url.starts_with("sqlite:") {
        return Err(StoreError::Unsupported(format!(
            "unknown database URL scheme in '{url}'; use sqlite:PATH"
        )));
    }
    Ok(Arc::new(SqliteStore::open(url).await?))
}
