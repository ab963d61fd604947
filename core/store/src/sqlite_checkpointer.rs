//! Copying the write-ahead log into the database file in the background.
//!
//! SQLite's automatic checkpoint runs inside the commit that crosses its threshold, so a full
//! sync of 10,000 VMs paid for copying every page it wrote a second time before its commit
//! returned (about 35 ms of a 0.5 s pass). Connections are opened with automatic checkpoints
//! off; this task runs a passive checkpoint, which never blocks readers or writers, when a
//! large write asks for one and otherwise every few seconds, for the small writes.

use sqlx::SqlitePool;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// How often the log is checkpointed when no large write asked for it.
const EVERY: Duration = Duration::from_secs(5);

/// The background checkpoint task of one database; stops when dropped.
#[derive(Debug)]
pub(crate) struct Checkpointer {
    wake: Arc<Notify>,
    task: JoinHandle<()>,
}

impl Checkpointer {
    pub(crate) fn start(pool: SqlitePool) -> Self {
        let wake = Arc::new(Notify::new());
        let woken = Arc::clone(&wake);
        let task = tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = woken.notified() => {}
                    () = tokio::time::sleep(EVERY) => {}
                }
                if let Err(err) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                    .execute(&pool)
                    .await
                {
                    tracing::warn!(%err, "checkpointing the database's write-ahead log failed");
                }
            }
        });
        Self { wake, task }
    }

    /// Asks for a checkpoint soon (after a large commit).
    pub(crate) fn wake(&self) {
        self.wake.notify_one();
    }

    /// Stops the task: no further checkpoint starts.
    pub(crate) fn stop(&self) {
        self.task.abort();
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.stop();
    }
}
