use crate::{start, wait_state};
use std::time::{Duration, Instant};
use virtumancer_engine::NewHost;
use virtumancer_model::HostState;

#[tokio::test]
async fn unreachable_host_goes_to_error_and_keeps_retrying() {
    let mut env = start().await;
    let req = NewHost {
        name: "down".into(),
        uri: "qemu+tcp://127.0.0.1:1/system".into(),
        auto_connect: true,
        ..Default::default()
    };
    let h = env.fleet.add(req).await.unwrap();
    let reason = wait_state(
        &mut env.events,
        h.id,
        HostState::Error,
        Duration::from_secs(20),
    )
    .await
    .unwrap();
    assert!(reason.contains("127.0.0.1"), "{reason}");
    // The backoff (200 ms here) brings another attempt.
    wait_state(
        &mut env.events,
        h.id,
        HostState::Connecting,
        Duration::from_secs(20),
    )
    .await;
    wait_state(
        &mut env.events,
        h.id,
        HostState::Error,
        Duration::from_secs(20),
    )
    .await;
    assert_eq!(env.fleet.get(h.id).await.unwrap().state, HostState::Error);
    env.fleet.shutdown().await;
}

#[tokio::test]
async fn a_hung_host_stalls_neither_other_hosts_nor_reads_nor_its_own_deletion() {
    // A "libvirtd" that accepts TCP connections and never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let accept = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = listener.accept().await {
            held.push(s);
        }
    });
    let mut env = start().await;
    let hung = env
        .fleet
        .add(NewHost {
            name: "hung".into(),
            uri: format!("qemu+tcp://127.0.0.1:{port}/system"),
            auto_connect: true,
            ..Default::default()
        })
        .await
        .unwrap();
    wait_state(
        &mut env.events,
        hung.id,
        HostState::Connecting,
        Duration::from_secs(5),
    )
    .await;
    let ok = env
        .fleet
        .add(NewHost {
            name: "fine".into(),
            uri: "test:///default".into(),
            auto_connect: true,
            ..Default::default()
        })
        .await
        .unwrap();
    wait_state(
        &mut env.events,
        ok.id,
        HostState::Connected,
        Duration::from_secs(20),
    )
    .await;
    // Reads answer while the hung host is still connecting.
    let hosts = env.fleet.list().await.unwrap();
    let hung_now = hosts.iter().find(|h| h.id == hung.id).unwrap();
    assert_eq!(hung_now.state, HostState::Connecting);
    let started = Instant::now();
    env.fleet.remove(hung.id).await.unwrap();
    assert!(env.fleet.get(hung.id).await.is_err());
    eprintln!("deleted the hung host in {:?}", started.elapsed());
    env.fleet.shutdown().await;
    accept.abort();
}
