//! Acting on a host's virtual networks.

use crate::DriverError;
use async_trait::async_trait;
use virtumancer_model::{NetworkAction, NetworkInventory, NetworkSpec, PortgroupChange};

/// Network operations on one open host connection. Networks are named by their name, which is
/// unique per host.
#[async_trait]
pub trait NetworkDriver: Send + Sync {
    /// The network as the host reports it now; `None` when it does not exist.
    async fn network(&self, name: &str) -> Result<Option<NetworkInventory>, DriverError>;

    /// Creates a network from a validated spec (defined, autostart and started as it asks);
    /// a failed step leaves nothing behind. Errors: `AlreadyExists`, `InvalidSpec` with the
    /// host's reason (a bridge that does not exist, a clashing subnet), `Unavailable`.
    async fn create_network(&self, spec: &NetworkSpec) -> Result<(), DriverError>;

    /// Defines a network from a `<network>` document an extension rendered (it must be one
    /// `<network>` named `name`), then sets autostart and starts it as asked; a failed step
    /// leaves nothing behind. Errors as [`NetworkDriver::create_network`].
    async fn define_network(
        &self,
        name: &str,
        network_xml: &str,
        autostart: bool,
        start: bool,
    ) -> Result<(), DriverError>;

    /// Performs one lifecycle action. Errors: `NotFound`, `Conflict` when the state does not
    /// allow it (starting an active network), `Unavailable`.
    async fn network_action(&self, name: &str, action: NetworkAction) -> Result<(), DriverError>;

    /// Adds, replaces or removes a portgroup, in the running network and in its stored
    /// definition. Errors: `NotFound` (network or portgroup), `AlreadyExists`, `InvalidSpec`
    /// with the host's reason, `Unavailable`.
    async fn change_portgroup(
        &self,
        network: &str,
        change: &PortgroupChange,
    ) -> Result<(), DriverError>;

    /// Stops the network if it runs and removes its definition. Errors: `NotFound`,
    /// `Unavailable`.
    async fn delete_network(&self, name: &str) -> Result<(), DriverError>;
}
