//! Hosts: libvirt endpoints Virtumancer manages.

use crate::{HostFacts, HostId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Connection state of a host as its supervisor sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum HostState {
    /// Opening the connection (first time or after a drop).
    Connecting,
    /// Connected; facts are current.
    Connected,
    /// Not connected, and not trying (the user disconnected it).
    Disconnected,
    /// The last attempt failed or the connection dropped; see `stateReason`. The supervisor
    /// keeps retrying with backoff while the host is meant to be connected.
    Error,
}

impl HostState {
    /// Stable lowercase name, as stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Connecting => "connecting",
            Self::Connected => "connected",
            Self::Disconnected => "disconnected",
            Self::Error => "error",
        }
    }

    /// Inverse of [`HostState::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "connecting" => Self::Connecting,
            "connected" => Self::Connected,
            "disconnected" => Self::Disconnected,
            "error" => Self::Error,
            _ => return None,
        })
    }
}

/// An SSH host key the user accepted for a host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HostKey {
    /// Key algorithm, e.g. `ssh-ed25519`.
    pub key_type: String,
    /// OpenSSH-style fingerprint, e.g. `SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU`.
    pub fingerprint: String,
}

/// A libvirt host as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Host {
    /// Virtumancer's id of the host.
    pub id: HostId,
    /// Display name, unique across hosts (case-insensitive).
    pub name: String,
    /// libvirt connection URI.
    pub uri: String,
    /// Private key file on the Virtumancer server used for ssh transports.
    pub key_file: Option<String>,
    /// The accepted SSH host key, for ssh transports.
    pub host_key: Option<HostKey>,
    /// Whether the host should be connected. `false` after the user disconnected it; kept
    /// across server restarts.
    pub auto_connect: bool,
    /// Current connection state.
    pub state: HostState,
    /// Why the host is in `error` (or why it last disconnected).
    pub state_reason: Option<String>,
    /// Facts read at the last successful connection.
    pub facts: Option<HostFacts>,
    /// When the host was added.
    pub created_at: DateTime<Utc>,
    /// When the host's record last changed.
    pub updated_at: DateTime<Utc>,
    /// When the host last became connected.
    pub last_connected_at: Option<DateTime<Utc>>,
    /// When the last successful full inventory pass started, whether or not it found changes.
    /// Every VM present on the host was seen then.
    pub last_synced_at: Option<DateTime<Utc>>,
    /// Why the last full inventory pass failed, when it failed after the last successful one;
    /// the inventory shown is then the one of `lastSyncedAt`.
    pub sync_failure: Option<SyncFailure>,
}

/// A full inventory pass that failed; nothing of it was applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SyncFailure {
    /// When the failed pass ended.
    pub at: DateTime<Utc>,
    /// What failed, e.g. the host's error.
    pub reason: String,
}
