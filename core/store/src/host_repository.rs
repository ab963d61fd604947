//! The repository of hosts.

use crate::StoreError;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use virtumancer_model::{Host, HostFacts, HostId, HostKey, HostState};

/// The user-editable part of a host.
#[derive(Debug, Clone, PartialEq)]
pub struct HostConfig {
    /// Display name (validated by the caller).
    pub name: String,
    /// Connection URI (validated by the caller).
    pub uri: String,
    /// SSH private key file.
    pub key_file: Option<String>,
    /// Accepted SSH host key.
    pub host_key: Option<HostKey>,
}

/// A supervisor's report to persist.
#[derive(Debug, Clone, PartialEq)]
pub struct HostStateRecord {
    /// New state.
    pub state: HostState,
    /// Why, for errors and drops.
    pub reason: Option<String>,
    /// Fresh facts, when the host just connected (kept otherwise).
    pub facts: Option<HostFacts>,
    /// Set when the host just connected.
    pub connected_at: Option<DateTime<Utc>>,
}

/// How a host's full inventory pass ended, to record.
#[derive(Debug, Clone, PartialEq)]
pub enum SyncOutcome {
    /// The pass succeeded (changes, if any, are committed); it started `at`.
    Synced {
        /// When the pass started: every VM the host reported was present then.
        at: DateTime<Utc>,
    },
    /// The pass failed and applied nothing.
    Failed {
        /// When it failed.
        at: DateTime<Utc>,
        /// Why.
        reason: String,
    },
}

/// Hosts in the database. Every edit sets `updated_at` (recording a sync is not one); each method
/// is one transaction.
#[async_trait]
pub trait HostRepository: Send + Sync {
    /// All hosts, ordered by name.
    async fn list_hosts(&self) -> Result<Vec<Host>, StoreError>;
    /// One host.
    async fn get_host(&self, id: HostId) -> Result<Option<Host>, StoreError>;
    /// Adds a host; `Conflict` on a duplicate name (case-insensitive) or URI.
    async fn insert_host(
        &self,
        id: HostId,
        config: &HostConfig,
        auto_connect: bool,
    ) -> Result<Host, StoreError>;
    /// Replaces the editable fields; `None` if the host does not exist.
    async fn update_host_config(
        &self,
        id: HostId,
        config: &HostConfig,
    ) -> Result<Option<Host>, StoreError>;
    /// Records whether the user wants the host connected.
    async fn set_auto_connect(
        &self,
        id: HostId,
        auto_connect: bool,
    ) -> Result<Option<Host>, StoreError>;
    /// Persists a state change; `None` if the host was deleted meanwhile.
    async fn record_state(
        &self,
        id: HostId,
        record: &HostStateRecord,
    ) -> Result<Option<Host>, StoreError>;
    /// Records how a full inventory pass ended (`last_synced_at`, or the failure until the
    /// next success) without touching `updated_at`; `None` if the host was deleted meanwhile.
    async fn record_sync(
        &self,
        id: HostId,
        outcome: &SyncOutcome,
    ) -> Result<Option<Host>, StoreError>;
    /// Deletes a host; `false` if it did not exist.
    async fn delete_host(&self, id: HostId) -> Result<bool, StoreError>;
    /// Reads a one-off flag (e.g. `demo_seeded`).
    async fn meta(&self, key: &str) -> Result<Option<String>, StoreError>;
    /// Writes a one-off flag.
    async fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError>;
    /// Checks the database answers.
    async fn ping(&self) -> Result<(), StoreError>;
}
