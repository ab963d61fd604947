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
    /// Every state.
    pub const ALL: [Self; 7] = [
        Self::Running,
        Self::Paused,
        Self::ShuttingDown,
        Self::Shutoff,
        Self::Crashed,
        Self::Suspended,
        Self::Unknown,
    ];

    /// Whether a VM in this state is active: its hypervisor process exists and holds the VM's
    /// vCPUs and memory (running, paused, shutting down, suspended to RAM, or crashed and kept
    /// for inspection). Shut off and unknown are not.
    pub fn is_active(self) -> bool {
        !matches!(self, Self::Shutoff | Self::Unknown)
    }

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

#[cfg(test)]
mod tests {
    use super::PowerState;

    #[test]
    fn all_lists_every_state_once_and_only_shutoff_and_unknown_are_inactive() {
        for (i, s) in PowerState::ALL.into_iter().enumerate() {
            // Exhaustive: a new state does not compile until it has its place in `ALL`.
            let place = match s {
                PowerState::Running => 0,
                PowerState::Paused => 1,
                PowerState::ShuttingDown => 2,
                PowerState::Shutoff => 3,
                PowerState::Crashed => 4,
                PowerState::Suspended => 5,
                PowerState::Unknown => 6,
            };
            assert_eq!(place, i, "{s:?}");
            assert_eq!(PowerState::parse(s.as_str()), Some(s));
        }
        let inactive: Vec<_> = PowerState::ALL
            .into_iter()
            .filter(|s| !s.is_active())
            .collect();
        assert_eq!(inactive, [PowerState::Shutoff, PowerState::Unknown]);
    }
}
