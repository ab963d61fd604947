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

#[tokio::test]
async fn networks_start_stop_autostart_and_deletion_refused_while_in_use() {
    let a = api().await;
    let dir = tempfile::tempdir().unwrap();
    let host = node_host(&a, dir.path(), 30).await;
    let base = format!("/api/v1/hosts/{host}/networks");

    let (s, n) = a
        .post(&format!("{base}/ovs-net/actions/stop"), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{n}");
    assert_eq!(
        (&n["name"], &n["active"]),
        (&json!("ovs-net"), &json!(false))
    );
    let (_, list) = a.get(&format!("/api/v1/networks?hostId={host}")).await;
    assert_eq!(
        by_name(list["items"].as_array().unwrap(), "ovs-net")["active"],
        false
    );
    // Stopping a stopped network is refused by the host, precisely.
    let (s, b) = a
        .post(&format!("{base}/ovs-net/actions/stop"), json!({}))
        .await;
    assert_eq!(
        error_code(s, &b, StatusCode::CONFLICT),
        "action_not_allowed"
    );
    let (s, n) = a
        .post(&format!("{base}/ovs-net/actions/start"), json!({}))
        .await;
    assert_eq!((s, &n["active"]), (StatusCode::OK, &json!(true)), "{n}");
    let (s, n) = a
        .post(&format!("{base}/ovs-net/actions/autostartOn"), json!({}))
        .await;
    assert_eq!((s, &n["autostart"]), (StatusCode::OK, &json!(true)), "{n}");
    let (s, n) = a
        .post(&format!("{base}/ovs-net/actions/autostartOff"), json!({}))
        .await;
    assert_eq!((s, &n["autostart"]), (StatusCode::OK, &json!(false)), "{n}");

    // In use: refused with the VMs, and nothing changes.
    let used_by = n["usedBy"].as_u64().unwrap();
    assert!(used_by > 0);
    let (s, b) = a
        .call(axum::http::Method::DELETE, &format!("{base}/ovs-net"), None)
        .await;
    assert_eq!(error_code(s, &b, StatusCode::CONFLICT), "network_in_use");
    assert_eq!(
        b["details"]["users"].as_array().unwrap().len() as u64,
        used_by,
        "{b}"
    );
    let (_, list) = a.get(&format!("/api/v1/networks?hostId={host}")).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 3);
    // Forced: gone from the host and from the list.
    let (s, b) = a
        .call(
            axum::http::Method::DELETE,
            &format!("{base}/ovs-net?force=true"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
    let (_, list) = a.get(&format!("/api/v1/networks?hostId={host}")).await;
    let names: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["br-lan", "isolated"]);
    let (s, b) = a
        .post(&format!("{base}/ovs-net/actions/start"), json!({}))
        .await;
    assert_eq!(
        error_code(s, &b, StatusCode::NOT_FOUND),
        "network_not_found"
    );
}

#[tokio::test]
async fn bad_network_actions_are_precise_4xx_and_change_nothing() {
    let a = api().await;
    let dir = tempfile::tempdir().unwrap();
    let host = node_host(&a, dir.path(), 10).await;
    let unknown = uuid::Uuid::new_v4();
    for (method, path, status, code) in [
        (
            "POST",
            format!("/api/v1/hosts/{host}/networks/ovs-net/actions/explode"),
            StatusCode::BAD_REQUEST,
            "unknown_action",
        ),
        (
            "POST",
            "/api/v1/hosts/nope/networks/ovs-net/actions/start".to_string(),
            StatusCode::BAD_REQUEST,
            "invalid_id",
        ),
        (
            "POST",
            format!("/api/v1/hosts/{unknown}/networks/ovs-net/actions/start"),
            StatusCode::NOT_FOUND,
            "host_not_found",
        ),
        (
            "POST",
            format!("/api/v1/hosts/{host}/networks/a%3Cb%3E%26'%22/actions/start"),
            StatusCode::NOT_FOUND,
            "network_not_found",
        ),
        (
            "DELETE",
            format!("/api/v1/hosts/{host}/networks/nosuch"),
            StatusCode::NOT_FOUND,
            "network_not_found",
        ),
        (
            "DELETE",
            format!("/api/v1/hosts/{host}/networks/isolated?force=maybe"),
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
    ] {
        let m = axum::http::Method::from_bytes(method.as_bytes()).unwrap();
        let body = (method == "POST").then(|| json!({}));
        let (s, b) = a.call(m, &path, body).await;
        assert_eq!(error_code(s, &b, status), code, "{method} {path}");
    }
    // A disconnected host's networks stay listed but cannot be acted on.
    let (s, _) = a
        .post(
            &format!("/api/v1/hosts/{host}/actions/disconnect"),
            json!({}),
        )
        .await;
    assert!(s.is_success());
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let (s, b) = a
            .post(
                &format!("/api/v1/hosts/{host}/networks/isolated/actions/stop"),
                json!({}),
            )
            .await;
        if s == StatusCode::CONFLICT && b["code"] == "host_not_connected" {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "still acting after disconnect: {s} {b}"
        );
        tokio::task::yield_now().await;
    }
    let (_, list) = a.get(&format!("/api/v1/networks?hostId={host}")).await;
    let iso = by_name(list["items"].as_array().unwrap(), "isolated");
    assert_eq!(iso["active"], true, "nothing was stopped: {iso}");
}
