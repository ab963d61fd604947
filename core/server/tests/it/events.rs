use crate::Server;
use futures::{SinkExt as _, StreamExt as _};
use serde_json::json;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

const T: Duration = Duration::from_secs(20);

#[tokio::test]
async fn websocket_pushes_typed_host_events() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &["--demo-host", "false"]).await;
    let mut ev = s.events("hosts").await;
    let (_, h) = s
        .post(
            "/api/v1/hosts",
            json!({"name": "ws", "uri": "test:///default"}),
        )
        .await;
    let id = h["id"].as_str().unwrap().to_owned();
    let added = ev
        .wait(T, |e| e["type"] == "hostUpserted" && e["host"]["id"] == id)
        .await;
    assert_eq!(added["host"]["name"], "ws");
    let connected = ev
        .wait(T, |e| {
            e["type"] == "hostState" && e["hostId"] == id && e["state"] == "connected"
        })
        .await;
    assert!(connected["at"].is_string());
    let with_facts = ev
        .wait(T, |e| {
            e["type"] == "hostUpserted" && e["host"]["state"] == "connected"
        })
        .await;
    assert_eq!(with_facts["host"]["facts"]["hypervisorType"], "TEST");
    s.send(
        reqwest::Method::DELETE,
        &format!("/api/v1/hosts/{id}"),
        None,
    )
    .await;
    ev.wait(T, |e| e["type"] == "hostRemoved" && e["hostId"] == id)
        .await;
}

#[tokio::test]
async fn topics_filter_on_the_server_and_unknown_ones_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &["--demo-host", "false"]).await;
    let r = s
        .http
        .get(format!("{}/api/v1/events?topics=bogus", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    let mut witness = s.events("hosts").await;
    let mut filtered = s.events("hosts").await;
    filtered
        .ws
        .send(Message::Text(r#"{"subscribe": []}"#.into()))
        .await
        .unwrap();
    assert!(filtered.sync().await.is_empty());
    let (_, h) = s
        .post(
            "/api/v1/hosts",
            json!({"name": "quiet", "uri": "test:///default"}),
        )
        .await;
    let id = h["id"].as_str().unwrap().to_owned();
    witness
        .wait(T, |e| {
            e["type"] == "hostState" && e["hostId"] == id && e["state"] == "connected"
        })
        .await;
    let leaked = filtered.sync().await;
    assert!(leaked.is_empty(), "unsubscribed client received {leaked:?}");

    filtered
        .ws
        .send(Message::Text(r#"{"subscribe": ["hosts"]}"#.into()))
        .await
        .unwrap();
    filtered.sync().await;
    s.post(&format!("/api/v1/hosts/{id}/actions/disconnect"), json!({}))
        .await;
    filtered
        .wait(T, |e| {
            e["type"] == "hostState" && e["hostId"] == id && e["state"] == "disconnected"
        })
        .await;

    // Anything that is not a subscription message closes the socket with a reason.
    filtered
        .ws
        .send(Message::Text("hello".into()))
        .await
        .unwrap();
    let end = loop {
        match filtered.ws.next().await {
            Some(Ok(Message::Close(f))) => break f,
            Some(Ok(_)) => continue,
            other => panic!("expected a close frame, got {other:?}"),
        }
    };
    assert!(end.unwrap().reason.contains("unknown message"));
}
