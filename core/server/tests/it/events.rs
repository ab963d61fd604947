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

#[tokio::test]
async fn clients_can_follow_one_host_or_one_vm() {
    let dir = tempfile::tempdir().unwrap();
    let node = xtask::generate(&xtask::NodeSpec {
        domains: 5,
        seed: 9,
        ..xtask::NodeSpec::default()
    })
    .unwrap();
    let path = dir.path().join("node.xml");
    std::fs::write(&path, &node.xml).unwrap();
    let s = crate::Server::start(dir.path(), &["--demo-host", "false"]).await;
    let mut all = s.events("hosts,stats").await;
    let mut ids = Vec::new();
    for (name, uri) in [
        ("one", "test:///default".to_owned()),
        ("two", format!("test://{}", path.display())),
    ] {
        let (st, h) = s
            .post(
                "/api/v1/hosts",
                serde_json::json!({"name": name, "uri": uri}),
            )
            .await;
        assert_eq!(st, 201, "{h}");
        ids.push(h["id"].as_str().unwrap().to_owned());
    }
    // Stats of both hosts flow to the unfiltered client; learn one VM of host two.
    let two = all
        .wait(Duration::from_secs(30), |e| {
            e["type"] == "stats"
                && e["host"]["hostId"] == ids[1].as_str()
                && e["vms"].as_array().unwrap().len() >= 2
        })
        .await;
    let vm = two["vms"][0]["vmId"].as_str().unwrap().to_owned();

    let mut only_two = s
        .events(&format!("stats,hosts&hostIds={}&vmIds={vm}", ids[1]))
        .await;
    for _ in 0..3 {
        let e = only_two
            .wait(Duration::from_secs(30), |e| e["type"] == "stats")
            .await;
        assert_eq!(e["host"]["hostId"], ids[1].as_str(), "{e}");
        let vms = e["vms"].as_array().unwrap();
        assert!(vms.iter().all(|v| v["vmId"] == vm.as_str()), "{e}");
    }
    // A host event of host one never reaches it; one of host two does.
    for id in &ids {
        let (st, _) = s
            .post(
                &format!("/api/v1/hosts/{id}/actions/disconnect"),
                serde_json::json!({}),
            )
            .await;
        assert_eq!(st, 202);
    }
    let e = only_two
        .wait(Duration::from_secs(20), |e| e["type"] == "hostState")
        .await;
    assert_eq!(e["hostId"], ids[1].as_str());
    let seen = only_two.sync().await;
    assert!(
        seen.iter()
            .all(|e| e["hostId"] != ids[0].as_str() && e["host"]["id"] != ids[0].as_str()),
        "{seen:?}"
    );
    // A malformed id in the filter is refused before the upgrade.
    let url = format!(
        "{}/api/v1/events?topics=stats&hostIds=nope",
        s.base.replace("http://", "ws://")
    );
    match tokio_tungstenite::connect_async(url).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => {
            assert_eq!(r.status().as_u16(), 400);
            let body =
                String::from_utf8_lossy(r.body().as_deref().unwrap_or_default()).into_owned();
            assert!(body.contains("invalid_query"), "{body}");
        }
        other => panic!("expected a 400, got {other:?}"),
    }
}
