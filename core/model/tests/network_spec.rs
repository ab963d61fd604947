//! The rules a new network must follow: every bad input the issue lists is refused with a
//! message that says what is wrong, and good specs pass.

use serde_json::json;
use virtumancer_model::NetworkSpec;

fn spec(v: serde_json::Value) -> NetworkSpec {
    serde_json::from_value(v).expect("well-formed spec")
}

fn refused(v: serde_json::Value, says: &str) {
    let err = spec(v.clone())
        .validate()
        .expect_err(&format!("accepted {v}"));
    assert!(err.contains(says), "{v}: {err:?} does not say {says:?}");
}

fn ovs(portgroups: serde_json::Value) -> serde_json::Value {
    json!({"name": "lan", "kind": "openvswitch", "bridge": "ovsbr0", "portgroups": portgroups})
}

#[test]
fn good_specs_pass_and_defaults_start_and_autostart() {
    let s = spec(json!({"name": "nat-1.a_b", "kind": "nat",
        "ipv4": {"address": "192.168.50.1", "prefix": 24, "dhcpStart": "192.168.50.100", "dhcpEnd": "192.168.50.200"}}));
    assert_eq!(s.validate(), Ok(()));
    assert!(s.start && s.autostart);
    assert_eq!(
        spec(json!({"name": "iso", "kind": "isolated"})).validate(),
        Ok(())
    );
    assert_eq!(
        spec(json!({"name": "br", "kind": "bridge", "bridge": "br0"})).validate(),
        Ok(())
    );
    assert_eq!(
        spec(ovs(json!([
            {"name": "vlan10", "isDefault": true, "vlanTags": [10]},
            {"name": "trunk", "vlanTags": [10, 20, 4094], "trunk": true, "nativeVlan": 10},
            {"name": "untagged"}
        ])))
        .validate(),
        Ok(())
    );
}

#[test]
fn vlans_outside_1_to_4094_are_refused() {
    refused(
        ovs(json!([{"name": "a", "vlanTags": [0]}])),
        "VLAN 0 is reserved",
    );
    refused(
        ovs(json!([{"name": "a", "vlanTags": [4095]}])),
        "VLAN 4095 is reserved",
    );
    refused(
        ovs(json!([{"name": "a", "vlanTags": [10, 4095], "trunk": true}])),
        "4095",
    );
}

#[test]
fn portgroup_mistakes_are_refused() {
    refused(ovs(json!([{"name": "a"}, {"name": "a"}])), "named twice");
    refused(
        ovs(json!([{"name": "t", "trunk": true}])),
        "a trunk needs VLAN tags",
    );
    refused(ovs(json!([{"name": "t", "vlanTags": [1, 2]}])), "set trunk");
    refused(
        ovs(json!([{"name": "t", "vlanTags": [5, 5], "trunk": true}])),
        "listed twice",
    );
    refused(
        ovs(json!([{"name": "t", "vlanTags": [5, 6], "trunk": true, "nativeVlan": 7}])),
        "must be one of its tags",
    );
    refused(
        ovs(json!([{"name": "t", "vlanTags": [5], "nativeVlan": 5}])),
        "only a trunk",
    );
    refused(
        ovs(json!([{"name": "a", "isDefault": true}, {"name": "b", "isDefault": true}])),
        "at most one",
    );
    refused(ovs(json!([{"name": "has space"}])), "without spaces");
    refused(
        json!({"name": "n", "kind": "nat", "portgroups": [{"name": "p", "vlanTags": [10]}]}),
        "VLANs need an Open vSwitch network",
    );
}

#[test]
fn names_bridges_and_subnets_are_checked() {
    refused(json!({"name": "a<b>&'\"", "kind": "isolated"}), "not '<'");
    refused(json!({"name": "with/slash", "kind": "isolated"}), "not '/'");
    refused(json!({"name": "", "kind": "isolated"}), "1–64");
    refused(json!({"name": "n".repeat(65), "kind": "isolated"}), "1–64");
    refused(
        json!({"name": ".hidden", "kind": "isolated"}),
        "start with '.'",
    );
    refused(
        json!({"name": "b", "kind": "bridge"}),
        "needs the name of an existing bridge",
    );
    refused(
        json!({"name": "o", "kind": "openvswitch"}),
        "existing bridge",
    );
    refused(
        json!({"name": "b", "kind": "bridge", "bridge": "br0;rm"}),
        "not an interface name",
    );
    refused(
        json!({"name": "b", "kind": "bridge", "bridge": "averyveryverylongbridge"}),
        "not an interface name",
    );
    refused(
        json!({"name": "b", "kind": "bridge", "bridge": "br0", "ipv4": {"address": "10.0.0.1", "prefix": 24}}),
        "leave out ipv4",
    );
    refused(
        json!({"name": "r", "kind": "routed"}),
        "needs an ipv4 subnet",
    );
    let ip = |v: serde_json::Value| json!({"name": "n", "kind": "nat", "ipv4": v});
    refused(
        ip(json!({"address": "300.1.1.1", "prefix": 24})),
        "not an IPv4 address",
    );
    refused(ip(json!({"address": "10.0.0.1", "prefix": 31})), "8–30");
    refused(
        ip(json!({"address": "10.0.0.0", "prefix": 24})),
        "network or broadcast",
    );
    refused(
        ip(
            json!({"address": "10.0.0.1", "prefix": 24, "dhcpStart": "10.0.1.5", "dhcpEnd": "10.0.1.9"}),
        ),
        "inside 10.0.0.0/24",
    );
    refused(
        ip(
            json!({"address": "10.0.0.1", "prefix": 24, "dhcpStart": "10.0.0.9", "dhcpEnd": "10.0.0.5"}),
        ),
        "starts after it ends",
    );
    refused(
        ip(
            json!({"address": "10.0.0.1", "prefix": 24, "dhcpStart": "10.0.0.1", "dhcpEnd": "10.0.0.5"}),
        ),
        "own 10.0.0.1",
    );
    refused(
        ip(json!({"address": "10.0.0.1", "prefix": 24, "dhcpStart": "10.0.0.9"})),
        "both",
    );
}

#[test]
fn unknown_fields_and_kinds_do_not_parse() {
    assert!(
        serde_json::from_value::<NetworkSpec>(json!({"name": "n", "kind": "nat", "colour": 1}))
            .is_err()
    );
    assert!(
        serde_json::from_value::<NetworkSpec>(json!({"name": "n", "kind": "macvtap"})).is_err()
    );
}
