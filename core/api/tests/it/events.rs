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

#[tokio::test]
async fn a_client_that_never_reads_is_dropped_instead_of_buffered() {
    let dir = tempfile::tempdir().unwrap();
    let store = virtumancer_store::open(&format!("sqlite:{}", dir.path().join("v.db").display()))
        .await
        .unwrap();
    let registry = Arc::new(Registry::build([], &BTreeMap::new()).unwrap());
    // A backlog large enough that only the send deadline can drop the client.
    let bus = EventBus::with_backlog(4096);
    let fleet = HostFleet::start(store, registry, bus.clone())
        .await
        .unwrap();
    let app = virtumancer_api::router(AppState::new(fleet));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let (mut ws, _) =
        tokio_tungstenite::connect_async(format!("ws://{addr}/api/v1/events?topics=stats"))
            .await
            .unwrap();
    // ~1 MB stats messages, far more than the socket buffers hold; the client reads nothing.
    let host = HostId::new();
    let at = chrono::Utc::now();
    let vm = |_| virtumancer_model::VmStats {
        vm_id: virtumancer_model::VmId::new(),
        at,
        state: virtumancer_model::PowerState::Running,
        cpu_percent: Some(1.0),
        host_cpu_percent: Some(1.0),
        memory_bytes: Some(1),
        memory_used_bytes: Some(1),
        disk_read_bps: Some(1.0),
        disk_write_bps: Some(1.0),
        disk_read_iops: Some(1.0),
        disk_write_iops: Some(1.0),
        net_rx_bps: Some(1.0),
        net_tx_bps: Some(1.0),
        net_rx_pps: Some(1.0),
        net_tx_pps: Some(1.0),
    };
    let vms: Vec<_> = (0..3000).map(vm).collect();
    const SENT: usize = 100;
    for _ in 0..SENT {
        bus.publish(Event::Stats {
            host: virtumancer_model::HostStats {
                host_id: host,
                at,
                cpus: 1,
                cpu_percent: None,
                memory_total_bytes: None,
                memory_used_bytes: None,
                vms_running: 0,
                interval_secs: 1.0,
            },
            vms: vms.clone(),
        });
    }
    // Past the 10 s send deadline the server gives the client up (its subscription closes);
    // reading now finds what the socket buffers held, then the end of the stream, not all
    // 100 messages.
    assert_eq!(bus.subscribers(), 1);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while bus.subscribers() > 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the server kept a client that never reads"
        );
        tokio::time::sleep(Duration::from_millis(100)).await; // polling a count, with a deadline
    }
    let mut texts = 0;
    let ended = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Text(_))) => texts += 1,
                Some(Ok(Message::Close(f))) => {
                    if let Some(f) = f {
                        assert_eq!(u16::from(f.code), 1008);
                        assert!(f.reason.contains("too slow"), "{}", f.reason);
                    }
                    return;
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => return,
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the stream never ended");
    assert!(
        texts < SENT,
        "all {texts} messages were delivered: nothing was dropped"
    );
}
