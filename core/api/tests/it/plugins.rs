//! WASM plugins through the API: uploaded, listed beside the built-ins with their state,
//! disabled, enabled, granted, configured, reloaded and removed; bad uploads and requests are
//! precise 4xx that install or change nothing.

use crate::{api, error_code};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::OnceLock;

/// The example plugins, built from source once per test binary.
fn built() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let script =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/build-plugins.sh");
        let out = std::process::Command::new("bash")
            .arg(script)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
    })
}

fn parts(name: &str) -> (String, Vec<u8>) {
    let d = built().join(name);
    (
        std::fs::read_to_string(d.join("plugin.toml")).unwrap(),
        std::fs::read(d.join(format!("{name}.wasm"))).unwrap(),
    )
}

/// A multipart upload with the given parts.
fn upload(parts: &[(&str, &[u8])]) -> Request<Body> {
    let boundary = "virtumancer-test-boundary";
    let mut body = Vec::new();
    for (name, data) in parts {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{name}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Request::post("/api/v1/plugins")
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap()
}

/// Uploads the built example `name` and expects it installed.
async fn install(a: &crate::Api, name: &str) {
    let (manifest, wasm) = parts(name);
    let (s, p) = a
        .raw(upload(&[
            ("manifest", manifest.as_bytes()),
            ("component", &wasm),
        ]))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
}

fn find<'a>(list: &'a Value, kind: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|p| p["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} in {list}"))
}

#[tokio::test]
async fn a_plugin_is_uploaded_listed_managed_and_removed_without_a_restart() {
    let a = api().await;
    let (s, list) = a.get("/api/v1/plugins").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(find(&list, "libvirt")["builtin"], true);
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");

    let (manifest, wasm) = parts("macvtap");
    let (s, p) = a
        .raw(upload(&[
            ("manifest", manifest.as_bytes()),
            ("component", &wasm),
        ]))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let id = "org.virtumancer.example.macvtap";
    assert_eq!(
        (&p["kind"], &p["builtin"], &p["version"]),
        (&json!(id), &json!(false), &json!("0.1.0"))
    );
    let w = &p["wasm"];
    assert_eq!(w["state"], "enabled");
    assert_eq!(w["extensionPoints"], json!(["networkDriver"]));
    assert_eq!(w["nicKinds"], json!(["macvtap"]));
    assert_eq!(
        w["limits"],
        json!({"memoryMib": 64, "callTimeoutMs": 1000, "fuelMillions": 2000})
    );
    let (_, list) = a.get("/api/v1/plugins").await;
    assert_eq!(find(&list, id)["wasm"]["state"], "enabled");

    let a = &a;
    let act = |action: &'static str| async move {
        let path = format!("/api/v1/plugins/{id}/actions/{action}");
        a.call(Method::POST, &path, None).await
    };
    let (s, p) = act("disable").await;
    assert_eq!(
        (s, &p["wasm"]["state"]),
        (StatusCode::OK, &json!("disabled")),
        "{p}"
    );
    let (s, p) = act("enable").await;
    assert_eq!(
        (s, &p["wasm"]["state"]),
        (StatusCode::OK, &json!("enabled"))
    );
    let (s, p) = act("reload").await;
    assert_eq!(
        (s, &p["wasm"]["state"]),
        (StatusCode::OK, &json!("enabled")),
        "{p}"
    );
    assert_eq!(
        p["wasm"]["fromCache"], true,
        "a reload reads the compiled component from the cache"
    );
    let (s, p) = a
        .call(
            Method::PUT,
            &format!("/api/v1/plugins/{id}/config"),
            Some(json!({"note": "x"})),
        )
        .await;
    assert_eq!(
        (s, &p["wasm"]["config"]),
        (StatusCode::OK, &json!({"note": "x"})),
        "{p}"
    );

    // The hostile fixture asks for `kv`: granted and revoked.
    install(a, "hostile").await;
    let hostile = "org.virtumancer.test.hostile";
    let grants = format!("/api/v1/plugins/{hostile}/grants");
    let (s, p) = a
        .call(Method::PUT, &grants, Some(json!({"capabilities": ["kv"]})))
        .await;
    assert_eq!(
        (s, &p["wasm"]["granted"]),
        (StatusCode::OK, &json!(["kv"])),
        "{p}"
    );
    let (s, p) = a
        .call(Method::PUT, &grants, Some(json!({"capabilities": []})))
        .await;
    assert_eq!((s, &p["wasm"]["granted"]), (StatusCode::OK, &json!([])));

    let (s, _) = a
        .call(Method::DELETE, &format!("/api/v1/plugins/{id}"), None)
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, list) = a.get("/api/v1/plugins").await;
    let kinds: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["libvirt", hostile]);
}

#[tokio::test]
async fn bad_uploads_and_requests_are_precise_4xx_and_change_nothing() {
    let a = api().await;
    let (manifest, wasm) = parts("macvtap");
    let id = "org.virtumancer.example.macvtap";
    let cases: Vec<(Request<Body>, StatusCode, &str)> = vec![
        (
            upload(&[("manifest", manifest.as_bytes())]),
            StatusCode::BAD_REQUEST,
            "invalid_json",
        ),
        (
            upload(&[
                ("manifest", manifest.as_bytes()),
                ("component", &wasm),
                ("extra", b"x"),
            ]),
            StatusCode::BAD_REQUEST,
            "invalid_json",
        ),
        (
            upload(&[
                (
                    "manifest",
                    format!("{manifest}\nsandbox = false\n").as_bytes(),
                ),
                ("component", &wasm),
            ]),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_plugin",
        ),
        (
            upload(&[
                (
                    "manifest",
                    manifest
                        .replace("version = \"0.1.0\"\napi", "version = \"0.1.1\"\napi")
                        .as_bytes(),
                ),
                ("component", &wasm),
            ]),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_plugin",
        ),
        (
            upload(&[
                ("manifest", manifest.as_bytes()),
                ("component", b"\0asm\x01\0\0\0"),
            ]),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_plugin",
        ),
        (
            upload(&[
                (
                    "manifest",
                    manifest
                        .replace("org.virtumancer.example.macvtap", "libvirt")
                        .as_bytes(),
                ),
                ("component", &wasm),
            ]),
            StatusCode::CONFLICT,
            "action_not_allowed",
        ),
        (
            Request::post("/api/v1/plugins")
                .header("content-type", "application/json")
                .body(Body::from("{}"))
                .unwrap(),
            StatusCode::BAD_REQUEST,
            "invalid_json",
        ),
        (
            upload(&[
                ("manifest", manifest.as_bytes()),
                ("component", &vec![0u8; 65 * 1024 * 1024]),
            ]),
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
    ];
    for (req, status, code) in cases {
        let (s, e) = a.raw(req).await;
        assert_eq!(error_code(s, &e, status), code, "{e}");
    }
    let (_, list) = a.get("/api/v1/plugins").await;
    assert_eq!(
        list.as_array().unwrap().len(),
        1,
        "nothing installed: {list}"
    );

    let (s, _) = a
        .raw(upload(&[
            ("manifest", manifest.as_bytes()),
            ("component", &wasm),
        ]))
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, e) = a
        .raw(upload(&[
            ("manifest", manifest.as_bytes()),
            ("component", &wasm),
        ]))
        .await;
    assert_eq!(error_code(s, &e, StatusCode::CONFLICT), "plugin_exists");
    for (method, path, body, status, code) in [
        (
            Method::POST,
            format!("/api/v1/plugins/{id}/actions/explode"),
            None,
            StatusCode::BAD_REQUEST,
            "unknown_action",
        ),
        (
            Method::POST,
            "/api/v1/plugins/nope/actions/enable".into(),
            None,
            StatusCode::NOT_FOUND,
            "plugin_not_found",
        ),
        (
            Method::POST,
            "/api/v1/plugins/libvirt/actions/disable".into(),
            None,
            StatusCode::CONFLICT,
            "action_not_allowed",
        ),
        (
            Method::DELETE,
            "/api/v1/plugins/libvirt".into(),
            None,
            StatusCode::CONFLICT,
            "action_not_allowed",
        ),
        (
            Method::DELETE,
            "/api/v1/plugins/..%2Fetc".into(),
            None,
            StatusCode::NOT_FOUND,
            "plugin_not_found",
        ),
        (
            Method::PUT,
            format!("/api/v1/plugins/{id}/grants"),
            Some(json!({"capabilities": ["kv"]})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
        ),
        (
            Method::PUT,
            format!("/api/v1/plugins/{id}/grants"),
            Some(json!({"capabilities": ["net"]})),
            StatusCode::BAD_REQUEST,
            "invalid_json",
        ),
        (
            Method::PUT,
            format!("/api/v1/plugins/{id}/grants"),
            Some(json!({"caps": []})),
            StatusCode::BAD_REQUEST,
            "invalid_json",
        ),
    ] {
        let (s, e) = a.call(method.clone(), &path, body).await;
        assert_eq!(error_code(s, &e, status), code, "{method} {path}: {e}");
    }
    let (_, list) = a.get("/api/v1/plugins").await;
    let p = find(&list, id);
    assert_eq!(
        (&p["wasm"]["state"], &p["wasm"]["granted"]),
        (&json!("enabled"), &json!([]))
    );
}

#[tokio::test]
async fn a_policy_plugin_refuses_a_nic_change_with_its_violation_until_disabled() {
    let a = api().await;
    let host = a.synced_host("plain", "test:///default").await;
    let (_, found) = a
        .get(&format!("/api/v1/discovered-vms?hostId={host}"))
        .await;
    let vm = found["items"][0]["id"].as_str().unwrap().to_owned();
    let (s, _) = a.post("/api/v1/vms/import", json!({"vmIds": [vm]})).await;
    assert_eq!(s, StatusCode::OK);

    install(&a, "policy").await;
    let id = "org.virtumancer.example.policy";
    let (s, p) = a
        .call(
            Method::PUT,
            &format!("/api/v1/plugins/{id}/config"),
            Some(json!({"networkPrefix": "def"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(
        p["wasm"]["configSchema"]["properties"]["networkPrefix"]["default"],
        "prod"
    );

    let nics = format!("/api/v1/vms/{vm}/nics");
    let (s, e) = a.post(&nics, json!({"network": "default"})).await;
    assert_eq!(
        error_code(s, &e, StatusCode::UNPROCESSABLE_ENTITY),
        "policy_violation"
    );
    assert_eq!(
        e["details"]["violations"],
        json!([{"plugin": id, "field": "nic.portgroup",
            "message": "NICs on the protected network 'default' must name a VLAN portgroup"}])
    );
    let (_, tasks) = a.get("/api/v1/tasks").await;
    assert_eq!(tasks["total"], 0, "a refused change makes no task");

    let (s, _) = a
        .call(
            Method::POST,
            &format!("/api/v1/plugins/{id}/actions/disable"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, task) = a.post(&nics, json!({"network": "default"})).await;
    assert_eq!(
        (s, &task["kind"]),
        (StatusCode::ACCEPTED, &json!("vm.nic.attach")),
        "{task}"
    );
}

#[tokio::test]
async fn a_plugins_nic_kind_is_offered_checked_rendered_and_recognized_in_the_inventory() {
    let a = api().await;
    let dir = tempfile::tempdir().unwrap();
    let host = crate::networks::node_host(&a, dir.path(), 60).await;
    let (_, kinds) = a.get("/api/v1/nic-kinds").await;
    assert_eq!(kinds["items"], json!([]), "no plugin, no kinds");

    // A VM of the generated node with a macvtap NIC: shown raw before the plugin is there.
    let (_, ports) = a
        .get(&format!("/api/v1/ports?hostId={host}&perPage=500"))
        .await;
    let direct = ports["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["kind"] == "direct" && p["sourceDev"] == "eth0")
        .expect("the node has a direct NIC")
        .clone();
    let vm = direct["vmId"].as_str().unwrap();
    let nic_of = |detail: &Value| {
        detail["nics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["mac"] == direct["mac"])
            .cloned()
            .unwrap()
    };
    let (_, before) = a.get(&format!("/api/v1/vms/{vm}")).await;
    assert!(
        nic_of(&before).get("pluginKind").is_none(),
        "{}",
        nic_of(&before)
    );

    install(&a, "macvtap").await;
    let id = "org.virtumancer.example.macvtap";
    let (_, kinds) = a.get("/api/v1/nic-kinds").await;
    let k = &kinds["items"][0];
    assert_eq!((&k["name"], &k["plugin"]), (&json!("macvtap"), &json!(id)));
    assert_eq!(k["paramsSchema"]["required"], json!(["dev"]));
    let (_, after) = a.get(&format!("/api/v1/vms/{vm}")).await;
    assert_eq!(
        nic_of(&after)["pluginKind"],
        json!({"kind": "macvtap", "plugin": id, "params": {"dev": "eth0", "mode": "bridge"}})
    );

    // Adding one: the plugin checks the params before a task exists; a good one becomes a
    // task whose host is handed the plugin's <interface> (the test driver cannot hot-plug,
    // so the task fails with libvirt's reason).
    let (s, _) = a.post("/api/v1/vms/import", json!({"vmIds": [vm]})).await;
    assert_eq!(s, StatusCode::OK);
    let nics = format!("/api/v1/vms/{vm}/nics");
    for (body, why) in [
        (
            json!({"kind": "macvtap", "params": {"dev": "eth0'/><x"}}),
            "not a host interface name",
        ),
        (
            json!({"kind": "macvtap", "params": {"dev": "eth0", "mode": "loud"}}),
            "mode: 'loud'",
        ),
        (
            json!({"kind": "macvtap"}),
            "dev: the host device is required",
        ),
        (json!({"kind": "veth", "params": {}}), "no NIC kind 'veth'"),
        (
            json!({"kind": "macvtap", "network": "default"}),
            "one of network, bridge or kind",
        ),
        (
            json!({"network": "default", "params": {"dev": "x"}}),
            "params belong to a NIC kind",
        ),
    ] {
        let (s, e) = a.post(&nics, body.clone()).await;
        assert_eq!(
            error_code(s, &e, StatusCode::UNPROCESSABLE_ENTITY),
            "invalid_request",
            "{body}"
        );
        assert!(
            e["message"].as_str().unwrap().contains(why),
            "{why:?} in {e}"
        );
    }
    let (_, tasks) = a.get("/api/v1/tasks").await;
    assert_eq!(tasks["total"], 0, "refused requests made no task");
    let (s, task) = a
        .post(
            &nics,
            json!({"kind": "macvtap", "params": {"dev": "eth1", "mode": "vepa"}}),
        )
        .await;
    assert_eq!(
        (s, &task["kind"]),
        (StatusCode::ACCEPTED, &json!("vm.nic.attach")),
        "{task}"
    );

    // Disabled, the kind is gone and the NIC shows raw again.
    let (s, _) = a
        .call(
            Method::POST,
            &format!("/api/v1/plugins/{id}/actions/disable"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, kinds) = a.get("/api/v1/nic-kinds").await;
    assert_eq!(kinds["items"], json!([]));
    let (_, later) = a.get(&format!("/api/v1/vms/{vm}")).await;
    assert!(nic_of(&later).get("pluginKind").is_none());
}

#[tokio::test]
async fn a_hostile_plugin_fails_only_its_own_requests_and_is_then_left_alone() {
    let a = api().await;
    let host = a.synced_host("plain", "test:///default").await;
    let (_, found) = a
        .get(&format!("/api/v1/discovered-vms?hostId={host}"))
        .await;
    let vm = found["items"][0]["id"].as_str().unwrap().to_owned();
    a.post("/api/v1/vms/import", json!({"vmIds": [vm]})).await;
    install(&a, "hostile").await;
    let nics = format!("/api/v1/vms/{vm}/nics");
    let hostile = |what: &str| json!({"kind": "hostile", "params": {"do": what}});

    // While an endless loop runs to its 500 ms deadline, other requests are answered.
    let looping = a.post(&nics, hostile("loop"));
    let others = async {
        let mut answered = 0;
        for _ in 0..20 {
            let (s, _) = a.get("/api/v1/health").await;
            assert_eq!(s, StatusCode::OK);
            let (s, _) = a.get(&format!("/api/v1/vms/{vm}")).await;
            assert_eq!(s, StatusCode::OK);
            answered += 1;
        }
        answered
    };
    let ((s, e), answered) = tokio::join!(looping, others);
    assert_eq!(
        error_code(s, &e, StatusCode::UNPROCESSABLE_ENTITY),
        "invalid_request"
    );
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("stopped after 500 ms"),
        "{e}"
    );
    assert_eq!(answered, 20);

    for (what, why) in [("alloc", "more than its 32 MiB"), ("trap", "crashed")] {
        let (s, e) = a.post(&nics, hostile(what)).await;
        assert_eq!(
            error_code(s, &e, StatusCode::UNPROCESSABLE_ENTITY),
            "invalid_request"
        );
        assert!(
            e["message"].as_str().unwrap().contains(why),
            "{why:?} in {e}"
        );
    }
    // Three faults in a row: unhealthy, not called, its kind gone.
    let (_, list) = a.get("/api/v1/plugins").await;
    let w = &find(&list, "org.virtumancer.test.hostile")["wasm"];
    assert_eq!(
        (&w["state"], &w["faults"]),
        (&json!("unhealthy"), &json!(3)),
        "{w}"
    );
    let (_, kinds) = a.get("/api/v1/nic-kinds").await;
    assert_eq!(kinds["items"], json!([]));
    let (s, e) = a.post(&nics, hostile("nothing")).await;
    assert_eq!(
        error_code(s, &e, StatusCode::UNPROCESSABLE_ENTITY),
        "invalid_request"
    );
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("no NIC kind 'hostile'"),
        "{e}"
    );
    let (_, tasks) = a.get("/api/v1/tasks").await;
    assert_eq!(tasks["total"], 0, "nothing reached the host");
}

#[tokio::test]
async fn host_hooks_plugins_hear_server_events_and_may_read_the_inventory() {
    let a = api().await;
    install(&a, "hostile").await;
    let id = "org.virtumancer.test.hostile";
    let (s, _) = a
        .call(
            Method::PUT,
            &format!("/api/v1/plugins/{id}/grants"),
            Some(json!({"capabilities": ["kv"]})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    // Adding a host makes host and inventory events; the plugin notes the last one it heard.
    let host = a.synced_host("plain", "test:///default").await;
    let kv = a.dir().join("kv").join(format!("{id}.json"));
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    let heard = loop {
        if let Ok(text) = std::fs::read_to_string(&kv) {
            let pairs: Value = serde_json::from_str(&text).unwrap();
            if let Some(kind) = pairs["last-event"].as_str() {
                break kind.to_owned();
            }
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no event reached the plugin"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert!(
        ["hostUpserted", "hostState", "inventoryChanged"].contains(&heard.as_str()),
        "{heard}"
    );

    // What `inventory-read` answers: the REST API's shapes, from the store.
    let inv = virtumancer_api::StoreInventory::new(std::sync::Arc::clone(a.fleet.store()));
    let vm = {
        let (_, found) = a
            .get(&format!("/api/v1/discovered-vms?hostId={host}"))
            .await;
        found["items"][0]["id"].as_str().unwrap().to_owned()
    };
    let (nets, one, bad) = tokio::task::spawn_blocking(move || {
        use virtumancer_plugin_host::InventoryBackend as _;
        (
            inv.list_networks(&host),
            inv.get_vm(&vm),
            inv.get_vm("nope"),
        )
    })
    .await
    .unwrap();
    let nets: Value = serde_json::from_str(&nets.unwrap()).unwrap();
    assert_eq!(nets["items"][0]["name"], "default");
    let one: Value = serde_json::from_str(&one.unwrap()).unwrap();
    assert_eq!(one["vm"]["name"], "test");
    assert_eq!(bad.unwrap_err(), "'nope' is not a VM id");
}

#[tokio::test]
async fn a_plugins_network_kind_is_created_on_a_host_and_recognized_in_the_list() {
    let a = api().await;
    let host = a.synced_host("plain", "test:///default").await;
    let nets = format!("/api/v1/hosts/{host}/networks");
    let mvt = json!({"name": "mvt", "kind": "plugin", "pluginKind": "macvtap",
        "params": {"dev": "eth1", "mode": "vepa"}, "autostart": false});
    let (s, e) = a.post(&nets, mvt.clone()).await;
    assert_eq!(
        error_code(s, &e, StatusCode::UNPROCESSABLE_ENTITY),
        "invalid_request"
    );
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("no network kind 'macvtap'"),
        "{e}"
    );

    install(&a, "macvtap").await;
    let (_, kinds) = a.get("/api/v1/network-kinds").await;
    assert_eq!(kinds["items"][0]["name"], "macvtap", "{kinds}");
    for (body, why) in [
        (
            json!({"name": "m2", "kind": "plugin", "pluginKind": "macvtap", "params": {"dev": "a b"}}),
            "not a host interface name",
        ),
        (
            json!({"name": "m2", "kind": "plugin", "pluginKind": "macvtap", "params": {"dev": "eth1", "mode": "x"}}),
            "mode: 'x'",
        ),
        (json!({"name": "m2", "kind": "plugin"}), "names its kind"),
        (
            json!({"name": "m2", "kind": "plugin", "pluginKind": "macvtap", "bridge": "br0"}),
            "leave out bridge",
        ),
        (
            json!({"name": "m2", "kind": "nat", "pluginKind": "macvtap"}),
            "belong to networks of kind plugin",
        ),
        (
            json!({"name": "a<b", "kind": "plugin", "pluginKind": "macvtap", "params": {"dev": "eth1"}}),
            "network name",
        ),
    ] {
        let (s, e) = a.post(&nets, body.clone()).await;
        assert_eq!(
            error_code(s, &e, StatusCode::UNPROCESSABLE_ENTITY),
            "invalid_request",
            "{body}"
        );
        assert!(
            e["message"].as_str().unwrap().contains(why),
            "{why:?} in {e}"
        );
    }
    let (s, n) = a.post(&nets, mvt.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{n}");
    assert_eq!(
        (&n["forwardMode"], &n["active"]),
        (&json!("vepa"), &json!(true)),
        "{n}"
    );
    let (s, e) = a.post(&nets, mvt).await;
    assert_eq!(
        error_code(s, &e, StatusCode::CONFLICT),
        "network_name_taken"
    );

    let (_, list) = a.get(&format!("/api/v1/networks?hostId={host}")).await;
    let items = list["items"].as_array().unwrap();
    let mine = items.iter().find(|n| n["name"] == "mvt").unwrap();
    assert_eq!(
        mine["pluginKind"],
        json!({"kind": "macvtap", "plugin": "org.virtumancer.example.macvtap", "params": {"mode": "vepa"}})
    );
    let default = items.iter().find(|n| n["name"] == "default").unwrap();
    assert!(
        default.get("pluginKind").is_none(),
        "a NAT network is not macvtap: {default}"
    );
}
