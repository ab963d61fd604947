//! VM NICs: attach, change and detach, live on a running VM and in a persistent VM's
//! configuration, with `<interface>` documents built on the typed views.

use crate::errors::{driver_error, refused_spec};
use virt::connect::Connect;
use virt::domain::Domain;
use virt::sys;
use virtumancer_drivers::DriverError;
use virtumancer_libvirt_xml::{
    Element, Interface, InterfaceSource, MacElement, Network, TypeAttr, VirtualPort, Vlan,
};
use virtumancer_model::{NicSpec, NicUpdate, normalize_mac};

fn e(err: virt::error::Error) -> DriverError {
    driver_error(&err)
}

fn lookup(conn: &Connect, uuid: &str) -> Result<Domain, DriverError> {
    Domain::lookup_by_uuid_string(conn, uuid).map_err(e)
}

/// Live when the VM runs, config when it is persistent (a shut-off transient VM has neither).
fn impact(dom: &Domain) -> Result<u32, DriverError> {
    let mut flags = 0;
    if dom.is_active().map_err(e)? {
        flags |= sys::VIR_DOMAIN_AFFECT_LIVE;
    }
    if dom.is_persistent().map_err(e)? {
        flags |= sys::VIR_DOMAIN_AFFECT_CONFIG;
    }
    Ok(flags)
}

fn xml_error(err: impl std::fmt::Display) -> DriverError {
    DriverError::Backend(format!("cannot write the interface document: {err}"))
}

/// The `<interface>` for a validated spec.
pub fn interface(nic: &NicSpec) -> Interface {
    let (kind, source) = match (&nic.network, &nic.bridge) {
        (Some(net), _) => (
            "network",
            InterfaceSource {
                network: Some(net.clone()),
                portgroup: nic.portgroup.clone(),
                ..InterfaceSource::default()
            },
        ),
        (None, bridge) => (
            "bridge",
            InterfaceSource {
                bridge: bridge.clone(),
                ..InterfaceSource::default()
            },
        ),
    };
    let vlan = Vlan::of_tags(&nic.vlan_tags, nic.trunk, nic.native_vlan);
    Interface {
        kind: kind.to_owned(),
        trust_guest_rx_filters: None,
        mac: nic.mac.as_ref().map(|m| MacElement {
            address: m.to_ascii_lowercase(),
        }),
        source: Some(source),
        vlan,
        virtualport: nic.openvswitch.then(|| VirtualPort {
            kind: Some("openvswitch".to_owned()),
            parameters: None,
        }),
        bandwidth: None,
        target: None,
        model: Some(TypeAttr {
            kind: nic.model.clone().unwrap_or_else(|| "virtio".to_owned()),
        }),
        link: None,
        boot: None,
        alias: None,
    }
}

/// Adds a NIC.
pub fn attach(conn: &Connect, uuid: &str, nic: &NicSpec) -> Result<(), DriverError> {
    let dom = lookup(conn, uuid)?;
    let flags = impact(&dom)?;
    let xml = interface(nic).to_xml().map_err(xml_error)?;
    dom.attach_device_flags(&xml, flags)
        .map(drop)
        .map_err(|err| refused_spec(&err))
}

/// Removes the NIC with `mac`.
pub fn detach(conn: &Connect, uuid: &str, mac: &str) -> Result<(), DriverError> {
    let dom = lookup(conn, uuid)?;
    let flags = impact(&dom)?;
    // As the VM has it now: a NIC added to the running VM only is found too.
    let iface = element(&dom, mac, false)?;
    dom.detach_device_flags(&iface.to_xml(), flags)
        .map(drop)
        .map_err(e)
}

/// The `<interface>` element with `mac`, kept whole (address, driver, everything libvirt
/// wrote): with `stored`, from the configuration of a persistent VM (where a network NIC
/// still reads type='network'); else, and for a transient VM, as the VM has it now.
fn element(dom: &Domain, mac: &str, stored: bool) -> Result<Element, DriverError> {
    let mac = normalize_mac(mac).map_err(DriverError::InvalidSpec)?;
    let flags = if stored && dom.is_persistent().map_err(e)? {
        sys::VIR_DOMAIN_XML_INACTIVE
    } else {
        0
    };
    let xml = dom.get_xml_desc(flags).map_err(e)?;
    let tree = Element::parse(&xml).map_err(|err| DriverError::Backend(err.to_string()))?;
    tree.child("devices")
        .into_iter()
        .flat_map(|d| d.elements())
        .find(|el| {
            el.name == "interface"
                && el
                    .child("mac")
                    .and_then(|m| m.attr("address"))
                    .is_some_and(|a| a.eq_ignore_ascii_case(&mac))
        })
        .cloned()
        .ok_or_else(|| DriverError::NotFound {
            what: format!("NIC {mac}"),
        })
}

/// Moves the NIC to another network or portgroup, sets the VLANs of a NIC on an Open vSwitch
/// bridge, or sets its link: on the running VM first (so that a change libvirt refuses live
/// changes nothing), then in the stored configuration.
///
/// libvirt 9.0 re-tags a running NIC's Open vSwitch port only from VLANs written in the
/// `<interface>` itself, and refuses any change live unless the port keeps its `interfaceid`.
/// So the live change starts from the interface as the VM has it now (with its `interfaceid`)
/// and carries the target portgroup's VLANs explicitly; the stored configuration names only
/// the portgroup, so the VM follows the portgroup when it next starts.
pub fn update(
    conn: &Connect,
    uuid: &str,
    mac: &str,
    change: &NicUpdate,
) -> Result<(), DriverError> {
    let dom = lookup(conn, uuid)?;
    if dom.is_active().map_err(e)? {
        let mut live = element(&dom, mac, false)?;
        change_element(&mut live, mac, change)?;
        as_network_form(conn, &mut live, change)?;
        dom.update_device_flags(&live.to_xml(), sys::VIR_DOMAIN_AFFECT_LIVE)
            .map_err(|err| refused_spec(&err))?;
    }
    if dom.is_persistent().map_err(e)? {
        let mut stored = element(&dom, mac, true)?;
        change_element(&mut stored, mac, change)?;
        dom.update_device_flags(&stored.to_xml(), sys::VIR_DOMAIN_AFFECT_CONFIG)
            .map_err(|err| refused_spec(&err))?;
    }
    Ok(())
}

/// Applies `change` to an `<interface>` element as read from the VM.
fn change_element(iface: &mut Element, mac: &str, change: &NicUpdate) -> Result<(), DriverError> {
    if change.network.is_some() || change.portgroup.is_some() {
        if network_of(iface).is_none() {
            return Err(DriverError::InvalidSpec(format!(
                "NIC {mac} is on no network; only network NICs change network or portgroup"
            )));
        }
        let source = iface.child_or_insert("source");
        if let Some(net) = &change.network {
            source.set_attr("network", Some(net));
            // The old network's portgroup means nothing on the new one.
            source.set_attr("portgroup", None);
        }
        if let Some(pg) = &change.portgroup {
            source.set_attr("portgroup", (!pg.is_empty()).then_some(pg.as_str()));
        }
    }
    if let Some(tags) = &change.vlan_tags {
        let on_ovs_bridge = network_of(iface).is_none()
            && iface.attr("type") == Some("bridge")
            && iface.child("virtualport").and_then(|v| v.attr("type")) == Some("openvswitch");
        if !on_ovs_bridge {
            return Err(DriverError::InvalidSpec(format!(
                "NIC {mac} is not on an Open vSwitch bridge; only such NICs carry their own VLANs"
            )));
        }
        iface.remove_children("vlan");
        if let Some(vlan) = Vlan::of_tags(tags, change.trunk.unwrap_or(false), change.native_vlan) {
            insert_after_source(iface, vlan.to_element());
        }
    }
    if let Some(up) = change.link_up {
        iface
            .child_or_insert("link")
            .set_attr("state", Some(if up { "up" } else { "down" }));
    }
    Ok(())
}

/// The network a NIC names (the running VM shows a network NIC as `type='bridge'` with
/// `source/@network`).
fn network_of(iface: &Element) -> Option<&str> {
    iface.child("source").and_then(|s| s.attr("network"))
}

/// Turns a running network NIC (shown as `type='bridge'` with the port libvirt allocated)
/// back into the `type='network'` form libvirt accepts, keeping its `interfaceid`; after a
/// move, the target portgroup's VLANs are written into it (see [`update`]).
fn as_network_form(
    conn: &Connect,
    iface: &mut Element,
    change: &NicUpdate,
) -> Result<(), DriverError> {
    let Some(network) = network_of(iface).map(str::to_owned) else {
        return Ok(());
    };
    iface.set_attr("type", Some("network"));
    let source = iface.child_or_insert("source");
    source.set_attr("portid", None);
    source.set_attr("bridge", None);
    let portgroup = source.attr("portgroup").map(str::to_owned);
    if change.network.is_none() && change.portgroup.is_none() {
        return Ok(());
    }
    let def = virt::network::Network::lookup_by_name(conn, &network)
        .and_then(|n| n.get_xml_desc(0))
        .map_err(|err| refused_spec(&err))?;
    let def = Network::from_xml(&def).map_err(|err| DriverError::Backend(err.to_string()))?;
    let vlan = match portgroup {
        Some(pg) => def.portgroups.iter().find(|p| p.name == pg),
        None => def.default_portgroup(),
    }
    .and_then(|p| p.vlan.clone())
    .or(def.vlan.clone());
    iface.remove_children("vlan");
    if let Some(vlan) = vlan {
        insert_after_source(iface, vlan.to_element());
    }
    Ok(())
}

/// Puts `<vlan>` after `<source>`, where libvirt writes it.
fn insert_after_source(iface: &mut Element, vlan: Element) {
    let at = iface
        .children
        .iter()
        .position(|n| matches!(n, virtumancer_libvirt_xml::Node::Element(e) if e.name == "source"))
        .map_or(iface.children.len(), |i| i + 1);
    iface
        .children
        .insert(at, virtumancer_libvirt_xml::Node::Element(vlan));
}
