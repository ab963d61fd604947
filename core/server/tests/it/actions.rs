//! Power actions and tasks through the real server on libvirt's test driver.

use crate::{Events, Server};
use serde_json::{Value, json};
use std::time::Duration;

pub(crate) async fn server_with(uri: &str) -> (tempfile::TempDir, Server, String, Events) {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &["--demo-host", "false"]).await;
    let mut ev = s.events("hosts,inventory,tasks").await;
    let (st, h) = s
        .post("/api/v1/hosts", json!({"name": "demo", "uri": uri}))
        .await;
    assert_eq!(st, 201, "{h}");
    let id = h["id"].as_str().unwrap().to_owned();
    s.wait_host_state(&mut ev, &id, "connected", Duration::from_secs(60))
        .await;
    (dir, s, id, ev)
}

/// Waits until the host's connect sync has stored VMs; returns the discovered list.
pub(crate) async fn discovered(s: &Server, ev: &mut Events, host: &str) -> Vec<Value> {
    let path = format!("/api/v1/discovered-vms?hostId={host}&perPage=500");
    let (_, page) = s.get(&path).await;
    if page["total"].as_u64().unwrap_or(0) > 0 {
        return page["items"].as_array().unwrap().clone();
    }
    let changed = ev
        .wait(Duration::from_secs(120), |e| {
            e["type"] == "inventoryChanged" && e["hostId"] == host
        })
        .await;
    let (_, page) = s.get(&path).await;
    let items = page["items"].as_array().unwrap().clone();
    assert!(
        !items.is_empty(),
        "nothing discovered after {changed}: {page}\n{}",
        crate::log(&s.data)
    );
    items
}

/// Waits for the task to end; returns it.
pub(crate) async fn finished(ev: &mut Events, task: &Value) -> Value {
    let id = task["id"].as_str().unwrap().to_owned();
    let done = ev
        .wait(Duration::from_secs(60), |e| {
            e["type"] == "taskUpdated"
                && e["task"]["id"] == id.as_str()
                && ["succeeded", "failed", "cancelled"]
                    .contains(&e["task"]["state"].as_str().unwrap_or(""))
        })
        .await;
    done["task"].clone()
}

/// Waits until the stored VM has `state`.
pub(crate) async fn vm_state(s: &Server, ev: &mut Events, vm: &str, state: &str) {
    vm_field(s, ev, vm, "state", json!(state)).await;
}

/// Waits until the stored VM's `field` is `want`.
pub(crate) async fn vm_field(s: &Server, ev: &mut Events, vm: &str, field: &str, want: Value) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let (_, v) = s.get(&format!("/api/v1/vms/{vm}")).await;
        if v["vm"][field] == want {
            return;
        }
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        assert!(!left.is_zero(), "VM {vm} never had {field} {want}: {v}");
        ev.wait(left, |e| e["type"] == "inventoryChanged").await;
    }
}

#[tokio::test]
async fn autostart_is_stored_and_follows_the_actions() {
    let (_d, s, host, mut ev) = server_with("test:///default").await;
    let vms = discovered(&s, &mut ev, &host).await;
    let vm = vms[0]["id"].as_str().unwrap().to_owned();
    // (Its value depends on what earlier users of the shared test driver left.)
    assert!(vms[0]["autostart"].is_boolean(), "{}", vms[0]);
    let (st, _) = s.post("/api/v1/vms/import", json!({"vmIds": [vm]})).await;
    assert_eq!(st, 200);
    // libvirt sends no event when autostart changes: the action's own re-read stores it.
    for (action, on) in [("autostartOn", true), ("autostartOff", false)] {
        let (st, task) = s
            .post(&format!("/api/v1/vms/{vm}/actions/{action}"), json!({}))
            .await;
        assert_eq!(st, 202, "{task}");
        let done = finished(&mut ev, &task).await;
        assert_eq!(done["state"], "succeeded", "{done}");
        vm_field(&s, &mut ev, &vm, "autostart", json!(on)).await;
    }
}

#[tokio::test]
async fn power_actions_run_as_tasks_and_refuse_what_the_state_does_not_allow() {
    let (_d, s, host, mut ev) = server_with("test:///default").await;
    let vms = discovered(&s, &mut ev, &host).await;
    let vm = vms[0]["id"].as_str().unwrap().to_owned();
    let act = |a: &str| format!("/api/v1/vms/{vm}/actions/{a}");

    // Clients learn the rules and the host's capabilities from the API.
    let (st, rules) = s.get("/api/v1/power-actions").await;
    assert_eq!(st, 200);
    let start = rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["action"] == "start")
        .unwrap();
    assert_eq!(start["allowedStates"], json!(["shutoff", "crashed"]));
    assert_eq!(
        rules
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["destructive"] == true)
            .count(),
        2
    );
    let (_, h) = s.get(&format!("/api/v1/hosts/{host}")).await;
    assert_eq!(
        h["facts"]["powerActions"].as_array().unwrap().len(),
        9,
        "{h}"
    );

    // Discovered VMs are not acted on until imported.
    let (st, e) = s.post(&act("pause"), json!({})).await;
    assert_eq!(
        (st, e["code"].as_str()),
        (409, Some("action_not_allowed")),
        "{e}"
    );
    assert!(e["message"].as_str().unwrap().contains("import"), "{e}");
    let (st, _) = s.post("/api/v1/vms/import", json!({"vmIds": [vm]})).await;
    assert_eq!(st, 200);

    // The test domain runs: starting it again is refused with the reason.
    let (st, e) = s.post(&act("start"), json!({})).await;
    assert_eq!(st, 409, "{e}");
    assert!(e["message"].as_str().unwrap().contains("running"), "{e}");

    for (action, state) in [
        ("pause", "paused"),
        ("resume", "running"),
        ("shutdown", "shutoff"),
        ("start", "running"),
        ("reboot", "running"),
        ("forceOff", "shutoff"),
        ("autostartOn", "shutoff"),
    ] {
        let r = s
            .http
            .post(format!("{}{}", s.base, act(action)))
            .header("X-Requested-By", "test-suite")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 202, "{action}");
        let task: Value = r.json().await.unwrap();
        assert_eq!(task["kind"], format!("vm.{action}"));
        assert_eq!(task["vmId"], vm.as_str());
        assert!(
            task["requestedBy"]
                .as_str()
                .unwrap()
                .starts_with("test-suite"),
            "{task}"
        );
        let done = finished(&mut ev, &task).await;
        assert_eq!(done["state"], "succeeded", "{action}: {done}");
        assert_eq!(done["progress"], 100);
        assert!(done["startedAt"].is_string() && done["finishedAt"].is_string());
        vm_state(&s, &mut ev, &vm, state).await;
    }

    // History: newest first, filterable, one by id.
    let (st, list) = s.get(&format!("/api/v1/tasks?vmId={vm}")).await;
    assert_eq!(st, 200);
    assert_eq!(list["total"], 7, "{list}");
    assert_eq!(list["items"][0]["kind"], "vm.autostartOn");
    let first = list["items"][6]["id"].as_str().unwrap();
    let (st, t) = s.get(&format!("/api/v1/tasks/{first}")).await;
    assert_eq!((st, t["kind"].as_str()), (200, Some("vm.pause")));
    // An ended task cannot be cancelled.
    let (st, e) = s
        .post(&format!("/api/v1/tasks/{first}/cancel"), json!({}))
        .await;
    assert_eq!(
        (st, e["code"].as_str()),
        (409, Some("action_not_allowed")),
        "{e}"
    );
    let (st, l) = s.get("/api/v1/tasks?state=failed").await;
    assert_eq!((st, l["total"].as_u64()), (200, Some(0)));
}

#[tokio::test]
async fn bad_action_requests_get_precise_errors() {
    let (_d, s, host, mut ev) = server_with("test:///default").await;
    let vm = discovered(&s, &mut ev, &host).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    s.post("/api/v1/vms/import", json!({"vmIds": [vm]})).await;
    let unknown = uuid::Uuid::new_v4();
    for (path, body, status, code) in [
        (
            format!("/api/v1/vms/{vm}/actions/explode"),
            json!({}),
            400,
            "unknown_action",
        ),
        (
            "/api/v1/vms/nope/actions/start".to_string(),
            json!({}),
            400,
            "invalid_id",
        ),
        (
            format!("/api/v1/vms/{unknown}/actions/pause"),
            json!({}),
            404,
            "vm_not_found",
        ),
        (
            format!("/api/v1/vms/{vm}/actions/pause"),
            json!({"forceAfterSecs": 5}),
            422,
            "invalid_request",
        ),
        (
            format!("/api/v1/vms/{vm}/actions/shutdown"),
            json!({"forceAfterSecs": 0}),
            422,
            "invalid_request",
        ),
        (
            format!("/api/v1/vms/{vm}/actions/shutdown"),
            json!({"forceAfterSecs": 3601}),
            422,
            "invalid_request",
        ),
        (
            format!("/api/v1/vms/{vm}/actions/shutdown"),
            json!({"force": true}),
            400,
            "invalid_json",
        ),
        (
            "/api/v1/vms/actions/pause".into(),
            json!({"vmIds": []}),
            422,
            "invalid_request",
        ),
        (
            "/api/v1/vms/actions/pause".into(),
            json!({"vmIds": [unknown]}),
            404,
            "vm_not_found",
        ),
        (
            "/api/v1/vms/actions/<script>".into(),
            json!({"vmIds": [vm]}),
            400,
            "unknown_action",
        ),
    ] {
        let (st, e) = s.post(&path, body).await;
        assert_eq!(
            (st, e["code"].as_str()),
            (status, Some(code)),
            "{path}: {e}"
        );
    }
    let (st, e) = s.get(&format!("/api/v1/tasks/{unknown}")).await;
    assert_eq!((st, e["code"].as_str()), (404, Some("task_not_found")));
    let (st, e) = s
        .post(&format!("/api/v1/tasks/{unknown}/cancel"), json!({}))
        .await;
    assert_eq!((st, e["code"].as_str()), (404, Some("task_not_found")));
    let (st, e) = s.get("/api/v1/tasks?perPage=0").await;
    assert_eq!((st, e["code"].as_str()), (400, Some("invalid_query")));
    // Nothing above created a task.
    let (_, l) = s.get("/api/v1/tasks?includeChildren=true").await;
    assert_eq!(l["total"], 0, "{l}");
    // A disconnected host's VMs cannot be acted on.
    let (st, _) = s
        .post(
            &format!("/api/v1/hosts/{host}/actions/disconnect"),
            json!({}),
        )
        .await;
    assert_eq!(st, 202);
    s.wait_host_state(&mut ev, &host, "disconnected", Duration::from_secs(20))
        .await;
    let (st, e) = s
        .post(&format!("/api/v1/vms/{vm}/actions/pause"), json!({}))
        .await;
    assert_eq!(
        (st, e["code"].as_str()),
        (409, Some("host_not_connected")),
        "{e}"
    );
}

#[tokio::test]
async fn a_bulk_action_on_10000_vms_runs_one_task_per_vm_under_a_parent() {
    let dir = tempfile::tempdir().unwrap();
    let node = xtask::generate(&xtask::NodeSpec {
        domains: 10_000,
        seed: 3,
        ..xtask::NodeSpec::default()
    })
    .unwrap();
    let path = dir.path().join("node.xml");
    std::fs::write(&path, &node.xml).unwrap();
    let (_d, s, host, mut ev) = server_with(&format!("test://{}", path.display())).await;
    discovered(&s, &mut ev, &host).await;
    let (st, r) = s
        .post(
            &format!("/api/v1/hosts/{host}/actions/import-all"),
            json!({}),
        )
        .await;
    assert_eq!(st, 200, "{r}");
    let ids: Vec<Value> = r["done"].as_array().unwrap().clone();
    assert_eq!(ids.len(), 10_000);
    let (_, running) = s
        .get(&format!(
            "/api/v1/vms?hostId={host}&state=running&perPage=1"
        ))
        .await;
    let running = running["total"].as_u64().unwrap();
    assert!(
        running > 1000,
        "the generated node has running VMs: {running}"
    );

    let (st, out) = s
        .post("/api/v1/vms/actions/forceOff", json!({"vmIds": ids}))
        .await;
    assert_eq!(st, 202, "{out}");
    assert_eq!(out["tasks"].as_array().unwrap().len(), 10_000);
    // VMs already off are refused one by one, with the reason, before anything runs.
    let refused: Vec<&Value> = out["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["state"] == "failed")
        .collect();
    assert!(!refused.is_empty());
    assert!(
        refused[0]["error"]
            .as_str()
            .unwrap()
            .contains("cannot forceOff"),
        "{}",
        refused[0]
    );
    let parent = finished(&mut ev, &out["parent"]).await;
    let paused = 10_000 - running as usize - refused.len();
    assert_eq!(parent["state"], "failed", "{parent}");
    assert_eq!(
        parent["error"],
        format!("{} of 10000 failed", refused.len()),
        "running {running}, paused {paused}"
    );
    // Every VM that was running or paused is off now.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let (_, on) = s
            .get(&format!(
                "/api/v1/vms?hostId={host}&state=running&perPage=1"
            ))
            .await;
        if on["total"] == 0 {
            break;
        }
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        assert!(!left.is_zero(), "VMs still running: {on}");
        ev.wait(left, |e| e["type"] == "inventoryChanged").await;
    }
    let (_, kids) = s
        .get(&format!(
            "/api/v1/tasks?parentId={}&state=succeeded&perPage=1",
            parent["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(
        kids["total"].as_u64().unwrap() as usize,
        10_000 - refused.len()
    );
    // 10,001 ids are refused whole.
    let many: Vec<String> = (0..10_001)
        .map(|_| uuid::Uuid::new_v4().to_string())
        .collect();
    let (st, e) = s
        .post("/api/v1/vms/actions/start", json!({"vmIds": many}))
        .await;
    assert_eq!(
        (st, e["code"].as_str()),
        (422, Some("invalid_request")),
        "{e}"
    );
}
