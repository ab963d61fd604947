//! The host lifecycle through the API on libvirt's test driver.

use crate::{api, error_code};
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;

async fn wait_for_state(a: &crate::Api, id: &str, state: &str) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let mut rx = a.fleet.bus().subscribe();
    loop {
        let (_, h) = a.get(&format!("/api/v1/hosts/{id}")).await;
        if h["state"] == state {
            return h;
        }
        // Wait for the next event instead of sleeping.
        assert!(
            tokio::time::timeout_at(deadline, rx.recv()).await.is_ok(),
            "host never reached {state}: {h}"
        );
    }
}

#[tokio::test]
async fn add_list_get_rename_disconnect_connect_delete() {
    let a = api().await;
    let (s, h) = a
        .post(
            "/api/v1/hosts",
            json!({"name": "<lab & co> 主机", "uri": "test:///default"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{h}");
    let id = h["id"].as_str().unwrap().to_owned();
    assert_eq!(h["name"], "<lab & co> 主机");
    assert_eq!(h["autoConnect"], true);

    let h = wait_for_state(&a, &id, "connected").await;
    assert_eq!(h["facts"]["hypervisorType"], "TEST");
    assert_eq!(h["facts"]["cpuCount"], 16);
    assert_eq!(h["facts"]["kvmAvailable"], false);
    assert!(h["lastConnectedAt"].is_string());

    let (s, list) = a.get("/api/v1/hosts").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 1);

    let (s, dup) = a
        .post(
            "/api/v1/hosts",
            json!({"name": "<LAB & CO> 主机", "uri": "qemu:///session"}),
        )
        .await;
    assert_eq!(error_code(s, &dup, StatusCode::CONFLICT), "host_name_taken");
    let (s, dup) = a
        .post(
            "/api/v1/hosts",
            json!({"name": "other", "uri": "test:///default"}),
        )
        .await;
    assert_eq!(error_code(s, &dup, StatusCode::CONFLICT), "host_uri_taken");

    let (s, r) = a
        .call(
            Method::PATCH,
            &format!("/api/v1/hosts/{id}"),
            Some(json!({"name": "renamed"})),
        )
        .await;
    assert_eq!((s, r["name"].as_str()), (StatusCode::OK, Some("renamed")));
    let (s, r) = a
        .call(
            Method::PATCH,
            &format!("/api/v1/hosts/{id}"),
            Some(json!({"name": ""})),
        )
        .await;
    assert_eq!(
        error_code(s, &r, StatusCode::UNPROCESSABLE_ENTITY),
        "invalid_name"
    );
    assert_eq!(
        a.get(&format!("/api/v1/hosts/{id}")).await.1["name"],
        "renamed"
    );

    let (s, r) = a
        .post(&format!("/api/v1/hosts/{id}/actions/disconnect"), json!({}))
        .await;
    assert_eq!(
        (s, &r["autoConnect"]),
        (StatusCode::ACCEPTED, &json!(false))
    );
    wait_for_state(&a, &id, "disconnected").await;
    let (s, _) = a
        .post(&format!("/api/v1/hosts/{id}/actions/connect"), json!({}))
        .await;
    assert_eq!(s, StatusCode::ACCEPTED);
    wait_for_state(&a, &id, "connected").await;

    let (s, _) = a
        .call(Method::DELETE, &format!("/api/v1/hosts/{id}"), None)
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, b) = a.get(&format!("/api/v1/hosts/{id}")).await;
    assert_eq!(error_code(s, &b, StatusCode::NOT_FOUND), "host_not_found");
}

#[tokio::test]
async fn test_endpoint_returns_facts_without_saving() {
    let a = api().await;
    let (s, t) = a
        .post("/api/v1/hosts/test", json!({"uri": "test:///default"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{t}");
    assert_eq!(t["facts"]["hypervisorType"], "TEST");
    assert_eq!(t["hostKey"], Value::Null);
    assert_eq!(a.get("/api/v1/hosts").await.1, json!([]));
}

#[tokio::test]
async fn plugins_and_health() {
    let a = api().await;
    let (s, p) = a.get("/api/v1/plugins").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(p[0]["kind"], "libvirt");
    assert_eq!(p[0]["provides"], json!(["hostConnection"]));
    assert_eq!(p[0]["builtin"], true);
    let (s, h) = a.get("/api/v1/health").await;
    assert_eq!(
        (s, &h["status"], &h["database"]),
        (StatusCode::OK, &json!("ok"), &json!("ok"))
    );
    assert_eq!(h["hosts"]["total"], 0);
}

#[tokio::test]
async fn openapi_and_swagger_are_served_without_a_cdn() {
    let a = api().await;
    let (s, doc) = a.get("/api/openapi.json").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    let (s, page) = a.get("/api/docs/").await;
    assert_eq!(s, StatusCode::OK);
    let html = page.as_str().unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(
        !html.contains("cdn.") && !html.contains("unpkg") && !html.contains("jsdelivr"),
        "Swagger UI must not load from a CDN"
    );
    let (s, _) = a.get("/api/docs/swagger-ui-bundle.js").await;
    assert_eq!(s, StatusCode::OK);
}
