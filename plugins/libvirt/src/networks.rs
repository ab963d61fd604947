//! Network lifecycle: create, start, stop, autostart and delete libvirt networks.

use crate::errors::{driver_error, refused_spec};
use crate::inventory;
use virt::connect::Connect;
use virt::network::Network;
use virt::sys;
use virtumancer_drivers::DriverError;
use virtumancer_model::{NetworkAction, NetworkInventory, NetworkSpec, PortgroupChange};

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

/// Defines the network, sets autostart and starts it as the spec asks; when a step fails the
/// definition is removed again, so nothing is left half made.
pub fn create(conn: &Connect, spec: &NetworkSpec) -> Result<(), DriverError> {
    if spec.kind == virtumancer_model::NetworkKind::Plugin {
        return Err(DriverError::InvalidSpec(
            "a plugin network is rendered by its plugin".into(),
        ));
    }
    let xml = crate::network_xml::network(spec)
        .to_xml()
        .map_err(|e| DriverError::InvalidSpec(e.to_string()))?;
    if Network::lookup_by_name(conn, &spec.name).is_ok() {
        return Err(DriverError::AlreadyExists {
            what: format!("network '{}'", spec.name),
        });
    }
    if let (Some(bridge), false) = (&spec.bridge, spec.kind.is_managed()) {
        bridge_exists(conn, bridge)?;
    }
    define_and_start(conn, &xml, spec.autostart, spec.start)
}

/// Defines a network from a `<network>` document a plugin rendered: it must be one well-formed
/// `<network>` named `name`, and is written again from the tree, so nothing else reaches
/// libvirt.
pub fn define(
    conn: &Connect,
    name: &str,
    xml: &str,
    autostart: bool,
    start: bool,
) -> Result<(), DriverError> {
    let tree = virtumancer_libvirt_xml::Element::parse(xml)
        .map_err(|e| DriverError::InvalidSpec(format!("the plugin's network is not XML: {e}")))?;
    let named = tree.child("name").map(|n| n.text());
    if tree.name != "network" || named.as_deref() != Some(name) {
        return Err(DriverError::InvalidSpec(format!(
            "the plugin rendered something other than <network> '{name}'"
        )));
    }
    if Network::lookup_by_name(conn, name).is_ok() {
        return Err(DriverError::AlreadyExists {
            what: format!("network '{name}'"),
        });
    }
    define_and_start(conn, &tree.to_xml(), autostart, start)
}

/// Defines, sets autostart and starts as asked; a failed step removes the definition again.
fn define_and_start(
    conn: &Connect,
    xml: &str,
    autostart: bool,
    start: bool,
) -> Result<(), DriverError> {
    let n = Network::define_xml(conn, xml).map_err(|e| refused_spec(&e))?;
    let finish = || -> Result<(), virt::error::Error> {
        if autostart {
            n.set_autostart(true)?;
        }
        if start {
            n.create()?;
        }
        Ok(())
    };
    if let Err(e) = finish() {
        let _ = n.undefine();
        return Err(refused_spec(&e));
    }
    Ok(())
}

/// A network that joins an existing bridge needs that bridge: libvirt starts such a network
/// without looking, and NICs would fail only when they attach. Hosts whose libvirt has no
/// interface driver cannot be asked, so the check is skipped there.
fn bridge_exists(conn: &Connect, bridge: &str) -> Result<(), DriverError> {
    match virt::interface::Interface::lookup_by_name(conn, bridge) {
        Ok(_) => Ok(()),
        Err(e) if e.code() == virt::error::ErrorNumber::NoInterface => Err(
            DriverError::InvalidSpec(format!("bridge '{bridge}' does not exist on the host")),
        ),
        Err(e) => {
            tracing::debug!(
                bridge,
                error = e.message(),
                "cannot check that the bridge exists"
            );
            Ok(())
        }
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

/// Adds, replaces or removes a portgroup in the running network and in its stored definition
/// (libvirt applies portgroup settings when a port is allocated: running NICs keep theirs
/// until they reconnect).
pub fn change_portgroup(
    conn: &Connect,
    name: &str,
    change: &PortgroupChange,
) -> Result<(), DriverError> {
    let n = lookup(conn, name)?;
    let err = |e: virt::error::Error| driver_error(&e);
    let persistent = n.is_persistent().map_err(err)?;
    let mut flags = 0;
    if n.is_active().map_err(err)? {
        flags |= sys::VIR_NETWORK_UPDATE_AFFECT_LIVE;
    }
    if persistent {
        flags |= sys::VIR_NETWORK_UPDATE_AFFECT_CONFIG;
    }
    // As the network runs (libvirt's test driver has no separate stored form to ask for).
    let stored = n.get_xml_desc(0).map_err(err)?;
    let stored = virtumancer_libvirt_xml::Network::from_xml(&stored)
        .map_err(|e| DriverError::Backend(e.to_string()))?;
    let has = |pg: &str| stored.portgroups.iter().any(|p| p.name == pg);
    let missing = |pg: &str| DriverError::NotFound {
        what: format!("portgroup '{pg}' of network '{name}'"),
    };
    let write = |spec| {
        crate::network_xml::portgroup(spec)
            .to_xml()
            .map_err(|e| DriverError::InvalidSpec(e.to_string()))
    };
    let (command, xml) = match change {
        PortgroupChange::Add(spec) if has(&spec.name) => {
            return Err(DriverError::AlreadyExists {
                what: format!("portgroup '{}' of network '{name}'", spec.name),
            });
        }
        PortgroupChange::Add(spec) => (sys::VIR_NETWORK_UPDATE_COMMAND_ADD_LAST, write(spec)?),
        PortgroupChange::Replace(spec) if !has(&spec.name) => return Err(missing(&spec.name)),
        PortgroupChange::Replace(spec) => (sys::VIR_NETWORK_UPDATE_COMMAND_MODIFY, write(spec)?),
        PortgroupChange::Remove(pg) if !has(pg) => return Err(missing(pg)),
        PortgroupChange::Remove(pg) => {
            let only_name = virtumancer_libvirt_xml::Portgroup {
                name: pg.clone(),
                default: None,
                vlan: None,
                virtualport: None,
                bandwidth: None,
            };
            let xml = only_name
                .to_xml()
                .map_err(|e| DriverError::InvalidSpec(e.to_string()))?;
            (sys::VIR_NETWORK_UPDATE_COMMAND_DELETE, xml)
        }
    };
    n.update(command, sys::VIR_NETWORK_SECTION_PORTGROUP, -1, &xml, flags)
        .map_err(|e| refused_spec(&e))
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
