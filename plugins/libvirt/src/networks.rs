//! Network lifecycle: start, stop, autostart and delete libvirt networks.

use crate::errors::driver_error;
use crate::inventory;
use virt::connect::Connect;
use virt::network::Network;
use virtumancer_drivers::DriverError;
use virtumancer_model::{NetworkAction, NetworkInventory};

fn lookup(conn: &Connect, name: &str) -> Result<Network, DriverError> {
    Network::lookup_by_name(conn, name).map_err(|e| driver_error(&e))
}

/// The network now; `None` when the host has none of that name.
pub fn network(conn: &Connect, name: &str) -> Result<Option<NetworkInventory>, DriverError> {
    match lookup(conn, name) {
        Ok(n) => inventory::network(&n).map(Some),
        Err(DriverError::NotFound { .. }) => Ok(None),
        Err(other) => Err(other),
    }
}

/// Performs one lifecycle action.
pub fn act(conn: &Connect, name: &str, action: NetworkAction) -> Result<(), DriverError> {
    let n = lookup(conn, name)?;
    match action {
        NetworkAction::Start => n.create().map(drop),
        NetworkAction::Stop => n.destroy(),
        NetworkAction::AutostartOn => n.set_autostart(true).map(drop),
        NetworkAction::AutostartOff => n.set_autostart(false).map(drop),
    }
    .map_err(|e| driver_error(&e))
}

/// Stops the network if it is active, then removes its definition (a transient network is
/// gone once stopped).
pub fn delete(conn: &Connect, name: &str) -> Result<(), DriverError> {
    let n = lookup(conn, name)?;
    let err = |e: virt::error::Error| driver_error(&e);
    let persistent = n.is_persistent().map_err(err)?;
    if n.is_active().map_err(err)? {
        n.destroy().map_err(err)?;
    }
    if persistent {
        n.undefine().map_err(err)?;
    }
    Ok(())
}
