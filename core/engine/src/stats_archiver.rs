//! Writes the hub's live samples into the database as 1-minute averages (kept a day), rolls
//! them up into 10-minute averages (kept a week) and prunes what is older.

use crate::StatsHub;
use chrono::Utc;
use std::sync::Arc;
use std::time::Duration;
use virtumancer_store::{StatsRow, StatsTarget, Store, StoreError};

/// How long 1-minute buckets are kept.
pub const MINUTE_RETENTION_SECS: i64 = 24 * 3600;
/// How long 10-minute buckets are kept.
pub const TEN_MINUTE_RETENTION_SECS: i64 = 7 * 24 * 3600;

/// Writes the 1-minute bucket starting at `bucket` (Unix seconds); returns rows written.
pub async fn archive_minute(
    hub: &StatsHub,
    store: &dyn Store,
    bucket: i64,
) -> Result<usize, StoreError> {
    let rows: Vec<StatsRow> = hub
        .averages(bucket * 1000, (bucket + 60) * 1000)
        .into_iter()
        .map(|a| StatsRow {
            kind: if a.vm {
                StatsTarget::Vm
            } else {
                StatsTarget::Host
            },
            target_id: a.id,
            resolution_secs: 60,
            bucket,
            samples: a.samples,
            cpu_percent: a.values[0],
            memory_used_bytes: a.values[1],
            disk_read_bps: a.values[2],
            disk_write_bps: a.values[3],
            net_rx_bps: a.values[4],
            net_tx_bps: a.values[5],
        })
        .collect();
    store.insert_stats(&rows).await?;
    Ok(rows.len())
}

/// After the minute `bucket` was written: when it closed a 10-minute window, roll that window
/// up and prune old buckets.
pub async fn maintain(store: &dyn Store, bucket: i64) -> Result<(), StoreError> {
    let end = bucket + 60;
    if end % 600 == 0 {
        store.roll_up(end - 600, end).await?;
        store.prune_stats(60, end - MINUTE_RETENTION_SECS).await?;
        store
            .prune_stats(600, end - TEN_MINUTE_RETENTION_SECS)
            .await?;
    }
    Ok(())
}

/// Runs forever: shortly after each minute ends, archives it.
pub(crate) async fn run(hub: Arc<StatsHub>, store: Arc<dyn Store>) {
    loop {
        let now = Utc::now().timestamp_millis();
        // A second after the minute ends, so the last tick of the minute is in.
        let next_end = (now / 60_000 + 1) * 60_000;
        let wait = u64::try_from(next_end + 1_000 - now).unwrap_or(1_000);
        tokio::time::sleep(Duration::from_millis(wait)).await;
        let bucket = next_end / 1000 - 60;
        let r = async {
            archive_minute(&hub, store.as_ref(), bucket).await?;
            maintain(store.as_ref(), bucket).await
        };
        if let Err(e) = r.await {
            tracing::warn!(error = %e, "archiving usage history failed");
        }
    }
}
