//! VM NICs: attach, change and detach, live on a running VM and in a persistent VM's
//! configuration, with `<interface>` documents built on the typed views.

use crate::errors::{driver_error, refused_spec};
use virt::connect::Connect;
use virt::domain::Domain;
use virt::sys;
use virtumancer_drivers::DriverError;
use virtumancer_libvirt_xml::{
    Element, Interface, InterfaceSource, MacElement, TypeAttr, VirtualPort, Vlan, VlanTag,
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
    let vlan = (!nic.vlan_tags.is_empty()).then(|| Vlan {
        trunk: nic.trunk.then(|| "yes".to_owned()),
        tags: nic
            .vlan_tags
            .iter()
            .map(|&id| VlanTag {
                id,
                native_mode: (nic.native_vlan == Some(id)).then(|| "untagged".to_owned()),
            })
            .collect(),
    });
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

/// Moves the NIC to another network or portgroup, or sets its link.
pub fn update(
    conn: &Connect,
    uuid: &str,
    mac: &str,
    change: &NicUpdate,
) -> Result<(), DriverError> {
    let dom = lookup(conn, uuid)?;
    let flags = impact(&dom)?;
    let mut iface = element(&dom, mac, true)?;
    if change.network.is_some() || change.portgroup.is_some() {
        let on_network = iface.attr("type") == Some("network")
            && iface
                .child("source")
                .and_then(|s| s.attr("network"))
                .is_some();
        if !on_network {
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
    if let Some(up) = change.link_up {
        iface
            .child_or_insert("link")
            .set_attr("state", Some(if up { "up" } else { "down" }));
    }
    dom.update_device_flags(&iface.to_xml(), flags)
        .map(drop)
        .map_err(|err| refused_spec(&err))
}
