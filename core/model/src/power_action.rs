//! What an operator can do to a VM's power.

use crate::PowerState;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A power action on one VM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum PowerAction {
    /// Boot a VM that is off.
    Start,
    /// Ask the guest to shut down (ACPI); with a timeout, force it off when it does not.
    Shutdown,
    /// Ask the guest to reboot (ACPI).
    Reboot,
    /// Pull the plug (libvirt `destroy`): the guest loses unsaved data.
    ForceOff,
    /// Press the reset button: the guest restarts without shutting down.
    Reset,
    /// Freeze the VM's vCPUs (it keeps its memory).
    Pause,
    /// Unfreeze a paused VM.
    Resume,
    /// Start the VM when its host boots.
    AutostartOn,
    /// Do not start it when its host boots.
    AutostartOff,
}

impl PowerAction {
    /// Every action, in the order the UI shows them.
    pub const ALL: [Self; 9] = [
        Self::Start,
        Self::Shutdown,
        Self::Reboot,
        Self::ForceOff,
        Self::Reset,
        Self::Pause,
        Self::Resume,
        Self::AutostartOn,
        Self::AutostartOff,
    ];

    /// Stable camelCase name (as in the API path and the task kind `vm.<name>`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::Shutdown => "shutdown",
            Self::Reboot => "reboot",
            Self::ForceOff => "forceOff",
            Self::Reset => "reset",
            Self::Pause => "pause",
            Self::Resume => "resume",
            Self::AutostartOn => "autostartOn",
            Self::AutostartOff => "autostartOff",
        }
    }

    /// Inverse of [`PowerAction::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// Whether the guest may lose data (the UI asks for confirmation).
    pub fn is_destructive(self) -> bool {
        matches!(self, Self::ForceOff | Self::Reset)
    }

    /// The power states the action is allowed in.
    pub fn allowed_states(self) -> &'static [PowerState] {
        use PowerState as S;
        match self {
            Self::Start => &[S::Shutoff, S::Crashed],
            Self::Shutdown | Self::Reboot | Self::Pause => &[S::Running],
            Self::ForceOff => &[
                S::Running,
                S::Paused,
                S::ShuttingDown,
                S::Crashed,
                S::Suspended,
            ],
            Self::Reset => &[S::Running, S::Paused],
            Self::Resume => &[S::Paused],
            Self::AutostartOn | Self::AutostartOff => &[
                S::Running,
                S::Paused,
                S::ShuttingDown,
                S::Shutoff,
                S::Crashed,
                S::Suspended,
                S::Unknown,
            ],
        }
    }

    /// Whether the VM needs a persistent definition (autostart does).
    pub fn needs_persistent(self) -> bool {
        matches!(self, Self::AutostartOn | Self::AutostartOff)
    }

    /// `None` when the action is allowed in `state`, otherwise why not. `persistent` is
    /// whether the VM has a persistent definition (autostart needs one).
    pub fn refusal(self, state: PowerState, persistent: bool) -> Option<String> {
        if self.needs_persistent() {
            return (!persistent).then(|| {
                "a transient VM has no persistent definition to start at boot".to_owned()
            });
        }
        let allowed = self.allowed_states();
        if allowed.contains(&state) {
            return None;
        }
        let names: Vec<&str> = allowed.iter().map(|s| s.as_str()).collect();
        Some(format!(
            "cannot {} a VM that is {}; allowed when {}",
            self.as_str(),
            state.as_str(),
            names.join(" or ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for a in PowerAction::ALL {
            assert_eq!(PowerAction::parse(a.as_str()), Some(a));
            assert_eq!(
                serde_json::to_value(a).unwrap(),
                serde_json::Value::String(a.as_str().into())
            );
        }
        assert_eq!(PowerAction::parse("destroy"), None);
    }

    #[test]
    fn state_rules() {
        use PowerState as S;
        assert!(PowerAction::Start.refusal(S::Shutoff, true).is_none());
        let why = PowerAction::Start.refusal(S::Running, true).unwrap();
        assert!(why.contains("running") && why.contains("shutoff"), "{why}");
        assert!(PowerAction::Resume.refusal(S::Running, true).is_some());
        assert!(PowerAction::Resume.refusal(S::Paused, true).is_none());
        assert!(PowerAction::ForceOff.refusal(S::Paused, true).is_none());
        assert!(PowerAction::ForceOff.refusal(S::Shutoff, true).is_some());
        assert!(PowerAction::AutostartOn.refusal(S::Running, true).is_none());
        assert!(
            PowerAction::AutostartOn
                .refusal(S::Running, false)
                .is_some()
        );
    }
}

/// The rules of one power action, for clients that enable buttons by state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PowerActionRule {
    /// The action.
    pub action: PowerAction,
    /// Power states it is allowed in.
    pub allowed_states: Vec<PowerState>,
    /// Only for VMs with a persistent definition.
    pub needs_persistent: bool,
    /// The guest may lose data: ask before doing it.
    pub destructive: bool,
}

impl PowerActionRule {
    /// The rules of every action.
    pub fn all() -> Vec<Self> {
        PowerAction::ALL
            .into_iter()
            .map(|a| Self {
                action: a,
                allowed_states: a.allowed_states().to_vec(),
                needs_persistent: a.needs_persistent(),
                destructive: a.is_destructive(),
            })
            .collect()
    }
}
