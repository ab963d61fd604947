//! The VM inventory API on libvirt's test driver.

use crate::{api, error_code};
use axum::http::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

/// Adds a test-driver host and waits until its inventory is synced.
async fn synced(a: &crate::Api) -> String {
    a.synced_host("inv <&> host", "test:///default").await
}

#[tokio::test]
async fn discovered_vms_can_be_searched_imported_and_shown_with_hardware() {
    let a = api().await;
    let host = synced(&a).await;
    let (s, d) = a.get("/api/v1/discovered-vms").await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(
        (
            d["total"].as_u64(),
            d["page"].as_u64(),
            d["perPage"].as_u64()
        ),
        (Some(1), Some(1), Some(50))
    );
    let vm = &d["items"][0];
    assert_eq!(
        (
            vm["name"].as_str(),
            vm["managed"].as_bool(),
            vm["hostName"].as_str()
        ),
        (Some("test"), Some(false), Some("inv <&> host"))
    );
    let id = vm["id"].as_str().unwrap().to_owned();

    for (q, n) in [
        ("TES", 1),
        ("nope", 0),
        ("6695eb01", 1),
        ("%", 0),
        ("_est", 0),
    ] {
        let (_, r) = a
            .get(&format!("/api/v1/discovered-vms?q={}", urlencode(q)))
            .await;
        assert_eq!(r["total"].as_u64(), Some(n), "q={q}: {r}");
    }
    let (_, r) = a
        .get(&format!(
            "/api/v1/discovered-vms?hostId={host}&state=running&sort=nameDesc"
        ))
        .await;
    assert_eq!(r["total"], 1);
    let (_, r) = a.get("/api/v1/discovered-vms?state=paused").await;
    assert_eq!(r["total"], 0);

    let (s, detail) = a.get(&format!("/api/v1/vms/{id}")).await;
    assert_eq!(s, StatusCode::OK, "{detail}");
    assert_eq!(detail["disks"][0]["sourcePath"], "/guest/diskimage1");
    assert!(detail["disks"][0]["capacityBytes"].as_u64().is_some());
    assert_eq!(detail["nics"][0]["network"], "default");
    assert_eq!(detail["vm"]["state"], "running");
    assert_eq!(detail["vm"]["goneAt"], Value::Null);

    let (_, managed) = a.get("/api/v1/vms").await;
    assert_eq!(managed["total"], 0);
    let bogus = "00000000-0000-4000-8000-000000000001";
    let (s, r) = a
        .post("/api/v1/vms/import", json!({"vmIds": [id, bogus]}))
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(
        (r["done"].clone(), r["notFound"].clone()),
        (json!([id]), json!([bogus]))
    );
    let (_, managed) = a.get("/api/v1/vms").await;
    assert_eq!(managed["items"][0]["id"], id.as_str());
    let (_, d) = a.get("/api/v1/discovered-vms").await;
    assert_eq!(d["total"], 0);
}

#[tokio::test]
async fn dismiss_hides_import_all_leaves_dismissed_and_undismiss_shows_again() {
    let a = api().await;
    let host = synced(&a).await;
    let import_all = format!("/api/v1/hosts/{host}/actions/import-all");
    // The host's counts follow each step. test:///default's one VM runs with 2 vCPUs and
    // 2 GiB (its balloon; 8 GiB at most), and counts for them whether dismissed or not.
    let counts = |managed: u64, discovered: u64| {
        json!([{"hostId": host, "vms": 1, "running": 1, "shutoff": 0,
                "managed": managed, "discovered": discovered, "active": 1,
                "vcpus": 2, "memoryBytes": 2u64 << 30,
                "activeVcpus": 2, "activeMemoryBytes": 2u64 << 30}])
    };
    assert_eq!(
        a.get("/api/v1/vm-counts").await,
        (StatusCode::OK, counts(0, 1))
    );
    let (_, d) = a.get("/api/v1/discovered-vms").await;
    let id = d["items"][0]["id"].as_str().unwrap().to_owned();
    let (s, r) = a.post("/api/v1/vms/dismiss", json!({"vmIds": [id]})).await;
    assert_eq!((s, r["done"].clone()), (StatusCode::OK, json!([id])));
    assert_eq!(a.get("/api/v1/discovered-vms").await.1["total"], 0);
    assert_eq!(a.get("/api/v1/vm-counts").await.1, counts(0, 0));
    let (_, all) = a.get("/api/v1/discovered-vms?includeDismissed=true").await;
    assert_eq!(
        (
            all["total"].as_u64(),
            all["items"][0]["dismissed"].as_bool()
        ),
        (Some(1), Some(true))
    );

    // The user said no to this one: "import all" leaves it alone.
    let (s, r) = a.post(&import_all, json!({})).await;
    assert_eq!((s, r["done"].clone()), (StatusCode::OK, json!([])));
    assert_eq!(a.get("/api/v1/vms").await.1["total"], 0);

    let bogus = "00000000-0000-4000-8000-000000000001";
    let (s, r) = a
        .post("/api/v1/vms/undismiss", json!({"vmIds": [id, bogus]}))
        .await;
    assert_eq!(
        (s, r["done"].clone(), r["notFound"].clone()),
        (StatusCode::OK, json!([id]), json!([bogus]))
    );
    assert_eq!(a.get("/api/v1/discovered-vms").await.1["total"], 1);
    let (s, r) = a.post(&import_all, json!({})).await;
    assert_eq!((s, r["done"].clone()), (StatusCode::OK, json!([id])));
    let (_, m) = a.get("/api/v1/vms").await;
    assert_eq!(
        (m["total"].as_u64(), m["items"][0]["dismissed"].as_bool()),
        (Some(1), Some(false))
    );
    assert_eq!(a.get("/api/v1/vm-counts").await.1, counts(1, 0));
    let (s, _) = a
        .post(&format!("/api/v1/hosts/{host}/actions/resync"), json!({}))
        .await;
    assert_eq!(s, StatusCode::ACCEPTED);
}

#[tokio::test]
async fn bad_vm_requests_are_precise_4xx() {
    let a = api().await;
    let cases = [
        (
            "/api/v1/vms?page=0",
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        (
            "/api/v1/vms?perPage=501",
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        (
            "/api/v1/vms?sort=size",
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        (
            "/api/v1/vms?state=asleep",
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        (
            "/api/v1/vms?colour=red",
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        (
            "/api/v1/vms?hostId=nope",
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        (
            "/api/v1/vms/not-a-uuid",
            StatusCode::BAD_REQUEST,
            "invalid_id",
        ),
        (
            "/api/v1/vms/00000000-0000-4000-8000-000000000000",
            StatusCode::NOT_FOUND,
            "vm_not_found",
        ),
    ];
    for (path, status, code) in cases {
        let (s, b) = a.get(path).await;
        assert_eq!(error_code(s, &b, status), code, "{path}");
    }
    let q = "x".repeat(300);
    let (s, b) = a.get(&format!("/api/v1/vms?q={q}")).await;
    assert_eq!(error_code(s, &b, StatusCode::BAD_REQUEST), "invalid_query");

    let (s, b) = a.post("/api/v1/vms/import", json!({"vmIds": []})).await;
    assert_eq!(
        error_code(s, &b, StatusCode::UNPROCESSABLE_ENTITY),
        "invalid_request"
    );
    let many: Vec<String> = (0..10_001)
        .map(|i| format!("00000000-0000-4000-8000-{i:012}"))
        .collect();
    let (s, b) = a.post("/api/v1/vms/import", json!({"vmIds": many})).await;
    assert_eq!(
        error_code(s, &b, StatusCode::UNPROCESSABLE_ENTITY),
        "invalid_request"
    );
    let (s, b) = a
        .post("/api/v1/vms/dismiss", json!({"vmIds": ["nope"]}))
        .await;
    assert_eq!(error_code(s, &b, StatusCode::BAD_REQUEST), "invalid_json");
    let (s, b) = a
        .post("/api/v1/vms/undismiss", json!({"vmIds": ["nope"]}))
        .await;
    assert_eq!(error_code(s, &b, StatusCode::BAD_REQUEST), "invalid_json");
    let (s, b) = a.post("/api/v1/vms/undismiss", json!({"vmIds": []})).await;
    assert_eq!(
        error_code(s, &b, StatusCode::UNPROCESSABLE_ENTITY),
        "invalid_request"
    );
    // Only the orders the API lists: a plausible-looking one is refused, not ignored.
    let (s, b) = a.get("/api/v1/vms?sort=memoryDesc").await;
    assert_eq!(error_code(s, &b, StatusCode::BAD_REQUEST), "invalid_query");
    let (s, b) = a
        .post(
            "/api/v1/hosts/00000000-0000-4000-8000-000000000000/actions/import-all",
            json!({}),
        )
        .await;
    assert_eq!(error_code(s, &b, StatusCode::NOT_FOUND), "host_not_found");
    let (s, b) = a
        .post(
            "/api/v1/hosts/00000000-0000-4000-8000-000000000000/actions/resync",
            json!({}),
        )
        .await;
    assert_eq!(error_code(s, &b, StatusCode::NOT_FOUND), "host_not_found");
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn drift_is_reported_and_resync_repairs_it() {
    use virtumancer_store::InventoryBatch;
    let a = api().await;
    let host = synced(&a).await;
    let (_, d) = a.get("/api/v1/discovered-vms").await;
    let id = d["items"][0]["id"].as_str().unwrap().to_owned();
    let (s, drift) = a.get(&format!("/api/v1/vms/{id}/drift")).await;
    assert_eq!(s, StatusCode::OK, "{drift}");
    assert_eq!(
        (drift["inSync"].as_bool(), drift["present"].as_bool()),
        (Some(true), Some(true))
    );
    assert_eq!(drift["storedHash"], drift["liveHash"]);

    // The record goes stale (as after missed events): drift shows it, resync repairs it.
    let vm_id: virtumancer_model::VmId = id.parse().unwrap();
    let detail = a.fleet.store().get_vm(vm_id).await.unwrap().unwrap();
    let stale = virtumancer_model::VmInventory {
        uuid: detail.vm.uuid.clone(),
        name: detail.vm.name.clone(),
        title: None,
        description: None,
        state: detail.vm.state,
        persistent: true,
        autostart: false,
        vcpus: 1,
        current_vcpus: 1,
        memory_bytes: 1,
        current_memory_bytes: 1,
        max_memory_bytes: None,
        firmware: "bios".into(),
        os_type: "hvm".into(),
        arch: None,
        machine: None,
        cpu_mode: None,
        cpu_model: None,
        boot_devices: vec![],
        disks: vec![],
        nics: vec![],
        graphics: vec![],
        consoles: vec![],
        hardware: Default::default(),
    };
    let batch = InventoryBatch {
        update_vms: vec![(vm_id, stale, "stale".into())],
        ..InventoryBatch::default()
    };
    a.fleet
        .store()
        .apply(host.parse().unwrap(), &batch, chrono::Utc::now())
        .await
        .unwrap();
    let (_, drift) = a.get(&format!("/api/v1/vms/{id}/drift")).await;
    assert_eq!(
        (drift["inSync"].as_bool(), drift["storedHash"].as_str()),
        (Some(false), Some("stale"))
    );

    let (s, fixed) = a
        .post(&format!("/api/v1/vms/{id}/actions/resync"), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{fixed}");
    assert_eq!(fixed["vm"]["vcpus"], 2);
    assert_eq!(fixed["disks"][0]["sourcePath"], "/guest/diskimage1");
    let (_, drift) = a.get(&format!("/api/v1/vms/{id}/drift")).await;
    assert_eq!(drift["inSync"], true);

    // A disconnected host cannot be asked.
    a.post(
        &format!("/api/v1/hosts/{host}/actions/disconnect"),
        json!({}),
    )
    .await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let (s, b) = a.get(&format!("/api/v1/vms/{id}/drift")).await;
        if s == StatusCode::CONFLICT {
            assert_eq!(b["code"], "host_not_connected");
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "drift still answered after disconnect: {b}"
        );
        tokio::task::yield_now().await;
    }
    let (s, b) = a
        .post(&format!("/api/v1/vms/{id}/actions/resync"), json!({}))
        .await;
    assert_eq!(
        error_code(s, &b, StatusCode::CONFLICT),
        "host_not_connected"
    );
    let (s, b) = a
        .get("/api/v1/vms/00000000-0000-4000-8000-000000000000/drift")
        .await;
    assert_eq!(error_code(s, &b, StatusCode::NOT_FOUND), "vm_not_found");
}
