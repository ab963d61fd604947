//! The SQLite implementation of the repositories.

use crate::sqlite_checkpointer::Checkpointer;
use crate::{HostConfig, HostRepository, HostStateRecord, Store, StoreError, SyncOutcome};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{Row, SqlitePool};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use virtumancer_model::{Host, HostFacts, HostId, HostKey, HostState, SyncFailure};

/// Repositories on one SQLite database file (WAL mode).
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pub(crate) pool: SqlitePool,
    /// `None` for an in-memory database, which has no log.
    pub(crate) checkpoints: Option<Arc<Checkpointer>>,
}

/// Every column of `hosts`, in the order `host_from_row` reads them.
macro_rules! host_columns {
    () => {
        "id, name, uri, key_file, host_key_type, host_key_fingerprint, auto_connect, state, \
         state_reason, facts, created_at, updated_at, last_connected_at, last_synced_at, sync_error, \
         sync_failed_at"
    };
}

/// `SELECT <every host column> FROM hosts <tail>` as one static string (sqlx refuses dynamic SQL).
macro_rules! select_hosts {
    ($tail:literal) => {
        concat!("SELECT ", host_columns!(), " FROM hosts ", $tail)
    };
}

/// `UPDATE hosts SET <assignments> WHERE id = ? RETURNING <every host column>`: one atomic
/// statement that yields the updated row, or nothing when the host does not exist.
macro_rules! update_host {
    ($assignments:literal) => {
        concat!(
            "UPDATE hosts SET ",
            $assignments,
            ", updated_at = ? WHERE id = ? RETURNING ",
            host_columns!()
        )
    };
}

impl SqliteStore {
    /// Opens (creating if needed) and migrates the database at `url`.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            // A new database gets 16 KiB pages (an existing one keeps its own: WAL mode cannot
            // change it). A full sync of 10,000 VMs writes about 16 MiB in one commit, and with
            // SQLite's default of 4 KiB that commit spent 38 ms writing 4,000 log frames (two
            // writes each) while nothing else was left to do; with 16 KiB it takes 24 ms, and
            // the pass's inserts split fewer pages (1.6 % fewer instructions for 1,000 VMs). A
            // single VM's update logs a few pages, now 16 KiB each: small against that.
            .page_size(16384)
            .pragma("cache_size", "-65536")
            // Checkpoints run in the background (`Checkpointer`), not inside commits.
            .pragma("wal_autocheckpoint", "0")
            .busy_timeout(Duration::from_secs(10));
        let in_memory = url.contains(":memory:");
        let pool = SqlitePoolOptions::new()
            // An in-memory database exists per connection: keep exactly one.
            .max_connections(if in_memory { 1 } else { 8 })
            .connect_with(options)
            .await?;
        sqlx::migrate!("../../migrations/sqlite").run(&pool).await?;
        let checkpoints = (!in_memory).then(|| Arc::new(Checkpointer::start(pool.clone())));
        Ok(Self { pool, checkpoints })
    }

    async fn fetch_host(&self, id: HostId) -> Result<Option<Host>, StoreError> {
        let row = sqlx::query(select_hosts!("WHERE id = ?"))
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(host_from_row).transpose()
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn close(&self) {
        // No checkpoint may start now: closing the last connection checkpoints the whole log.
        if let Some(c) = &self.checkpoints {
            c.stop();
        }
        self.pool.close().await;
    }
}

fn host_from_row(row: &SqliteRow) -> Result<Host, StoreError> {
    let corrupt = |column: &'static str, message: String| StoreError::Corrupt { column, message };
    let id: String = row.try_get("id")?;
    let state: String = row.try_get("state")?;
    let facts: Option<String> = row.try_get("facts")?;
    let key_type: Option<String> = row.try_get("host_key_type")?;
    let key_fp: Option<String> = row.try_get("host_key_fingerprint")?;
    Ok(Host {
        id: id
            .parse()
            .map_err(|e: uuid::Error| corrupt("id", e.to_string()))?,
        name: row.try_get("name")?,
        uri: row.try_get("uri")?,
        key_file: row.try_get("key_file")?,
        host_key: key_type.zip(key_fp).map(|(key_type, fingerprint)| HostKey {
            key_type,
            fingerprint,
        }),
        auto_connect: row.try_get("auto_connect")?,
        state: HostState::parse(&state).ok_or_else(|| corrupt("state", state.clone()))?,
        state_reason: row.try_get("state_reason")?,
        facts: facts
            .map(|f| serde_json::from_str::<HostFacts>(&f))
            .transpose()
            .map_err(|e| corrupt("facts", e.to_string()))?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        last_connected_at: row.try_get("last_connected_at")?,
        last_synced_at: row.try_get("last_synced_at")?,
        sync_failure: match (
            row.try_get::<Option<String>, _>("sync_error")?,
            row.try_get::<Option<DateTime<Utc>>, _>("sync_failed_at")?,
        ) {
            (Some(reason), Some(at)) => Some(SyncFailure { at, reason }),
            _ => None,
        },
    })
}

fn now() -> DateTime<Utc> {
    Utc::now()
}

#[async_trait]
impl HostRepository for SqliteStore {
    async fn list_hosts(&self) -> Result<Vec<Host>, StoreError> {
        let rows = sqlx::query(select_hosts!("ORDER BY name COLLATE NOCASE, id"))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(host_from_row).collect()
    }

    async fn get_host(&self, id: HostId) -> Result<Option<Host>, StoreError> {
        self.fetch_host(id).await
    }

    async fn insert_host(
        &self,
        id: HostId,
        config: &HostConfig,
        auto_connect: bool,
    ) -> Result<Host, StoreError> {
        let ts = now();
        let initial = if auto_connect {
            HostState::Connecting
        } else {
            HostState::Disconnected
        };
        let row = sqlx::query(concat!(
            "INSERT INTO hosts (id, name, uri, key_file, host_key_type, host_key_fingerprint, \
             auto_connect, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ",
            host_columns!()
        ))
        .bind(id.to_string())
        .bind(&config.name)
        .bind(&config.uri)
        .bind(&config.key_file)
        .bind(config.host_key.as_ref().map(|k| &k.key_type))
        .bind(config.host_key.as_ref().map(|k| &k.fingerprint))
        .bind(auto_connect)
        .bind(initial.as_str())
        .bind(ts)
        .bind(ts)
        .fetch_one(&self.pool)
        .await?;
        host_from_row(&row)
    }

    async fn update_host_config(
        &self,
        id: HostId,
        config: &HostConfig,
    ) -> Result<Option<Host>, StoreError> {
        let row = sqlx::query(update_host!(
            "name = ?, uri = ?, key_file = ?, host_key_type = ?, host_key_fingerprint = ?"
        ))
        .bind(&config.name)
        .bind(&config.uri)
        .bind(&config.key_file)
        .bind(config.host_key.as_ref().map(|k| &k.key_type))
        .bind(config.host_key.as_ref().map(|k| &k.fingerprint))
        .bind(now())
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(host_from_row).transpose()
    }

    async fn set_auto_connect(
        &self,
        id: HostId,
        auto_connect: bool,
    ) -> Result<Option<Host>, StoreError> {
        let row = sqlx::query(update_host!("auto_connect = ?"))
            .bind(auto_connect)
            .bind(now())
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(host_from_row).transpose()
    }

    async fn record_state(
        &self,
        id: HostId,
        record: &HostStateRecord,
    ) -> Result<Option<Host>, StoreError> {
        let facts = record
            .facts
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| StoreError::Corrupt {
                column: "facts",
                message: e.to_string(),
            })?;
        let row = sqlx::query(update_host!(
            "state = ?, state_reason = ?, facts = COALESCE(?, facts), \
             last_connected_at = COALESCE(?, last_connected_at)"
        ))
        .bind(record.state.as_str())
        .bind(&record.reason)
        .bind(facts)
        .bind(record.connected_at)
        .bind(now())
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(host_from_row).transpose()
    }

    async fn record_sync(
        &self,
        id: HostId,
        outcome: &SyncOutcome,
    ) -> Result<Option<Host>, StoreError> {
        // Not an edit of the host: `updated_at` stays.
        let query = match outcome {
            SyncOutcome::Synced { at } => sqlx::query(concat!(
                "UPDATE hosts SET last_synced_at = ?, sync_error = NULL, sync_failed_at = NULL \
                 WHERE id = ? RETURNING ",
                host_columns!()
            ))
            .bind(*at),
            SyncOutcome::Failed { at, reason } => sqlx::query(concat!(
                "UPDATE hosts SET sync_error = ?, sync_failed_at = ? WHERE id = ? RETURNING ",
                host_columns!()
            ))
            .bind(reason.as_str())
            .bind(*at),
        };
        let row = query
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(host_from_row).transpose()
    }

    async fn delete_host(&self, id: HostId) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM hosts WHERE id = ?")
            .bind(id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar("SELECT value FROM meta WHERE key = ?")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(key)
            .bind(value)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}
