//! The repository of downsampled usage history.

use crate::StoreError;
use async_trait::async_trait;

/// What a history row describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatsTarget {
    /// A VM (our id).
    Vm,
    /// A host (our id).
    Host,
}

impl StatsTarget {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Vm => "vm",
            Self::Host => "host",
        }
    }
}

/// One bucket of averaged usage.
#[derive(Debug, Clone, PartialEq)]
pub struct StatsRow {
    /// VM or host.
    pub kind: StatsTarget,
    /// Its id.
    pub target_id: String,
    /// 60 or 600.
    pub resolution_secs: u32,
    /// Unix seconds at the bucket's start.
    pub bucket: i64,
    /// Samples averaged.
    pub samples: u32,
    /// Average CPU share, 0–100.
    pub cpu_percent: Option<f64>,
    /// Average memory used, bytes.
    pub memory_used_bytes: Option<f64>,
    /// Average disk reads, bytes/s.
    pub disk_read_bps: Option<f64>,
    /// Average disk writes, bytes/s.
    pub disk_write_bps: Option<f64>,
    /// Average network receive, bytes/s.
    pub net_rx_bps: Option<f64>,
    /// Average network transmit, bytes/s.
    pub net_tx_bps: Option<f64>,
}

/// Usage history in the database.
#[async_trait]
pub trait StatsRepository: Send + Sync {
    /// Stores buckets (replacing a bucket written before).
    async fn insert_stats(&self, rows: &[StatsRow]) -> Result<(), StoreError>;
    /// One target's buckets of one resolution from `since` (Unix seconds), oldest first.
    async fn stats_history(
        &self,
        kind: StatsTarget,
        target_id: &str,
        resolution_secs: u32,
        since: i64,
    ) -> Result<Vec<StatsRow>, StoreError>;
    /// Averages the 60-second buckets in `[from, to)` into 600-second buckets (weighted by
    /// samples); returns buckets written.
    async fn roll_up(&self, from: i64, to: i64) -> Result<u64, StoreError>;
    /// Deletes buckets of `resolution_secs` older than `before`; returns rows deleted.
    async fn prune_stats(&self, resolution_secs: u32, before: i64) -> Result<u64, StoreError>;
}
