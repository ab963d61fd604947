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
    if let Some(kind) = &nic.kind {
        return Err(DriverError::InvalidSpec(format!(
            "NIC kind '{kind}' belongs to a plugin, which renders it"
        )));
    }
    let xml = interface(nic).to_xml().map_err(xml_error)?;
    attach_xml(conn, uuid, &xml)
}

/// Adds a NIC from an `<interface>` element rendered elsewhere (by a plugin): it must be one
/// well-formed `<interface>` and is written again from the tree, so nothing but that element
/// reaches libvirt.
pub fn attach_interface(conn: &Connect, uuid: &str, xml: &str) -> Result<(), DriverError> {
    let tree = Element::parse(xml)
        .map_err(|e| DriverError::InvalidSpec(format!("the plugin's interface is not XML: {e}")))?;
    if tree.name != "interface" {
        return Err(DriverError::InvalidSpec(format!(
            "the plugin rendered <{}>, not <interface>",
            tree.name
        )));
    }
    attach_xml(conn, uuid, &tree.to_xml())
}

fn attach_xml(conn: &Connect, uuid: &str, xml: &str) -> Result<(), DriverError> {
    let dom = lookup(conn, uuid)?;
    let flags = impact(&dom)?;
    dom.attach_device_flags(xml, flags)
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
    let moved = change.network.is_some() || change.portgroup.is_some();
    let vlan = if moved {
        let def = virt::network::Network::lookup_by_name(conn, &network)
            .and_then(|n| n.get_xml_desc(0))
            .map_err(|err| refused_spec(&err))?;
        let def = Network::from_xml(&def).map_err(|err| DriverError::Backend(err.to_string()))?;
        let portgroup = iface.child("source").and_then(|s| s.attr("portgroup"));
        Some(portgroup_vlan(&def, portgroup))
    } else {
        None
    };
    network_form(iface, vlan);
    Ok(())
}

/// The VLANs a port of `portgroup` (or of the default portgroup) gets on this network.
fn portgroup_vlan(def: &Network, portgroup: Option<&str>) -> Option<Vlan> {
    match portgroup {
        Some(pg) => def.portgroups.iter().find(|p| p.name == pg),
        None => def.default_portgroup(),
    }
    .and_then(|p| p.vlan.clone())
    .or(def.vlan.clone())
}

/// The running NIC in `type='network'` form, without the allocated port; with
/// `Some(vlan)` (a move), the VLANs written in as the target portgroup has them.
fn network_form(iface: &mut Element, vlan: Option<Option<Vlan>>) {
    iface.set_attr("type", Some("network"));
    let source = iface.child_or_insert("source");
    source.set_attr("portid", None);
    source.set_attr("bridge", None);
    if let Some(vlan) = vlan {
        iface.remove_children("vlan");
        if let Some(vlan) = vlan {
            insert_after_source(iface, vlan.to_element());
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(json: serde_json::Value) -> NicSpec {
        let spec: NicSpec = serde_json::from_value(json).unwrap();
        spec.validate().unwrap();
        spec
    }

    #[test]
    fn each_nic_variant_is_written_as_libvirt_expects() {
        for (json, xml) in [
            (
                serde_json::json!({"network": "ovs-net", "portgroup": "vlan20", "model": "e1000",
                    "mac": "52:54:00:AA:00:01"}),
                "<interface type=\"network\"><mac address=\"52:54:00:aa:00:01\"/>\
                 <source network=\"ovs-net\" portgroup=\"vlan20\"/><model type=\"e1000\"/></interface>",
            ),
            (
                serde_json::json!({"bridge": "br0"}),
                "<interface type=\"bridge\"><source bridge=\"br0\"/><model type=\"virtio\"/></interface>",
            ),
            (
                serde_json::json!({"bridge": "ovsbr0", "openvswitch": true, "vlanTags": [10]}),
                "<interface type=\"bridge\"><source bridge=\"ovsbr0\"/><vlan><tag id=\"10\"/></vlan>\
                 <virtualport type=\"openvswitch\"/><model type=\"virtio\"/></interface>",
            ),
            (
                serde_json::json!({"bridge": "ovsbr0", "openvswitch": true, "vlanTags": [10, 20],
                    "trunk": true, "nativeVlan": 20}),
                "<interface type=\"bridge\"><source bridge=\"ovsbr0\"/><vlan trunk=\"yes\">\
                 <tag id=\"10\"/><tag id=\"20\" nativeMode=\"untagged\"/></vlan>\
                 <virtualport type=\"openvswitch\"/><model type=\"virtio\"/></interface>",
            ),
        ] {
            assert_eq!(
                interface(&spec(json.clone())).to_xml().unwrap(),
                xml,
                "{json}"
            );
        }
    }

    /// A running OVS network NIC as libvirt 9.0 shows it (captured on the testbed).
    const LIVE: &str = "<interface type='bridge'><mac address='52:54:00:aa:bb:01'/>\
        <source network='expovs' portgroup='v10' portid='88fd6d4b-0e16-4923-91ce-83132d8f7177' bridge='vmtestovs0'/>\
        <vlan><tag id='10'/></vlan><virtualport type='openvswitch'>\
        <parameters interfaceid='162e1461-b4a9-4f21-8c97-5a4860ca5987'/></virtualport>\
        <target dev='vnet0'/><model type='virtio'/><alias name='net0'/></interface>";

    #[test]
    fn a_live_move_keeps_the_port_id_and_carries_the_target_portgroups_vlans() {
        let mut el = Element::parse(LIVE).unwrap();
        let change = NicUpdate {
            portgroup: Some("trunk".into()),
            ..NicUpdate::default()
        };
        change_element(&mut el, "52:54:00:aa:bb:01", &change).unwrap();
        let net = Network::from_xml(
            "<network><name>expovs</name><vlan><tag id='5'/></vlan>\
             <portgroup name='v10' default='yes'><vlan><tag id='10'/></vlan></portgroup>\
             <portgroup name='trunk'><vlan trunk='yes'><tag id='10' nativeMode='untagged'/>\
             <tag id='20'/></vlan></portgroup><portgroup name='plain'/></network>",
        )
        .unwrap();
        network_form(&mut el, Some(portgroup_vlan(&net, Some("trunk"))));
        assert_eq!(
            el.to_xml(),
            "<interface type=\"network\"><mac address=\"52:54:00:aa:bb:01\"/>\
             <source network=\"expovs\" portgroup=\"trunk\"/><vlan trunk=\"yes\">\
             <tag id=\"10\" nativeMode=\"untagged\"/><tag id=\"20\"/></vlan>\
             <virtualport type=\"openvswitch\"><parameters \
             interfaceid=\"162e1461-b4a9-4f21-8c97-5a4860ca5987\"/></virtualport>\
             <target dev=\"vnet0\"/><model type=\"virtio\"/><alias name=\"net0\"/></interface>"
        );
        // No portgroup named: the default one's VLANs; a portgroup without VLANs: the network's.
        assert_eq!(portgroup_vlan(&net, None).unwrap().tags[0].id, 10);
        assert_eq!(portgroup_vlan(&net, Some("plain")).unwrap().tags[0].id, 5);
    }

    #[test]
    fn a_live_link_change_keeps_the_running_vlans_and_drops_only_the_allocated_port() {
        let mut el = Element::parse(LIVE).unwrap();
        let change = NicUpdate {
            link_up: Some(false),
            ..NicUpdate::default()
        };
        change_element(&mut el, "52:54:00:aa:bb:01", &change).unwrap();
        network_form(&mut el, None);
        let xml = el.to_xml();
        assert!(xml.starts_with("<interface type=\"network\">"), "{xml}");
        assert!(
            xml.contains(
                "<source network=\"expovs\" portgroup=\"v10\"/><vlan><tag id=\"10\"/></vlan>"
            ),
            "{xml}"
        );
        assert!(xml.contains("<link state=\"down\"/>"), "{xml}");
    }

    #[test]
    fn vlans_change_only_on_an_ovs_bridge_nic_and_moves_only_on_a_network_nic() {
        let mut ovs = Element::parse(
            "<interface type='bridge'><source bridge='ovsbr0'/><vlan><tag id='50'/></vlan>\
             <virtualport type='openvswitch'/></interface>",
        )
        .unwrap();
        let retag = NicUpdate {
            vlan_tags: Some(vec![60, 61]),
            trunk: Some(true),
            ..NicUpdate::default()
        };
        change_element(&mut ovs, "m", &retag).unwrap();
        assert_eq!(
            ovs.to_xml(),
            "<interface type=\"bridge\"><source bridge=\"ovsbr0\"/><vlan trunk=\"yes\">\
             <tag id=\"60\"/><tag id=\"61\"/></vlan><virtualport type=\"openvswitch\"/></interface>"
        );
        let untag = NicUpdate {
            vlan_tags: Some(vec![]),
            ..NicUpdate::default()
        };
        change_element(&mut ovs, "m", &untag).unwrap();
        assert!(!ovs.to_xml().contains("vlan"));
        let mut on_network = Element::parse(LIVE).unwrap();
        assert!(matches!(
            change_element(&mut on_network, "m", &retag),
            Err(DriverError::InvalidSpec(_))
        ));
        let mut plain =
            Element::parse("<interface type='bridge'><source bridge='br0'/></interface>").unwrap();
        assert!(matches!(
            change_element(&mut plain, "m", &retag),
            Err(DriverError::InvalidSpec(_))
        ));
        let moving = NicUpdate {
            portgroup: Some("x".into()),
            ..NicUpdate::default()
        };
        assert!(matches!(
            change_element(&mut plain, "m", &moving),
            Err(DriverError::InvalidSpec(_))
        ));
    }
}
