use crate::Server;
use reqwest::Method;
use serde_json::json;
use std::time::Duration;

const T: Duration = Duration::from_secs(20);

#[tokio::test]
async fn first_start_seeds_a_connected_demo_host_and_serves_ui_and_api_on_one_port() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]).await;
    assert!(
        dir.path().join("virtumancer.db").exists(),
        "SQLite database in the data dir"
    );
    let (_, hosts) = s.get("/api/v1/hosts").await;
    let demo = &hosts[0];
    assert_eq!(
        (demo["name"].as_str(), demo["uri"].as_str()),
        (Some("demo"), Some("test:///default"))
    );
    let mut ev = s.events("hosts").await;
    s.wait_host_state(&mut ev, demo["id"].as_str().unwrap(), "connected", T)
        .await;

    for path in ["/", "/hosts", "/hosts/some-id/deep/link"] {
        let r = s
            .http
            .get(format!("{}{path}", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html"),
            "{path}"
        );
        assert!(
            r.text()
                .await
                .unwrap()
                .to_lowercase()
                .contains("<!doctype html"),
            "{path}"
        );
    }
    let (status, body) = s.get("/api/v1/unknown").await;
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")));
    let (status, doc) = s.get("/api/openapi.json").await;
    assert_eq!((status, doc["openapi"].as_str()), (200, Some("3.1.0")));
}

#[tokio::test]
async fn user_disconnect_and_deletions_survive_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let node = dir.path().join("node.xml");
    std::fs::write(&node, "<node><cpu><mhz>1000</mhz><model>n</model><nodes>1</nodes><sockets>1</sockets><cores>2</cores><threads>1</threads><active>2</active></cpu><memory>2097152</memory></node>").unwrap();
    let (demo_id, node_id);
    {
        let s = Server::start(dir.path(), &[]).await;
        let mut ev = s.events("hosts").await;
        let (_, hosts) = s.get("/api/v1/hosts").await;
        demo_id = hosts[0]["id"].as_str().unwrap().to_owned();
        let (st, h) = s
            .post(
                "/api/v1/hosts",
                json!({"name": "node", "uri": format!("test://{}", node.display())}),
            )
            .await;
        assert_eq!(st, 201, "{h}");
        node_id = h["id"].as_str().unwrap().to_owned();
        s.wait_host_state(&mut ev, &node_id, "connected", T).await;
        s.wait_host_state(&mut ev, &demo_id, "connected", T).await;
        let (st, _) = s
            .post(
                &format!("/api/v1/hosts/{demo_id}/actions/disconnect"),
                json!({}),
            )
            .await;
        assert_eq!(st, 202);
        s.wait_host_state(&mut ev, &demo_id, "disconnected", T)
            .await;
    }
    {
        let s = Server::start(dir.path(), &[]).await;
        let mut ev = s.events("hosts").await;
        s.wait_host_state(&mut ev, &node_id, "connected", T).await;
        let (_, demo) = s.get(&format!("/api/v1/hosts/{demo_id}")).await;
        assert_eq!(
            (demo["state"].as_str(), demo["autoConnect"].as_bool()),
            (Some("disconnected"), Some(false))
        );
        let (st, _) = s
            .send(Method::DELETE, &format!("/api/v1/hosts/{demo_id}"), None)
            .await;
        assert_eq!(st, 204);
    }
    let s = Server::start(dir.path(), &[]).await;
    let (_, hosts) = s.get("/api/v1/hosts").await;
    let names: Vec<_> = hosts
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["node"], "a deleted demo host is not seeded again");
}

#[tokio::test]
async fn demo_host_can_be_switched_off_and_logs_can_be_json() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(
        dir.path(),
        &["--demo-host", "false", "--log-format", "json"],
    )
    .await;
    let (_, hosts) = s.get("/api/v1/hosts").await;
    assert_eq!(hosts, json!([]));
    let (_, health) = s.get("/api/v1/health").await;
    assert_eq!(health["status"], "ok");
    let log = crate::log(&s.data);
    let first = log.lines().next().expect("a log line");
    let parsed: serde_json::Value =
        serde_json::from_str(first).unwrap_or_else(|e| panic!("not JSON ({e}): {first}"));
    assert!(parsed["level"].is_string());
}

#[tokio::test]
async fn sigterm_closes_the_database_and_leaves_no_log_behind() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Server::start(dir.path(), &[]).await;
    let (_, hosts) = s.get("/api/v1/hosts").await;
    let demo = hosts[0]["id"].as_str().unwrap().to_owned();
    let mut ev = s.events("hosts").await;
    // Connected means the demo host's first sync has been committed.
    s.wait_host_state(&mut ev, &demo, "connected", T).await;
    let wal = dir.path().join("virtumancer.db-wal");
    assert!(
        std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0),
        "the server's writes are in the log while it runs"
    );
    let status = std::process::Command::new("kill")
        .args(["-TERM", &s.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = std::time::Instant::now() + T;
    let exit = loop {
        if let Some(exit) = s.child.try_wait().unwrap() {
            break exit;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the server did not exit on SIGTERM; log:\n{}",
            crate::log(dir.path())
        );
        tokio::time::sleep(Duration::from_millis(50)).await; // polling a child with a deadline
    };
    assert!(
        exit.success(),
        "exit {exit:?}; log:\n{}",
        crate::log(dir.path())
    );
    assert!(
        std::fs::metadata(&wal).map_or(true, |m| m.len() == 0),
        "the log is still there after a clean shutdown"
    );
    // Everything is in the database file: a restart finds the demo host (and does not add
    // another).
    drop(s);
    let s = Server::start(dir.path(), &[]).await;
    let (_, hosts) = s.get("/api/v1/hosts").await;
    assert_eq!(hosts.as_array().unwrap().len(), 1);
    assert_eq!(hosts[0]["id"].as_str(), Some(demo.as_str()));
}
