//! Engine tests on real parts: SQLite files and libvirt's test driver through the libvirt
//! plugin, registered from `inventory` exactly as the server does.

mod fleet;
mod large_node;
mod stats_history;
mod supervisor;
mod sync;
mod write_budget;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast;
use virtumancer_drivers::Registry;
use virtumancer_engine::{Backoff, EventBus, FleetOptions, HostFleet, Published};
use virtumancer_model::{Event, HostId, HostState};
use virtumancer_plugin_libvirt as _;

pub struct Env {
    pub dir: tempfile::TempDir,
    pub fleet: Arc<HostFleet>,
    pub events: broadcast::Receiver<Arc<Published>>,
}

pub fn registry(dir: &std::path::Path) -> Arc<Registry> {
    let mut cfg = BTreeMap::new();
    cfg.insert(
        "libvirt".to_owned(),
        serde_json::json!({ "stateDir": dir.join("libvirt") }),
    );
    Arc::new(Registry::from_inventory(&cfg).expect("registry"))
}

/// A database file `file` in `dir` holding one host with `uri`.
pub async fn store_with_host(
    dir: &std::path::Path,
    file: &str,
    uri: &str,
) -> (Arc<dyn virtumancer_store::Store>, HostId) {
    let url = format!("sqlite:{}", dir.join(file).display());
    let store = virtumancer_store::open(&url).await.unwrap();
    let host = HostId::new();
    let cfg = virtumancer_store::HostConfig {
        name: "h".into(),
        uri: uri.into(),
        key_file: None,
        host_key: None,
    };
    store.insert_host(host, &cfg, false).await.unwrap();
    (store, host)
}

/// A connection to `uri` through the libvirt plugin.
pub async fn open(
    dir: &std::path::Path,
    uri: &str,
) -> Box<dyn virtumancer_drivers::HostConnection> {
    let uri = virtumancer_model::HostUri::parse(uri).unwrap();
    registry(dir)
        .host_connector(&uri)
        .unwrap()
        .open(&virtumancer_drivers::ConnectSpec::plain(uri))
        .await
        .unwrap()
}

pub async fn start_in(dir: tempfile::TempDir) -> Env {
    start_with(dir, FleetOptions::default()).await
}

/// A fleet with a fast reconnect backoff and otherwise `options`.
pub async fn start_with(dir: tempfile::TempDir, options: FleetOptions) -> Env {
    let url = format!("sqlite:{}", dir.path().join("v.db").display());
    let store = virtumancer_store::open(&url).await.unwrap();
    let bus = EventBus::new();
    let events = bus.subscribe();
    let options = FleetOptions {
        backoff: Backoff::new(Duration::from_millis(200), Duration::from_secs(2)),
        ..options
    };
    let fleet = HostFleet::start_with(store, registry(dir.path()), bus, options)
        .await
        .unwrap();
    Env { dir, fleet, events }
}

pub async fn start() -> Env {
    start_in(tempfile::tempdir().unwrap()).await
}

/// Waits until `pick` finds what it wants in an event on the bus; returns what it picked.
/// Panics, saying `what` was awaited, after `within`.
pub async fn wait_event<T>(
    rx: &mut broadcast::Receiver<Arc<Published>>,
    within: Duration,
    what: impl std::fmt::Display,
    mut pick: impl FnMut(&Event) -> Option<T>,
) -> T {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let ev = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .unwrap_or_else(|_| panic!("{what}: not within {within:?}"))
            .expect("event bus closed");
        if let Some(found) = pick(ev.event()) {
            return found;
        }
    }
}

/// Waits until `host` reports `state` on the bus; returns the reason.
pub async fn wait_state(
    rx: &mut broadcast::Receiver<Arc<Published>>,
    host: HostId,
    state: HostState,
    within: Duration,
) -> Option<String> {
    let what = format!("host {host} reaching {state:?}");
    wait_event(rx, within, what, |ev| match ev {
        Event::HostState {
            host_id,
            state: s,
            reason,
            ..
        } if *host_id == host && *s == state => Some(reason.clone()),
        _ => None,
    })
    .await
}
