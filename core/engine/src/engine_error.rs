//! Errors of the engine's use cases.

use virtumancer_drivers::{ConnectError, DriverError};
use virtumancer_model::{HostId, HostUriError, NameError, VmId};
use virtumancer_store::StoreError;

/// A use case that could not be carried out; each variant maps to one API error code.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// No host with this id.
    #[error("host {0} does not exist")]
    HostNotFound(HostId),
    /// The host is not connected, so it cannot be asked.
    #[error("host {0} is not connected")]
    HostNotConnected(HostId),
    /// No VM with this id.
    #[error("VM {0} does not exist")]
    VmNotFound(VmId),
    /// The VM's state (or an action already running on it) does not allow the action.
    #[error("{0}")]
    ActionNotAllowed(String),
    /// The host's driver cannot do this.
    #[error("{0}")]
    Unsupported(String),
    /// The host has no network of this name.
    #[error("host {host} has no network named '{name}'")]
    NetworkNotFound {
        /// The host.
        host: HostId,
        /// The name asked for.
        name: String,
    },
    /// The VM has no NIC with this MAC.
    #[error("VM '{vm}' has no NIC with MAC {mac}")]
    NicNotFound {
        /// The VM's name.
        vm: String,
        /// The MAC asked for.
        mac: String,
    },
    /// The host already has a network of this name.
    #[error("host {host} already has a network named '{name}'")]
    NetworkNameTaken {
        /// The host.
        host: HostId,
        /// The name.
        name: String,
    },
    /// The network still has NICs on it.
    #[error("network '{name}' is used by {count} NIC(s) of {vms}; delete with force=true to remove it anyway", count = users.len(), vms = users.join(", "))]
    NetworkInUse {
        /// The network.
        name: String,
        /// Names of the VMs whose NICs use it, one per NIC.
        users: Vec<String>,
    },
    /// The network has no portgroup of this name.
    #[error("network '{network}' has no portgroup named '{name}'")]
    PortgroupNotFound {
        /// The network.
        network: String,
        /// The portgroup asked for.
        name: String,
    },
    /// The network already has a portgroup of this name.
    #[error("network '{network}' already has a portgroup named '{name}'")]
    PortgroupNameTaken {
        /// The network.
        network: String,
        /// The name.
        name: String,
    },
    /// NICs still use the portgroup (by name, or as the default).
    #[error("portgroup '{name}' of network '{network}' is used by {count} NIC(s) of {vms}; remove with force=true to remove it anyway", count = users.len(), vms = users.join(", "))]
    PortgroupInUse {
        /// The network.
        network: String,
        /// The portgroup.
        name: String,
        /// Names of the VMs whose NICs use it, one per NIC.
        users: Vec<String>,
    },
    /// Plugins' checks refuse the change.
    #[error("refused by policy: {}", .0.iter().map(|v| format!("{} ({})", v.message, v.plugin)).collect::<Vec<_>>().join("; "))]
    PolicyViolation(Vec<virtumancer_drivers::HookViolation>),
    /// No task with this id.
    #[error("task {0} does not exist")]
    TaskNotFound(virtumancer_model::TaskId),
    /// The request is malformed in a way the types cannot express.
    #[error("{0}")]
    InvalidRequest(String),
    /// The name was refused.
    #[error("invalid name: {0}")]
    InvalidName(#[from] NameError),
    /// The URI was refused.
    #[error("invalid URI: {0}")]
    InvalidUri(#[from] HostUriError),
    /// The key file option was refused.
    #[error("invalid key file: {0}")]
    InvalidKeyFile(String),
    /// Another host has this name.
    #[error("a host named '{0}' already exists")]
    NameTaken(String),
    /// Another host has this URI.
    #[error("the URI '{0}' is already used by another host")]
    UriTaken(String),
    /// No registered plugin handles this URI.
    #[error("no driver plugin handles the URI '{0}'")]
    NoDriver(String),
    /// Connecting (or fetching the SSH host key) failed.
    #[error(transparent)]
    Connect(#[from] ConnectError),
    /// A driver call failed.
    #[error(transparent)]
    Driver(#[from] DriverError),
    /// The database failed.
    #[error("database error")]
    Store(#[source] StoreError),
}

impl From<StoreError> for EngineError {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

impl EngineError {
    /// A plugin's answer about a spec of its `what` (`NIC`, `network`) kind `kind`: no such
    /// kind, the plugin's refusal, or its failure (a plugin that traps, loops or runs out of
    /// memory fails this request only) are all the request's problem, said precisely.
    pub(crate) fn plugin_kind(what: &str, kind: &str, e: DriverError) -> Self {
        match e {
            DriverError::NotFound { what } => Self::InvalidRequest(format!("no {what}")),
            DriverError::InvalidSpec(why) => {
                Self::InvalidRequest(format!("{what} kind '{kind}': {why}"))
            }
            DriverError::Backend(why) => {
                Self::InvalidRequest(format!("the plugin of {what} kind '{kind}' failed: {why}"))
            }
            other => other.into(),
        }
    }
}

/// `err` followed by every cause under it, joined by `: `, for operators (logs, a host's sync
/// failure): "database error: error returned from database: (code: 1811) refused". A cause
/// whose message the one above it already contains (many errors quote their source) is left
/// out.
pub fn with_causes(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut last = text.clone();
    let mut cause = err.source();
    while let Some(c) = cause {
        let message = c.to_string();
        if !last.contains(&message) {
            text.push_str(": ");
            text.push_str(&message);
            last = message;
        }
        cause = c.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_follow_the_error_without_repeats() {
        let sqlite = sqlx::Error::Protocol("refused by a trigger".into());
        let e = EngineError::from(StoreError::Database(sqlite));
        assert_eq!(
            with_causes(&e),
            "database error: encountered unexpected or invalid data: refused by a trigger"
        );
        let plain = EngineError::HostNotConnected(HostId::new());
        assert_eq!(with_causes(&plain), plain.to_string());
        // sqlx quotes the database's own error, which is also its source.
        assert_eq!(
            with_causes(&Quoting(Cause)),
            "returned: (code: 1811) refused"
        );
    }

    #[derive(Debug)]
    struct Cause;
    impl std::fmt::Display for Cause {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("(code: 1811) refused")
        }
    }
    impl std::error::Error for Cause {}

    #[derive(Debug)]
    struct Quoting(Cause);
    impl std::fmt::Display for Quoting {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "returned: {}", self.0)
        }
    }
    impl std::error::Error for Quoting {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }
}
