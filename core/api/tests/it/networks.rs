//! The network list on a generated test-driver node: a Linux bridge network, an Open vSwitch
//! network with VLAN portgroups and a trunk, and an isolated network with DHCP.

use crate::{api, error_code};
use axum::http::StatusCode;
use serde_json::{Value, json};

/// Adds a host on a generated node and waits until its inventory is synced; returns its id.
async fn node_host(a: &crate::Api, dir: &std::path::Path, domains: usize) -> String {
    let node = xtask::generate(&xtask::NodeSpec {
        domains,
        seed: 7,
        ..xtask::NodeSpec::default()
    })
    .unwrap();
    let path = dir.join("node.xml");
    std::fs::write(&path, &node.xml).unwrap();
    a.synced_host("nodes", &format!("test://{}", path.display()))
        .await
}

fn by_name<'a>(items: &'a [Value], name: &str) -> &'a Value {
    items
        .iter()
        .find(|n| n["name"] == name)
        .unwrap_or_else(|| panic!("no network {name} in {items:?}"))
}

#[tokio::test]
async fn networks_show_kind_bridge_ovs_portgroups_vlans_ranges_and_users() {
    let a = api().await;
    let dir = tempfile::tempdir().unwrap();
    let host = node_host(&a, dir.path(), 60).await;

    let (s, all) = a.get("/api/v1/networks").await;
    assert_eq!(s, StatusCode::OK, "{all}");
    let (s, mine) = a.get(&format!("/api/v1/networks?hostId={host}")).await;
    assert_eq!(s, StatusCode::OK, "{mine}");
    assert_eq!(all, mine, "one host: the filter changes nothing");
    let items = mine["items"].as_array().unwrap();
    let names: Vec<&str> = items.iter().map(|n| n["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["br-lan", "isolated", "ovs-net"], "sorted by name");
    assert!(
        items
            .iter()
            .all(|n| n["hostId"] == host.as_str() && n["hostName"] == "nodes")
    );

    let ovs = by_name(items, "ovs-net");
    assert_eq!(ovs["forwardMode"], "bridge");
    assert_eq!(ovs["bridge"], "ovsbr0");
    assert_eq!(ovs["virtualportType"], "openvswitch");
    let pgs = ovs["portgroups"].as_array().unwrap();
    let pg_names: Vec<&str> = pgs.iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(pg_names, ["trunk", "vlan10", "vlan20", "vlan30"]);
    let vlan10 = &pgs[1];
    assert_eq!(
        (&vlan10["isDefault"], &vlan10["vlanTags"], &vlan10["trunk"]),
        (&json!(true), &json!([10]), &json!(false))
    );
    let trunk = &pgs[0];
    assert_eq!(trunk["trunk"], true, "{trunk}");
    assert!(trunk["vlanTags"].as_array().unwrap().len() >= 2, "{trunk}");

    let br = by_name(items, "br-lan");
    assert_eq!(
        (&br["forwardMode"], &br["bridge"]),
        (&json!("bridge"), &json!("br0"))
    );
    assert!(br["virtualportType"].is_null());
    let iso = by_name(items, "isolated");
    let ranges = iso["ipRanges"].as_array().unwrap();
    assert!(
        ranges
            .iter()
            .any(|r| r.as_str().unwrap().contains("192.168.200.1/24")),
        "{iso}"
    );

    // Users, counted independently from every VM's NICs.
    let (_, vms) = a
        .get(&format!("/api/v1/discovered-vms?hostId={host}&perPage=500"))
        .await;
    let mut users = std::collections::HashMap::<String, u64>::new();
    for vm in vms["items"].as_array().unwrap() {
        let (_, d) = a
            .get(&format!("/api/v1/vms/{}", vm["id"].as_str().unwrap()))
            .await;
        for nic in d["nics"].as_array().unwrap() {
            if let Some(net) = nic["network"].as_str() {
                *users.entry(net.to_owned()).or_default() += 1;
            }
        }
    }
    for n in items {
        let name = n["name"].as_str().unwrap();
        assert_eq!(
            n["usedBy"].as_u64().unwrap(),
            users.get(name).copied().unwrap_or(0),
            "{name}"
        );
    }
    assert!(
        ovs["usedBy"].as_u64().unwrap() > 0,
        "the node puts NICs on ovs-net"
    );
}

#[tokio::test]
async fn bad_network_filters_are_precise_4xx() {
    let a = api().await;
    let unknown = uuid::Uuid::new_v4();
    let (s, b) = a.get(&format!("/api/v1/networks?hostId={unknown}")).await;
    assert_eq!(error_code(s, &b, StatusCode::NOT_FOUND), "host_not_found");
    let (s, b) = a.get("/api/v1/networks?hostId=nope").await;
    assert_eq!(error_code(s, &b, StatusCode::BAD_REQUEST), "invalid_query");
    let (s, b) = a.get("/api/v1/networks?colour=blue").await;
    assert_eq!(error_code(s, &b, StatusCode::BAD_REQUEST), "invalid_query");
    let (s, b) = a.get("/api/v1/networks").await;
    assert_eq!((s, &b["items"]), (StatusCode::OK, &json!([])));
}
