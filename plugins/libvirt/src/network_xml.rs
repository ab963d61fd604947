//! A validated [`NetworkSpec`] as libvirt network XML, built on the typed views.

use virtumancer_libvirt_xml::{
    Dhcp, DhcpRange, Forward, Network, NetworkBridge, NetworkIp, Portgroup, VirtualPort, Vlan,
};
use virtumancer_model::{Ipv4Spec, NetworkKind, NetworkSpec, PortgroupSpec};

/// The network document for `spec` (which must have passed [`NetworkSpec::validate`]).
pub fn network(spec: &NetworkSpec) -> Network {
    let forward = |mode: &str| {
        Some(Forward {
            mode: Some(mode.to_owned()),
            ..Forward::default()
        })
    };
    let (forward, virtualport) = match spec.kind {
        NetworkKind::Nat => (forward("nat"), None),
        NetworkKind::Routed => (forward("route"), None),
        NetworkKind::Open => (forward("open"), None),
        // A plugin's network is rendered by the plugin; `networks::create` refuses it.
        NetworkKind::Isolated | NetworkKind::Plugin => (None, None),
        NetworkKind::Bridge => (forward("bridge"), None),
        NetworkKind::Openvswitch => (
            forward("bridge"),
            Some(VirtualPort {
                kind: Some("openvswitch".to_owned()),
                parameters: None,
            }),
        ),
    };
    let bridge = match (&spec.bridge, spec.kind.is_managed()) {
        (Some(name), managed) => Some(NetworkBridge {
            name: Some(name.clone()),
            // A bridge libvirt makes gets STP and no forwarding delay, as virt-manager does.
            stp: managed.then(|| "on".to_owned()),
            delay: managed.then_some(0),
        }),
        (None, true) => Some(NetworkBridge {
            name: None,
            stp: Some("on".to_owned()),
            delay: Some(0),
        }),
        (None, false) => None,
    };
    Network {
        connections: None,
        name: spec.name.clone(),
        uuid: None,
        forward,
        bridge,
        mtu: None,
        mac: None,
        domain: None,
        bandwidth: None,
        virtualport,
        vlan: None,
        portgroups: spec.portgroups.iter().map(portgroup).collect(),
        ips: spec.ipv4.iter().map(ip).collect(),
    }
}

/// The `<portgroup>` of a validated spec.
pub fn portgroup(p: &PortgroupSpec) -> Portgroup {
    let vlan = Vlan::of_tags(&p.vlan_tags, p.trunk, p.native_vlan);
    Portgroup {
        name: p.name.clone(),
        default: p.is_default.then(|| "yes".to_owned()),
        vlan,
        virtualport: None,
        bandwidth: None,
    }
}

fn ip(v: &Ipv4Spec) -> NetworkIp {
    NetworkIp {
        family: None,
        address: Some(v.address.clone()),
        netmask: None,
        prefix: Some(v.prefix),
        dhcp: match (&v.dhcp_start, &v.dhcp_end) {
            (Some(start), Some(end)) => Some(Dhcp {
                ranges: vec![DhcpRange {
                    start: start.clone(),
                    end: end.clone(),
                }],
                hosts: Vec::new(),
            }),
            _ => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn xml(v: serde_json::Value) -> String {
        let spec: NetworkSpec = serde_json::from_value(v).unwrap();
        spec.validate().unwrap();
        network(&spec).to_xml().unwrap()
    }

    /// Golden documents for every kind: what libvirt is given.
    #[test]
    fn every_kind_makes_the_expected_document() {
        let cases = [
            (
                json!({"name": "nat0", "kind": "nat", "ipv4": {"address": "192.168.50.1", "prefix": 24,
                    "dhcpStart": "192.168.50.100", "dhcpEnd": "192.168.50.200"}}),
                "<network><name>nat0</name><forward mode=\"nat\"/><bridge stp=\"on\" delay=\"0\"/>\
                 <ip address=\"192.168.50.1\" prefix=\"24\"><dhcp><range start=\"192.168.50.100\" \
                 end=\"192.168.50.200\"/></dhcp></ip></network>",
            ),
            (
                json!({"name": "r", "kind": "routed", "bridge": "virbr7", "ipv4": {"address": "10.1.0.1", "prefix": 16}}),
                "<network><name>r</name><forward mode=\"route\"/><bridge name=\"virbr7\" stp=\"on\" \
                 delay=\"0\"/><ip address=\"10.1.0.1\" prefix=\"16\"/></network>",
            ),
            (
                json!({"name": "o", "kind": "open", "ipv4": {"address": "10.2.0.1", "prefix": 24}}),
                "<network><name>o</name><forward mode=\"open\"/><bridge stp=\"on\" delay=\"0\"/>\
                 <ip address=\"10.2.0.1\" prefix=\"24\"/></network>",
            ),
            (
                json!({"name": "iso", "kind": "isolated"}),
                "<network><name>iso</name><bridge stp=\"on\" delay=\"0\"/></network>",
            ),
            (
                json!({"name": "lan", "kind": "bridge", "bridge": "br0"}),
                "<network><name>lan</name><forward mode=\"bridge\"/><bridge name=\"br0\"/></network>",
            ),
            (
                json!({"name": "ovs", "kind": "openvswitch", "bridge": "ovsbr0", "portgroups": [
                    {"name": "vlan10", "isDefault": true, "vlanTags": [10]},
                    {"name": "trunk", "vlanTags": [10, 20], "trunk": true, "nativeVlan": 20},
                    {"name": "plain"}]}),
                "<network><name>ovs</name><forward mode=\"bridge\"/><bridge name=\"ovsbr0\"/>\
                 <virtualport type=\"openvswitch\"/>\
                 <portgroup name=\"vlan10\" default=\"yes\"><vlan><tag id=\"10\"/></vlan></portgroup>\
                 <portgroup name=\"trunk\"><vlan trunk=\"yes\"><tag id=\"10\"/><tag id=\"20\" \
                 nativeMode=\"untagged\"/></vlan></portgroup><portgroup name=\"plain\"/></network>",
            ),
        ];
        for (spec, want) in cases {
            assert_eq!(xml(spec.clone()), want, "{spec}");
        }
    }

    /// The typed reader gets back what the spec asked for.
    #[test]
    fn the_document_reads_back_as_the_spec() {
        let doc = xml(
            json!({"name": "ovs", "kind": "openvswitch", "bridge": "ovsbr0", "portgroups": [
            {"name": "trunk", "vlanTags": [7, 8], "trunk": true, "nativeVlan": 8}]}),
        );
        let back = Network::from_xml(&doc).unwrap();
        assert!(back.is_openvswitch());
        let pg = &back.portgroups[0];
        let vlan = pg.vlan.as_ref().unwrap();
        assert!(vlan.is_trunk());
        assert_eq!(vlan.native().map(|t| t.id), Some(8));
        assert_eq!(vlan.tags.iter().map(|t| t.id).collect::<Vec<_>>(), [7, 8]);
    }
}
