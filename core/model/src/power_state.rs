//! A VM's run state.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A VM's power state as the hypervisor reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum PowerState {
    /// Running (or blocked on I/O).
    Running,
    /// Paused by the user or by libvirt.
    Paused,
    /// Shutting down.
    ShuttingDown,
    /// Off.
    Shutoff,
    /// Crashed.
    Crashed,
    /// Suspended by guest power management.
    Suspended,
    /// The hypervisor reported no state.
    #[default]
    Unknown,
}

impl PowerState {
    /// Stable lowercase name, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Paused => "paused",
            Self::ShuttingDown => "shuttingDown",
            Self::Shutoff => "shutoff",
            Self::Crashed => "crashed",
            Self::Suspended => "suspended",
            Self::Unknown => "unknown",
        }
    }

    /// Inverse of [`PowerState::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "running" => Self::Running,
            "paused" => Self::Paused,
            "shuttingDown" => Self::ShuttingDown,
            "shutoff" => Self::Shutoff,
            "crashed" => Self::Crashed,
            "suspended" => Self::Suspended,
            "unknown" => Self::Unknown,
            _ => return None,
        })
    }
}
