//! Portgroups of an existing network on a generated test-driver node: added, replaced and
//! removed through the API; every bad request is a precise 4xx that changes nothing.

use crate::networks::{by_name, node_host};
use crate::{api, error_code};
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

/// The portgroups of `network` as stored: `(name, default, tags, trunk, native)`, by name.
async fn portgroups(a: &crate::Api, host: &str, network: &str) -> Vec<Value> {
    let (_, list) = a.get(&format!("/api/v1/networks?hostId={host}")).await;
    let mut pgs = by_name(list["items"].as_array().unwrap(), network)["portgroups"]
        .as_array()
        .unwrap()
        .clone();
    pgs.sort_by_key(|p| p["name"].as_str().unwrap().to_owned());
    pgs
}

#[tokio::test]
async fn portgroups_are_added_replaced_and_removed_and_refused_while_in_use() {
    let a = api().await;
    let dir = tempfile::tempdir().unwrap();
    let host = node_host(&a, dir.path(), 40).await;
    let pgs = format!("/api/v1/hosts/{host}/networks/ovs-net/portgroups");

    let (s, net) = a
        .post(
            &pgs,
            json!({"name": "vlan40", "vlanTags": [40, 41], "trunk": true, "nativeVlan": 41}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{net}");
    let added = portgroups(&a, &host, "ovs-net").await;
    let vlan40 = added.iter().find(|p| p["name"] == "vlan40").expect("added");
    assert_eq!(
        (
            &vlan40["vlanTags"],
            &vlan40["trunk"],
            &vlan40["nativeVlan"],
            &vlan40["isDefault"]
        ),
        (&json!([40, 41]), &json!(true), &json!(41), &json!(false))
    );
    assert_eq!(
        net["portgroups"].as_array().unwrap().len(),
        added.len(),
        "the answer is the network now"
    );

    let (s, net) = a
        .call(
            Method::PUT,
            &format!("{pgs}/vlan40"),
            Some(json!({"name": "vlan40", "vlanTags": [42]})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{net}");
    let vlan40 = portgroups(&a, &host, "ovs-net").await;
    let vlan40 = vlan40.iter().find(|p| p["name"] == "vlan40").unwrap();
    assert_eq!(
        (&vlan40["vlanTags"], &vlan40["trunk"]),
        (&json!([42]), &json!(false))
    );

    // vlan10 is the default: NICs naming it and NICs naming no portgroup use it.
    let (_, ports) = a
        .get(&format!(
            "/api/v1/ports?hostId={host}&network=ovs-net&perPage=500"
        ))
        .await;
    let mut users: Vec<String> = ports["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["portgroup"].is_null() || p["portgroup"] == "vlan10")
        .map(|p| p["vmName"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        !users.is_empty(),
        "the generated node has NICs on vlan10: {ports}"
    );
    let (s, e) = a.call(Method::DELETE, &format!("{pgs}/vlan10"), None).await;
    assert_eq!(error_code(s, &e, StatusCode::CONFLICT), "portgroup_in_use");
    let mut reported: Vec<String> = serde_json::from_value(e["details"]["users"].clone()).unwrap();
    users.sort();
    reported.sort();
    assert_eq!(reported, users);
    assert!(
        portgroups(&a, &host, "ovs-net")
            .await
            .iter()
            .any(|p| p["name"] == "vlan10")
    );
    let (s, _) = a
        .call(Method::DELETE, &format!("{pgs}/vlan10?force=true"), None)
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = a.call(Method::DELETE, &format!("{pgs}/vlan40"), None).await;
    assert_eq!(s, StatusCode::OK);
    let left: Vec<Value> = portgroups(&a, &host, "ovs-net")
        .await
        .iter()
        .map(|p| p["name"].clone())
        .collect();
    assert_eq!(left, [json!("trunk"), json!("vlan20"), json!("vlan30")]);
}

#[tokio::test]
async fn bad_portgroup_requests_are_precise_4xx_and_change_nothing() {
    let a = api().await;
    let dir = tempfile::tempdir().unwrap();
    let host = node_host(&a, dir.path(), 10).await;
    let unknown = uuid::Uuid::new_v4();
    let pgs = format!("/api/v1/hosts/{host}/networks/ovs-net/portgroups");
    let before_ovs = portgroups(&a, &host, "ovs-net").await;
    let before_iso = portgroups(&a, &host, "isolated").await;
    let cases: Vec<(Method, String, Option<Value>, StatusCode, &str)> = vec![
        (
            Method::POST,
            pgs.clone(),
            Some(json!({"name": "v", "vlanTags": [4095]})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
        ),
        (
            Method::POST,
            pgs.clone(),
            Some(json!({"name": "v", "vlanTags": [0]})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
        ),
        (
            Method::POST,
            pgs.clone(),
            Some(json!({"name": "v", "trunk": true})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
        ),
        (
            Method::POST,
            pgs.clone(),
            Some(json!({"name": "v", "vlanTags": [5, 6]})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
        ),
        (
            Method::POST,
            pgs.clone(),
            Some(json!({"name": "a b", "vlanTags": [5]})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
        ),
        (
            Method::POST,
            pgs.clone(),
            Some(json!({"name": "", "vlanTags": [5]})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
        ),
        (
            Method::POST,
            pgs.clone(),
            Some(json!({"name": "v", "isDefault": true})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
        ),
        (
            Method::POST,
            pgs.clone(),
            Some(json!({"name": "vlan20", "vlanTags": [20]})),
            StatusCode::CONFLICT,
            "portgroup_name_taken",
        ),
        (
            Method::POST,
            pgs.clone(),
            Some(json!({"name": "v", "vlan": 5})),
            StatusCode::BAD_REQUEST,
            "invalid_json",
        ),
        (
            Method::POST,
            format!("/api/v1/hosts/{host}/networks/isolated/portgroups"),
            Some(json!({"name": "v", "vlanTags": [5]})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
        ),
        (
            Method::POST,
            format!("/api/v1/hosts/{host}/networks/a%3Cb%3E/portgroups"),
            Some(json!({"name": "v"})),
            StatusCode::NOT_FOUND,
            "network_not_found",
        ),
        (
            Method::POST,
            format!("/api/v1/hosts/{unknown}/networks/ovs-net/portgroups"),
            Some(json!({"name": "v"})),
            StatusCode::NOT_FOUND,
            "host_not_found",
        ),
        (
            Method::POST,
            "/api/v1/hosts/nope/networks/ovs-net/portgroups".into(),
            Some(json!({"name": "v"})),
            StatusCode::BAD_REQUEST,
            "invalid_id",
        ),
        (
            Method::PUT,
            format!("{pgs}/vlan20"),
            Some(json!({"name": "vlan21", "vlanTags": [21]})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
        ),
        (
            Method::PUT,
            format!("{pgs}/nosuch"),
            Some(json!({"name": "nosuch"})),
            StatusCode::NOT_FOUND,
            "portgroup_not_found",
        ),
        (
            Method::PUT,
            format!("{pgs}/vlan20"),
            Some(json!({"name": "vlan20", "vlanTags": [4095]})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
        ),
        (
            Method::DELETE,
            format!("{pgs}/nosuch"),
            None,
            StatusCode::NOT_FOUND,
            "portgroup_not_found",
        ),
        (
            Method::DELETE,
            format!("{pgs}/vlan20?force=maybe"),
            None,
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
    ];
    for (method, path, body, status, code) in cases {
        let (s, e) = a.call(method.clone(), &path, body.clone()).await;
        assert_eq!(
            error_code(s, &e, status),
            code,
            "{method} {path} {body:?}: {e}"
        );
    }
    assert_eq!(
        portgroups(&a, &host, "ovs-net").await,
        before_ovs,
        "nothing changed"
    );
    assert_eq!(
        portgroups(&a, &host, "isolated").await,
        before_iso,
        "nothing changed"
    );
}
