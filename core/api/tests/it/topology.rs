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
        assert_eq!(h["ports"], ports["items"], "ports of {id}");
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
