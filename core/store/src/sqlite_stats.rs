//! The SQLite implementation of the stats history repository.

use crate::stats_repository::{StatsRepository, StatsRow, StatsTarget};
use crate::{SqliteStore, StoreError};
use async_trait::async_trait;
use sqlx::{QueryBuilder, Row, Sqlite};

/// Rows per multi-row insert (12 values each).
const CHUNK: usize = 2_000;

#[async_trait]
impl StatsRepository for SqliteStore {
    async fn insert_stats(&self, rows: &[StatsRow]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        for chunk in rows.chunks(CHUNK) {
            let mut q = QueryBuilder::<Sqlite>::new(
                "INSERT OR REPLACE INTO stats_history (target_kind, target_id, resolution_secs, bucket, samples, \
                 cpu_percent, memory_used_bytes, disk_read_bps, disk_write_bps, net_rx_bps, net_tx_bps) ",
            );
            q.push_values(chunk, |mut b, r| {
                b.push_bind(r.kind.as_str())
                    .push_bind(r.target_id.clone())
                    .push_bind(i64::from(r.resolution_secs))
                    .push_bind(r.bucket)
                    .push_bind(i64::from(r.samples))
                    .push_bind(r.cpu_percent)
                    .push_bind(r.memory_used_bytes)
                    .push_bind(r.disk_read_bps)
                    .push_bind(r.disk_write_bps)
                    .push_bind(r.net_rx_bps)
                    .push_bind(r.net_tx_bps);
            });
            q.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn stats_history(
        &self,
        kind: StatsTarget,
        target_id: &str,
        resolution_secs: u32,
        since: i64,
    ) -> Result<Vec<StatsRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT bucket, samples, cpu_percent, memory_used_bytes, disk_read_bps, disk_write_bps, net_rx_bps, net_tx_bps \
             FROM stats_history WHERE target_kind = ? AND target_id = ? AND resolution_secs = ? AND bucket >= ? ORDER BY bucket",
        )
        .bind(kind.as_str())
        .bind(target_id)
        .bind(i64::from(resolution_secs))
        .bind(since)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(StatsRow {
                    kind,
                    target_id: target_id.to_owned(),
                    resolution_secs,
                    bucket: r.try_get("bucket")?,
                    samples: u32::try_from(r.try_get::<i64, _>("samples")?).unwrap_or(0),
                    cpu_percent: r.try_get("cpu_percent")?,
                    memory_used_bytes: r.try_get("memory_used_bytes")?,
                    disk_read_bps: r.try_get("disk_read_bps")?,
                    disk_write_bps: r.try_get("disk_write_bps")?,
                    net_rx_bps: r.try_get("net_rx_bps")?,
                    net_tx_bps: r.try_get("net_tx_bps")?,
                })
            })
            .collect()
    }

    async fn roll_up(&self, from: i64, to: i64) -> Result<u64, StoreError> {
        // Weighted by samples; a column's average ignores buckets where it was NULL.
        let done = sqlx::query(
            "INSERT OR REPLACE INTO stats_history (target_kind, target_id, resolution_secs, bucket, samples, cpu_percent, \
             memory_used_bytes, disk_read_bps, disk_write_bps, net_rx_bps, net_tx_bps) \
             SELECT target_kind, target_id, 600, bucket - bucket % 600, SUM(samples), \
             SUM(cpu_percent * samples) / SUM(CASE WHEN cpu_percent IS NULL THEN 0 ELSE samples END), \
             SUM(memory_used_bytes * samples) / SUM(CASE WHEN memory_used_bytes IS NULL THEN 0 ELSE samples END), \
             SUM(disk_read_bps * samples) / SUM(CASE WHEN disk_read_bps IS NULL THEN 0 ELSE samples END), \
             SUM(disk_write_bps * samples) / SUM(CASE WHEN disk_write_bps IS NULL THEN 0 ELSE samples END), \
             SUM(net_rx_bps * samples) / SUM(CASE WHEN net_rx_bps IS NULL THEN 0 ELSE samples END), \
             SUM(net_tx_bps * samples) / SUM(CASE WHEN net_tx_bps IS NULL THEN 0 ELSE samples END) \
             FROM stats_history WHERE resolution_secs = 60 AND bucket >= ? AND bucket < ? \
             GROUP BY target_kind, target_id, bucket - bucket % 600",
        )
        .bind(from)
        .bind(to)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    async fn prune_stats(&self, resolution_secs: u32, before: i64) -> Result<u64, StoreError> {
        Ok(
            sqlx::query("DELETE FROM stats_history WHERE resolution_secs = ? AND bucket < ?")
                .bind(i64::from(resolution_secs))
                .bind(before)
                .execute(&self.pool)
                .await?
                .rows_affected(),
        )
    }
}
