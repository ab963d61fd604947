//! The topology document: every host with its networks and its VMs' NICs, the same facts the
//! network and port lists give, grouped by host.

use crate::networks::node_host;
use crate::{api, error_code};
use axum::http::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn topology_groups_networks_and_ports_by_host() {
    let a = api().await;
    let dir = tempfile::tempdir().unwrap();
    let node = node_host(&a, dir.path(), 30).await;
    let plain = a.synced_host("a-plain", "test:///default").await;
    // The first sync is stored just before the host reads as connected.
    for id in [&node, &plain] {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
        while a.get(&format!("/api/v1/hosts/{id}")).await.1["state"] != "connected" {
            assert!(
                tokio::time::Instant::now() < deadline,
                "{id} never connected"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    let (s, topo) = a.get("/api/v1/topology").await;
    assert_eq!(s, StatusCode::OK, "{topo}");
    let hosts = topo["hosts"].as_array().unwrap();
    let names: Vec<&str> = hosts.iter().map(|h| h["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["a-plain", "nodes"], "by name");
    for (h, id) in hosts.iter().zip([&plain, &node]) {
        assert_eq!((&h["id"], &h["state"]), (&json!(id), &json!("connected")));
        let (_, nets) = a.get(&format!("/api/v1/networks?hostId={id}")).await;
        assert_eq!(h["networks"], nets["items"], "networks of {id}");
        let (_, ports) = a
            .get(&format!("/api/v1/ports?hostId={id}&perPage=500"))
            .await;
        // The same ports, without the addresses a port page asks the host for.
        let mut listed = ports["items"].clone();
        for p in listed.as_array_mut().unwrap() {
            p["addresses"] = json!([]);
        }
        assert_eq!(h["ports"], listed, "ports of {id}");
        assert!(!h["ports"].as_array().unwrap().is_empty());
    }
    // The node's OVS network has NICs on its portgroups, each with its VM's state.
    let ports: &Vec<Value> = hosts[1]["ports"].as_array().unwrap();
    assert!(
        ports
            .iter()
            .any(|p| p["network"] == "ovs-net" && p["portgroup"].is_string())
    );
    assert!(
        ports
            .iter()
            .all(|p| p["vmState"].is_string() && p["vmId"].is_string())
    );

    let (s, one) = a.get(&format!("/api/v1/topology?hostId={node}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(one["hosts"], json!([hosts[1]]));
}

#[tokio::test]
async fn bad_topology_filters_are_precise_4xx() {
    let a = api().await;
    let unknown = uuid::Uuid::new_v4();
    for (path, status, code) in [
        (
            "/api/v1/topology?hostId=nope".to_owned(),
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        (
            format!("/api/v1/topology?hostId={unknown}"),
            StatusCode::NOT_FOUND,
            "host_not_found",
        ),
        (
            "/api/v1/topology?colour=red".to_owned(),
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
    ] {
        let (s, e) = a.get(&path).await;
        assert_eq!(error_code(s, &e, status), code, "{path}");
    }
}

#[tokio::test]
async fn ports_of_running_vms_carry_their_addresses_from_the_host() {
    let a = api().await;
    let host = a.synced_host("plain", "test:///default").await;
    let (s, ports) = a.get(&format!("/api/v1/ports?hostId={host}")).await;
    assert_eq!(s, StatusCode::OK, "{ports}");
    let port = &ports["items"][0];
    assert_eq!(
        (&port["vmName"], &port["vmState"]),
        (&json!("test"), &json!("running"))
    );
    // libvirt's test driver answers every address source with one fixed lease.
    assert_eq!(
        port["addresses"],
        json!([{"address": "192.168.122.3/24", "source": "lease"}]),
        "{port}"
    );
    // A VM that is not running has none, and asks nothing of the host.
    let vm = port["vmId"].as_str().unwrap();
    let (s, _) = a.post("/api/v1/vms/import", json!({"vmIds": [vm]})).await;
    assert_eq!(s, StatusCode::OK);
    let (s, task) = a
        .post(&format!("/api/v1/vms/{vm}/actions/forceOff"), json!({}))
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{task}");
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let (_, ports) = a.get(&format!("/api/v1/ports?hostId={host}")).await;
        let port = &ports["items"][0];
        if port["vmState"] == "shutoff" {
            assert_eq!(port["addresses"], json!([]), "{port}");
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never shut off: {port}"
        );
        tokio::task::yield_now().await;
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
