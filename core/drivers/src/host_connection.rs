//! Opening host connections and reading from them.

use crate::{
    ComputeDriver, ConnectError, DriverError, InventoryEvent, InventoryReader, NetworkDriver,
    NicDriver, StatsReader,
};
use async_trait::async_trait;
use std::path::PathBuf;
use tokio::sync::{broadcast, watch};
use virtumancer_model::{HostFacts, HostKey, HostUri};

/// Everything needed to open one host connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectSpec {
    /// The validated libvirt URI.
    pub uri: HostUri,
    /// Private key for ssh transports (on the Virtumancer server).
    pub key_file: Option<PathBuf>,
    /// Fingerprint of the SSH host key the user accepted; required for ssh transports.
    pub accepted_host_key: Option<String>,
}

impl ConnectSpec {
    /// A spec with no key material (test driver, local, tcp, tls).
    pub fn plain(uri: HostUri) -> Self {
        Self {
            uri,
            key_file: None,
            accepted_host_key: None,
        }
    }
}

/// Why an open connection closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CloseReason {
    /// The remote end closed the socket (daemon stopped or crashed).
    Eof,
    /// Keepalive probes went unanswered: the host hangs or the network is down.
    Keepalive,
    /// A transport error.
    Error(String),
    /// Closed by us.
    Client,
}

impl std::fmt::Display for CloseReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Eof => f.write_str("the host closed the connection"),
            Self::Keepalive => f.write_str("the host stopped answering keepalive probes"),
            Self::Error(e) => write!(f, "connection error: {e}"),
            Self::Client => f.write_str("closed by Virtumancer"),
        }
    }
}

/// Opens connections to hosts whose URIs it supports. One per plugin kind, shared by all hosts.
#[async_trait]
pub trait HostConnector: Send + Sync {
    /// Whether this connector handles `uri`. Cheap and pure.
    fn supports(&self, uri: &HostUri) -> bool;

    /// Fetches the SSH host key the server at `uri` presents, without authenticating. Returns
    /// `Ok(None)` for transports that do not use SSH. May block on the network for a few
    /// seconds; errors are `Unreachable`.
    async fn scan_host_key(&self, uri: &HostUri) -> Result<Option<HostKey>, ConnectError>;

    /// Opens a connection with keepalive enabled and the close callback registered. For ssh
    /// transports, verifies the presented host key against `spec.accepted_host_key` first.
    /// May take as long as the network does; callers bound it with a timeout and must not
    /// call it on an async worker thread's time (implementations use blocking threads).
    async fn open(&self, spec: &ConnectSpec) -> Result<Box<dyn HostConnection>, ConnectError>;
}

/// An open connection to one host. Dropping it closes it.
#[async_trait]
pub trait HostConnection: Send + Sync {
    /// Reads host facts (hostname, versions, CPU, memory, KVM). Errors: `Unavailable` when
    /// the connection is gone, `Backend` otherwise.
    async fn facts(&self) -> Result<HostFacts, DriverError>;

    /// The host's inventory.
    fn inventory(&self) -> &dyn InventoryReader;

    /// Acting on the host's VMs.
    fn compute(&self) -> &dyn ComputeDriver;

    /// Usage counters of the host and its VMs.
    fn stats(&self) -> &dyn StatsReader;

    /// Acting on the host's virtual networks.
    fn networks(&self) -> &dyn NetworkDriver;

    /// Adding, changing and removing VM NICs.
    fn nics(&self) -> &dyn NicDriver;

    /// Inventory change events from now on. A receiver that lags (`RecvError::Lagged`) must
    /// re-read the whole inventory.
    fn events(&self) -> broadcast::Receiver<InventoryEvent>;

    /// A receiver that turns `Some(reason)` once the connection has closed for any reason.
    fn closed(&self) -> watch::Receiver<Option<CloseReason>>;

    /// Closes the connection. Idempotent.
    async fn close(&self);
}
