//! The network list on a generated test-driver node: a Linux bridge network, an Open vSwitch
//! network with VLAN portgroups and a trunk, and an isolated network with DHCP.

use crate::{api, error_code};
use axum::http::StatusCode;
use serde_json::{Value, json};

/// Adds a host on a generated node and waits until its inventory is synced; returns its id.
pub(crate) async fn node_host(a: &crate::Api, dir: &std::path::Path, domains: usize) -> String {
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

pub(crate) fn by_name<'a>(items: &'a [Value], name: &str) -> &'a Value {
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
    // Wait for the host to read as disconnected without acting: a stop sent before the
    // disconnect lands would really stop the network.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    while a.get(&format!("/api/v1/hosts/{host}")).await.1["state"] != "disconnected" {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the host never read as disconnected"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let (s, b) = a
        .post(
            &format!("/api/v1/hosts/{host}/networks/isolated/actions/stop"),
            json!({}),
        )
        .await;
    assert_eq!(
        (s, b["code"].as_str()),
        (StatusCode::CONFLICT, Some("host_not_connected")),
        "{b}"
    );
    let (_, list) = a.get(&format!("/api/v1/networks?hostId={host}")).await;
    let iso = by_name(list["items"].as_array().unwrap(), "isolated");
    assert_eq!(iso["active"], true, "nothing was stopped: {iso}");
}

#[tokio::test]
async fn networks_of_every_kind_are_created_as_asked_and_bad_specs_change_nothing() {
    let a = api().await;
    let dir = tempfile::tempdir().unwrap();
    // The generated node's host has the bridge br0 (and eth0), not nosuchbr9.
    let host = node_host(&a, dir.path(), 5).await;
    let base = format!("/api/v1/hosts/{host}/networks");
    let names = |list: &Value| -> Vec<String> {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let (_, before) = a.get(&format!("/api/v1/networks?hostId={host}")).await;

    let (s, nat) = a
        .post(
            &base,
            json!({"name": "nat77", "kind": "nat", "ipv4": {"address": "192.168.77.1",
            "prefix": 24, "dhcpStart": "192.168.77.100", "dhcpEnd": "192.168.77.199"}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{nat}");
    assert_eq!(
        (
            &nat["forwardMode"],
            &nat["active"],
            &nat["autostart"],
            &nat["usedBy"]
        ),
        (&json!("nat"), &json!(true), &json!(true), &json!(0))
    );
    let ranges = nat["ipRanges"].to_string();
    assert!(
        ranges.contains("192.168.77.1/24") && ranges.contains("192.168.77.100"),
        "{nat}"
    );

    let (s, ovs) = a
        .post(
            &base,
            json!({"name": "ovs-lab", "kind": "openvswitch", "bridge": "br0",
            "start": false, "autostart": false, "portgroups": [
                {"name": "vlan10", "isDefault": true, "vlanTags": [10]},
                {"name": "trunk", "vlanTags": [10, 20, 30], "trunk": true, "nativeVlan": 30}]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{ovs}");
    assert_eq!(
        (
            &ovs["virtualportType"],
            &ovs["bridge"],
            &ovs["active"],
            &ovs["autostart"]
        ),
        (
            &json!("openvswitch"),
            &json!("br0"),
            &json!(false),
            &json!(false)
        )
    );
    assert_eq!(
        ovs["portgroups"],
        json!([
            {"name": "trunk", "isDefault": false, "vlanTags": [10, 20, 30], "trunk": true, "nativeVlan": 30},
            {"name": "vlan10", "isDefault": true, "vlanTags": [10], "trunk": false, "nativeVlan": null}
        ])
    );
    let (s, br) = a
        .post(
            &base,
            json!({"name": "lan", "kind": "bridge", "bridge": "br0", "start": false}),
        )
        .await;
    assert_eq!(
        (s, &br["forwardMode"]),
        (StatusCode::CREATED, &json!("bridge")),
        "{br}"
    );
    let (s, b) = a
        .post(&base, json!({"name": "nat77", "kind": "isolated"}))
        .await;
    assert_eq!(
        error_code(s, &b, StatusCode::CONFLICT),
        "network_name_taken"
    );

    let (_, with_new) = a.get(&format!("/api/v1/networks?hostId={host}")).await;
    for bad in [
        json!({"name": "v0", "kind": "openvswitch", "bridge": "ovsbr0", "portgroups": [{"name": "p", "vlanTags": [0]}]}),
        json!({"name": "v4095", "kind": "openvswitch", "bridge": "ovsbr0", "portgroups": [{"name": "p", "vlanTags": [4095]}]}),
        json!({"name": "dup", "kind": "openvswitch", "bridge": "ovsbr0", "portgroups": [{"name": "p"}, {"name": "p"}]}),
        json!({"name": "t", "kind": "openvswitch", "bridge": "ovsbr0", "portgroups": [{"name": "p", "trunk": true}]}),
        json!({"name": "a<b>&'\"", "kind": "isolated"}),
        json!({"name": "nobr", "kind": "bridge"}),
        json!({"name": "sub", "kind": "nat", "ipv4": {"address": "10.9.0.1", "prefix": 24, "dhcpStart": "10.8.0.2", "dhcpEnd": "10.8.0.9"}}),
    ] {
        let (s, b) = a.post(&base, bad.clone()).await;
        assert_eq!(
            error_code(s, &b, StatusCode::UNPROCESSABLE_ENTITY),
            "invalid_request",
            "{bad}"
        );
    }
    for missing in ["bridge", "openvswitch"] {
        let (s, b) = a
            .post(
                &base,
                json!({"name": "gone", "kind": missing, "bridge": "nosuchbr9"}),
            )
            .await;
        assert_eq!(
            error_code(s, &b, StatusCode::UNPROCESSABLE_ENTITY),
            "invalid_request"
        );
        assert!(
            b["message"]
                .as_str()
                .unwrap()
                .contains("'nosuchbr9' does not exist"),
            "{b}"
        );
    }
    let (s, b) = a
        .post(&base, json!({"name": "x", "kind": "nat", "colour": "red"}))
        .await;
    assert_eq!(error_code(s, &b, StatusCode::BAD_REQUEST), "invalid_json");
    let (s, b) = a
        .post(
            &format!("/api/v1/hosts/{}/networks", uuid::Uuid::new_v4()),
            json!({"name": "x", "kind": "isolated"}),
        )
        .await;
    assert_eq!(error_code(s, &b, StatusCode::NOT_FOUND), "host_not_found");
    let (_, after) = a.get(&format!("/api/v1/networks?hostId={host}")).await;
    assert_eq!(
        names(&after),
        names(&with_new),
        "refused specs created nothing"
    );
    let mut expected = names(&before);
    expected.extend(["lan", "nat77", "ovs-lab"].map(String::from));
    expected.sort_by_key(|n| n.to_lowercase());
    assert_eq!(names(&after), expected);

    // Unused, so deleted without force.
    for n in ["nat77", "ovs-lab", "lan"] {
        let (s, b) = a
            .call(axum::http::Method::DELETE, &format!("{base}/{n}"), None)
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{n}: {b}");
    }
    let (_, last) = a.get(&format!("/api/v1/networks?hostId={host}")).await;
    assert_eq!(names(&last), names(&before));
}

#[tokio::test]
async fn ports_list_every_nic_with_filters_search_sorting_and_paging() {
    let a = api().await;
    let dir = tempfile::tempdir().unwrap();
    let host = node_host(&a, dir.path(), 40).await;
    // Every NIC, counted from the VMs themselves.
    let (_, vms) = a
        .get(&format!("/api/v1/discovered-vms?hostId={host}&perPage=500"))
        .await;
    let mut nics = 0;
    for vm in vms["items"].as_array().unwrap() {
        let (_, d) = a
            .get(&format!("/api/v1/vms/{}", vm["id"].as_str().unwrap()))
            .await;
        nics += d["nics"].as_array().unwrap().len() as u64;
    }
    let (s, all) = a.get("/api/v1/ports?perPage=500").await;
    assert_eq!(s, StatusCode::OK, "{all}");
    assert_eq!(all["total"].as_u64().unwrap(), nics);
    let items = all["items"].as_array().unwrap();
    assert_eq!(items.len() as u64, nics);
    let vm_names: Vec<&str> = items
        .iter()
        .map(|p| p["vmName"].as_str().unwrap())
        .collect();
    let mut sorted = vm_names.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(vm_names, sorted, "default order is by VM name");
    let p0 = &items[0];
    assert_eq!(
        (&p0["hostId"], &p0["hostName"]),
        (&json!(host), &json!("nodes"))
    );
    assert!(
        p0["mac"].is_string() && p0["vmState"].is_string() && p0["ordinal"].is_u64(),
        "{p0}"
    );

    // On ovs-net: as many as the network says use it, each with its portgroup's VLANs.
    let (_, nets) = a.get(&format!("/api/v1/networks?hostId={host}")).await;
    let ovs = by_name(nets["items"].as_array().unwrap(), "ovs-net");
    let (_, on_ovs) = a.get("/api/v1/ports?network=ovs-net&perPage=500").await;
    assert_eq!(on_ovs["total"], ovs["usedBy"]);
    for p in on_ovs["items"].as_array().unwrap() {
        assert_eq!(p["network"], "ovs-net", "{p}");
    }

    // Search by a MAC finds that port; LIKE wildcards are literal.
    let mac = p0["mac"].as_str().unwrap();
    let (_, found) = a.get(&format!("/api/v1/ports?q={}", &mac[9..])).await;
    assert!(
        found["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["mac"] == mac),
        "{found}"
    );
    let (_, none) = a.get("/api/v1/ports?q=%25%25").await;
    assert_eq!(none["total"], 0, "{none}");

    // Sorted by MAC, and pages that do not overlap.
    let (_, by_mac) = a.get("/api/v1/ports?sort=mac&perPage=500").await;
    let macs: Vec<&str> = by_mac["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["mac"].as_str().unwrap())
        .collect();
    let mut m2 = macs.clone();
    m2.sort();
    assert_eq!(macs, m2);
    let (_, p1) = a.get("/api/v1/ports?perPage=7&page=1").await;
    let (_, p2) = a.get("/api/v1/ports?perPage=7&page=2").await;
    assert_eq!(
        (
            p1["items"].as_array().unwrap().len(),
            p2["items"].as_array().unwrap().len()
        ),
        (7, 7)
    );
    assert_ne!(p1["items"][0], p2["items"][0]);
    assert_eq!(p2["items"][0], all["items"][7]);

    let long = "x".repeat(257);
    for (path, status, code) in [
        (
            "/api/v1/ports?perPage=0".to_owned(),
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        (
            "/api/v1/ports?sort=colour".to_owned(),
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        (
            format!("/api/v1/ports?q={long}"),
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        (
            format!("/api/v1/ports?hostId={}", uuid::Uuid::new_v4()),
            StatusCode::NOT_FOUND,
            "host_not_found",
        ),
    ] {
        let (s, b) = a.get(&path).await;
        assert_eq!(error_code(s, &b, status), code, "{path}");
    }
}
