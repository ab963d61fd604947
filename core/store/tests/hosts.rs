//! The host repository against real SQLite files.

use virtumancer_model::{HostFacts, HostId, HostKey, HostState, SyncFailure};
use virtumancer_store::{
    HostConfig, HostRepository, HostStateRecord, SqliteStore, StoreError, SyncOutcome,
};

async fn store() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("v.db").display());
    let s = SqliteStore::open(&url).await.unwrap();
    (dir, s)
}

fn config(name: &str, uri: &str) -> HostConfig {
    HostConfig {
        name: name.into(),
        uri: uri.into(),
        key_file: None,
        host_key: None,
    }
}

fn facts() -> HostFacts {
    HostFacts {
        hostname: "h".into(),
        arch: "x86_64".into(),
        cpu_model: "m".into(),
        cpu_sockets: 1,
        cpu_cores: 2,
        cpu_threads: 1,
        cpu_count: 2,
        cpu_mhz: 0,
        memory_bytes: 1 << 30,
        libvirt_version: "9.0.0".into(),
        hypervisor_type: "QEMU".into(),
        hypervisor_version: "7.2.22".into(),
        kvm_available: true,
        power_actions: vec![virtumancer_model::PowerAction::Start],
    }
}

#[tokio::test]
async fn insert_list_update_delete_round_trip() {
    let (_d, s) = store().await;
    let id = HostId::new();
    let mut cfg = config("<h&1> 主机", "qemu+ssh://root@h/system");
    cfg.host_key = Some(HostKey {
        key_type: "ssh-ed25519".into(),
        fingerprint: "SHA256:x".into(),
    });
    cfg.key_file = Some("/k".into());
    let h = s.insert_host(id, &cfg, true).await.unwrap();
    assert_eq!(
        (h.name.as_str(), h.state, h.auto_connect),
        ("<h&1> 主机", HostState::Connecting, true)
    );
    assert_eq!(h.host_key, cfg.host_key);
    assert_eq!(s.list_hosts().await.unwrap(), vec![h.clone()]);

    let renamed = s
        .update_host_config(
            id,
            &HostConfig {
                name: "renamed".into(),
                ..cfg.clone()
            },
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(renamed.name, "renamed");
    assert!(renamed.updated_at >= h.updated_at);
    assert_eq!(renamed.created_at, h.created_at);

    let off = s.set_auto_connect(id, false).await.unwrap().unwrap();
    assert!(!off.auto_connect);

    let now = chrono::Utc::now();
    let rec = HostStateRecord {
        state: HostState::Connected,
        reason: None,
        facts: Some(facts()),
        connected_at: Some(now),
    };
    let c = s.record_state(id, &rec).await.unwrap().unwrap();
    assert_eq!(
        (c.state, c.facts.clone(), c.last_connected_at),
        (HostState::Connected, Some(facts()), Some(now))
    );
    // A later error keeps the last known facts and connection time.
    let rec = HostStateRecord {
        state: HostState::Error,
        reason: Some("gone".into()),
        facts: None,
        connected_at: None,
    };
    let e = s.record_state(id, &rec).await.unwrap().unwrap();
    assert_eq!(
        (
            e.state,
            e.state_reason.as_deref(),
            e.facts,
            e.last_connected_at
        ),
        (HostState::Error, Some("gone"), Some(facts()), Some(now))
    );

    assert!(s.delete_host(id).await.unwrap());
    assert!(!s.delete_host(id).await.unwrap());
    assert!(s.get_host(id).await.unwrap().is_none());
    assert!(s.record_state(id, &rec).await.unwrap().is_none());
    assert!(s.update_host_config(id, &cfg).await.unwrap().is_none());
}

#[tokio::test]
async fn duplicate_names_and_uris_are_conflicts_and_write_nothing() {
    let (_d, s) = store().await;
    s.insert_host(HostId::new(), &config("alpha", "test:///default"), true)
        .await
        .unwrap();
    let e = s
        .insert_host(HostId::new(), &config("ALPHA", "qemu:///system"), true)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict { field: "name" }), "{e:?}");
    let e = s
        .insert_host(HostId::new(), &config("beta", "test:///default"), true)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict { field: "uri" }), "{e:?}");
    assert_eq!(s.list_hosts().await.unwrap().len(), 1);

    let b = s
        .insert_host(HostId::new(), &config("beta", "qemu:///system"), true)
        .await
        .unwrap();
    let e = s
        .update_host_config(b.id, &config("Alpha", "qemu:///system"))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict { field: "name" }), "{e:?}");
    assert_eq!(s.get_host(b.id).await.unwrap().unwrap().name, "beta");
}

#[tokio::test]
async fn data_survives_reopening_the_file_and_meta_flags_work() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("v.db").display());
    let id = HostId::new();
    {
        let s = SqliteStore::open(&url).await.unwrap();
        s.insert_host(id, &config("keep", "test:///default"), false)
            .await
            .unwrap();
        assert_eq!(s.meta("demo_seeded").await.unwrap(), None);
        s.set_meta("demo_seeded", "1").await.unwrap();
        s.set_meta("demo_seeded", "2").await.unwrap();
    }
    let s = SqliteStore::open(&url).await.unwrap();
    let h = s.get_host(id).await.unwrap().unwrap();
    assert!(!h.auto_connect);
    assert_eq!(h.state, HostState::Disconnected);
    assert_eq!(s.meta("demo_seeded").await.unwrap().as_deref(), Some("2"));
    s.ping().await.unwrap();
}

#[tokio::test]
async fn postgres_urls_are_refused_clearly() {
    let e = virtumancer_store::open("postgres://x/y")
        .await
        .err()
        .unwrap();
    assert!(e.to_string().contains("PostgreSQL"), "{e}");
    assert!(virtumancer_store::open("mysql://x").await.is_err());
}

#[tokio::test]
async fn a_failed_sync_is_kept_until_the_next_success_and_edits_nothing_else() {
    let (_d, s) = store().await;
    let id = HostId::new();
    let added = s
        .insert_host(id, &config("h", "test:///default"), true)
        .await
        .unwrap();
    assert_eq!(
        (added.last_synced_at, added.sync_failure.clone()),
        (None, None)
    );

    let t1 = chrono::Utc::now();
    let h = s
        .record_sync(id, &SyncOutcome::Synced { at: t1 })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(h.last_synced_at, Some(t1));
    let reason = "driver: <host> said \"no\" — ünïcode";
    let t2 = chrono::Utc::now();
    let failed = SyncOutcome::Failed {
        at: t2,
        reason: reason.into(),
    };
    let h = s.record_sync(id, &failed).await.unwrap().unwrap();
    let failure = SyncFailure {
        at: t2,
        reason: reason.into(),
    };
    assert_eq!(h.sync_failure.as_ref(), Some(&failure));
    assert_eq!(h.last_synced_at, Some(t1));
    assert_eq!(s.get_host(id).await.unwrap().unwrap(), h);

    let t3 = chrono::Utc::now();
    let h = s
        .record_sync(id, &SyncOutcome::Synced { at: t3 })
        .await
        .unwrap()
        .unwrap();
    assert_eq!((h.last_synced_at, h.sync_failure.clone()), (Some(t3), None));
    // Recording passes is not editing the host.
    assert_eq!(h.updated_at, added.updated_at);

    // An unknown (or deleted) host: nothing recorded, nothing created.
    let other = HostId::new();
    assert_eq!(s.record_sync(other, &failed).await.unwrap(), None);
    assert_eq!(s.list_hosts().await.unwrap().len(), 1);
}
