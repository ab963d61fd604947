//! Bad input: precise 4xx answers in one shape, and nothing written.

use crate::{api, error_code};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::json;

#[tokio::test]
async fn invalid_bodies_are_rejected_precisely_and_write_nothing() {
    let a = api().await;
    let cases = [
        (
            json!({"name": "", "uri": "test:///default"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_name",
        ),
        (
            json!({"name": "x".repeat(300), "uri": "test:///default"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_name",
        ),
        (
            json!({"name": "a\u{0}b", "uri": "test:///default"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_name",
        ),
        (
            json!({"name": "a", "uri": "foo://bar"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unsupported_uri_scheme",
        ),
        (
            json!({"name": "a", "uri": "not a uri"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_uri",
        ),
        (
            json!({"name": "a", "uri": "qemu+ssh:///system"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_uri",
        ),
        (
            json!({"name": "a", "uri": "qemu+ssh://h/system?no_verify=1"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_uri",
        ),
        (
            json!({"name": "a", "uri": "test:///default", "keyFile": "/root/.ssh/id"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_key_file",
        ),
        (
            json!({"name": "a", "uri": "qemu+ssh://root@127.0.0.1:1/system", "keyFile": "/no/such/key"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_key_file",
        ),
        (
            json!({"name": "a", "uri": "qemu+ssh://root@127.0.0.1:1/system"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "host_unreachable",
        ),
        (
            json!({"name": "a"}),
            StatusCode::BAD_REQUEST,
            "invalid_json",
        ),
        (
            json!({"name": 5, "uri": "test:///default"}),
            StatusCode::BAD_REQUEST,
            "invalid_json",
        ),
        (
            json!({"name": "a", "uri": "test:///default", "colour": "red"}),
            StatusCode::BAD_REQUEST,
            "invalid_json",
        ),
        (json!([1, 2]), StatusCode::BAD_REQUEST, "invalid_json"),
    ];
    for (body, status, code) in cases {
        let (s, b) = a.post("/api/v1/hosts", body.clone()).await;
        assert_eq!(error_code(s, &b, status), code, "{body}");
    }
    let (_, hosts) = a.get("/api/v1/hosts").await;
    assert_eq!(hosts, json!([]), "nothing may be half-written");
}

#[tokio::test]
async fn malformed_json_oversized_bodies_and_wrong_media_types() {
    let a = api().await;
    let post = |body: Body, ct: &str| {
        Request::builder()
            .method(Method::POST)
            .uri("/api/v1/hosts")
            .header("content-type", ct)
            .body(body)
            .unwrap()
    };
    let (s, b) = a
        .raw(post(Body::from("{\"name\": "), "application/json"))
        .await;
    assert_eq!(error_code(s, &b, StatusCode::BAD_REQUEST), "invalid_json");

    let huge = format!(
        "{{\"name\":\"a\",\"uri\":\"test:///default\",\"keyFile\":\"/{}\"}}",
        "k".repeat(2_000_000)
    );
    let (s, b) = a.raw(post(Body::from(huge), "application/json")).await;
    assert_eq!(
        error_code(s, &b, StatusCode::PAYLOAD_TOO_LARGE),
        "payload_too_large"
    );

    let (s, b) = a
        .raw(post(
            Body::from("name=a"),
            "application/x-www-form-urlencoded",
        ))
        .await;
    assert_eq!(
        error_code(s, &b, StatusCode::UNSUPPORTED_MEDIA_TYPE),
        "unsupported_media_type"
    );
    assert_eq!(a.get("/api/v1/hosts").await.1, json!([]));
}

#[tokio::test]
async fn unknown_and_malformed_ids() {
    let a = api().await;
    let unknown = "00000000-0000-4000-8000-000000000000";
    for (m, path) in [
        (Method::GET, format!("/api/v1/hosts/{unknown}")),
        (Method::DELETE, format!("/api/v1/hosts/{unknown}")),
        (
            Method::POST,
            format!("/api/v1/hosts/{unknown}/actions/connect"),
        ),
        (
            Method::POST,
            format!("/api/v1/hosts/{unknown}/actions/disconnect"),
        ),
    ] {
        let (s, b) = a.call(m.clone(), &path, None).await;
        assert_eq!(
            error_code(s, &b, StatusCode::NOT_FOUND),
            "host_not_found",
            "{m} {path}"
        );
    }
    let (s, b) = a
        .call(
            Method::PATCH,
            &format!("/api/v1/hosts/{unknown}"),
            Some(json!({"name": "x"})),
        )
        .await;
    assert_eq!(error_code(s, &b, StatusCode::NOT_FOUND), "host_not_found");
    let (s, b) = a.get("/api/v1/hosts/not-a-uuid").await;
    assert_eq!(error_code(s, &b, StatusCode::BAD_REQUEST), "invalid_id");
    let (s, b) = a.call(Method::PUT, "/api/v1/hosts", None).await;
    assert_eq!(
        error_code(s, &b, StatusCode::METHOD_NOT_ALLOWED),
        "method_not_allowed"
    );
    let (s, b) = a.get("/api/v1/nothing-here").await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{b}");
}

#[tokio::test]
async fn test_endpoint_reports_connection_failures_as_4xx() {
    let a = api().await;
    let (s, b) = a
        .post(
            "/api/v1/hosts/test",
            json!({"uri": "qemu+tcp://127.0.0.1:1/system"}),
        )
        .await;
    assert_eq!(
        error_code(s, &b, StatusCode::UNPROCESSABLE_ENTITY),
        "host_unreachable"
    );
    assert!(b["message"].as_str().unwrap().contains("127.0.0.1"), "{b}");
    let (s, b) = a
        .post(
            "/api/v1/hosts/test",
            json!({"uri": "test:///no/such/node.xml"}),
        )
        .await;
    assert_eq!(
        error_code(s, &b, StatusCode::UNPROCESSABLE_ENTITY),
        "connection_failed"
    );
    let (s, b) = a
        .post("/api/v1/hosts/test", json!({"uri": "xen:///"}))
        .await;
    assert_eq!(
        error_code(s, &b, StatusCode::UNPROCESSABLE_ENTITY),
        "unsupported_uri_scheme"
    );
}
