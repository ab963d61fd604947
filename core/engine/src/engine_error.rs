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
