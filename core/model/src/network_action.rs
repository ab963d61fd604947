//! What an operator can do to a virtual network.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A lifecycle action on one network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum NetworkAction {
    /// Start an inactive network (creates its bridge, starts DHCP).
    Start,
    /// Stop an active network: NICs on it lose their link until it starts again.
    Stop,
    /// Start the network when its host boots.
    AutostartOn,
    /// Do not start it when its host boots.
    AutostartOff,
}

impl NetworkAction {
    /// Stable camelCase name (as in the API path).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::Stop => "stop",
            Self::AutostartOn => "autostartOn",
            Self::AutostartOff => "autostartOff",
        }
    }

    /// Inverse of [`NetworkAction::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Start,
            Self::Stop,
            Self::AutostartOn,
            Self::AutostartOff,
        ]
        .into_iter()
        .find(|a| a.as_str() == s)
    }
}
