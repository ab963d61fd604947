//! Router tests with `oneshot` on a real fleet: SQLite file + libvirt's test driver.

mod errors;
mod events;
mod hosts;
mod networks;
mod openapi_drift;
mod plugins;
mod portgroups;
mod topology;
mod vms;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use http_body_util::BodyExt as _;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;
use tower::ServiceExt as _;
use virtumancer_api::AppState;
use virtumancer_drivers::Registry;
use virtumancer_engine::{EventBus, HostFleet};
use virtumancer_plugin_libvirt as _;

pub struct Api {
    pub app: Router,
    pub fleet: Arc<HostFleet>,
    _dir: tempfile::TempDir,
}

pub async fn api() -> Api {
    let dir = tempfile::tempdir().unwrap();
    let store = virtumancer_store::open(&format!("sqlite:{}", dir.path().join("v.db").display()))
        .await
        .unwrap();
    let mut cfg = BTreeMap::new();
    cfg.insert(
        "libvirt".to_owned(),
        serde_json::json!({ "stateDir": dir.path().join("libvirt") }),
    );
    let registry = Arc::new(Registry::from_inventory(&cfg).unwrap());
    let fleet = HostFleet::start(store, registry, EventBus::new())
        .await
        .unwrap();
    let engine = Arc::new(
        virtumancer_plugin_host::PluginEngine::new(Some(dir.path().join("cache"))).unwrap(),
    );
    let catalog = virtumancer_plugin_host::PluginCatalog::new(
        dir.path().join("plugins"),
        engine,
        Arc::new(virtumancer_plugin_host::FileKv::new(dir.path().join("kv"))),
        None,
    )
    .unwrap();
    let state = AppState::new(Arc::clone(&fleet)).with_plugins(Arc::new(catalog));
    let app = virtumancer_api::router(state);
    Api {
        app,
        fleet,
        _dir: dir,
    }
}

impl Api {
    /// The directory holding this API's database, plugins and plugin key-value pairs.
    pub fn dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = Request::builder().method(method).uri(path);
        let body = match body {
            Some(v) => {
                req = req.header("content-type", "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        self.raw(req.body(body).unwrap()).await
    }

    pub async fn raw(&self, req: Request<Body>) -> (StatusCode, Value) {
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let json = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into()))
        };
        (status, json)
    }

    /// Adds a host and waits until its first inventory sync is stored; returns its id.
    pub async fn synced_host(&self, name: &str, uri: &str) -> String {
        let mut rx = self.fleet.bus().subscribe();
        let (s, h) = self
            .post(
                "/api/v1/hosts",
                serde_json::json!({"name": name, "uri": uri}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{h}");
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let ev = tokio::time::timeout_at(deadline, rx.recv())
                .await
                .expect("inventory was not synced")
                .unwrap();
            if matches!(
                ev.event(),
                virtumancer_model::Event::InventoryChanged { .. }
            ) {
                return h["id"].as_str().unwrap().to_owned();
            }
        }
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, None).await
    }
    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(body)).await
    }
}

/// Asserts the one error shape and returns the code.
pub fn error_code(status: StatusCode, body: &Value, expected_status: StatusCode) -> String {
    assert_eq!(status, expected_status, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "error without message: {body}"
    );
    assert!(
        body.get("details").is_some(),
        "error without details key: {body}"
    );
    body["code"].as_str().expect("code").to_owned()
}
