//! The WebSocket drops clients that fall behind instead of buffering without bound.

use futures::StreamExt as _;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use virtumancer_api::AppState;
use virtumancer_drivers::Registry;
use virtumancer_engine::{EventBus, HostFleet};
use virtumancer_model::{Event, HostId};

#[tokio::test]
async fn a_client_that_falls_behind_is_closed_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let store = virtumancer_store::open(&format!("sqlite:{}", dir.path().join("v.db").display()))
        .await
        .unwrap();
    let registry = Arc::new(Registry::build([], &BTreeMap::new()).unwrap());
    let bus = EventBus::with_backlog(4);
    let fleet = HostFleet::start(store, registry, bus.clone())
        .await
        .unwrap();
    let app = virtumancer_api::router(AppState::new(fleet));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/api/v1/events"))
        .await
        .unwrap();
    // On this single-threaded runtime the server task cannot run while we publish: the
    // subscriber is 100 events behind a backlog of 4 when it next looks.
    for _ in 0..100 {
        bus.publish(Event::HostRemoved {
            host_id: HostId::new(),
        });
    }
    let frame = loop {
        match tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .expect("server did not close the lagging client")
        {
            Some(Ok(Message::Close(frame))) => break frame.expect("close frame with a reason"),
            Some(Ok(_)) => continue,
            other => panic!("expected a close frame, got {other:?}"),
        }
    };
    assert_eq!(u16::from(frame.code), 1008);
    assert!(
        frame.reason.contains("behind") && frame.reason.contains("refetch"),
        "{}",
        frame.reason
    );
}
