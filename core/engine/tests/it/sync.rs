//! Inventory sync on libvirt's test driver and real SQLite files.

use crate::{open, start, store_with_host, wait_state};
use std::sync::Arc;
use std::time::Duration;
use virtumancer_engine::{EventBus, InventorySync, NewHost};
use virtumancer_model::{HostId, HostState, PowerState};
use virtumancer_store::{HostConfig, Store, VmQuery};

fn all() -> VmQuery {
    VmQuery {
        include_gone: true,
        include_dismissed: true,
        limit: 1000,
        ..VmQuery::default()
    }
}

#[tokio::test]
async fn full_sync_records_everything_and_a_no_change_resync_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (store, host) = store_with_host(dir.path(), "v.db", "test:///default").await;
    let conn = open(dir.path(), "test:///default").await;
    let bus = EventBus::new();
    let mut events = bus.subscribe();
    let sync = InventorySync::new(host, Arc::clone(&store), bus);

    let first = sync.full(conn.as_ref()).await.unwrap();
    assert_eq!((first.vms_seen, first.vms_changed), (1, 1));
    assert!(
        first.rows_written >= 5,
        "vm + disk + attachment + nic + network + pool rows: {first:?}"
    );
    let ev = events.try_recv().expect("an inventoryChanged event");
    assert!(
        matches!(
            ev.event(),
            virtumancer_model::Event::InventoryChanged {
                vm_count: 1,
                other_changes: true,
                ..
            }
        ),
        "{ev:?}"
    );

    let page = store.list_vms(&all()).await.unwrap();
    assert_eq!(page.total, 1);
    let vm = &page.items[0];
    assert_eq!(
        (vm.name.as_str(), vm.state, vm.managed, vm.gone_at),
        ("test", PowerState::Running, false, None)
    );
    let detail = store.get_vm(vm.id).await.unwrap().unwrap();
    assert_eq!(
        detail.disks[0].source_path.as_deref(),
        Some("/guest/diskimage1")
    );
    assert_eq!(detail.nics[0].network.as_deref(), Some("default"));

    let again = sync.full(conn.as_ref()).await.unwrap();
    assert_eq!(
        (again.vms_changed, again.rows_written),
        (0, 0),
        "nothing changed, nothing written"
    );
    assert!(events.try_recv().is_err(), "no event for a no-change sync");
    assert_eq!(
        store.list_vms(&all()).await.unwrap().items[0].updated_at,
        vm.updated_at
    );
    conn.close().await;
}

#[tokio::test]
async fn vanished_vms_are_marked_gone_not_deleted_and_come_back() {
    let dir = tempfile::tempdir().unwrap();
    let (store, host) = store_with_host(dir.path(), "v.db", "test:///default").await;
    let conn = open(dir.path(), "test:///default").await;
    let sync = InventorySync::new(host, Arc::clone(&store), EventBus::new());
    let mut inv = conn.inventory().snapshot().await.unwrap();
    sync.apply_snapshot(inv.clone()).await.unwrap();
    let id = store.list_vms(&all()).await.unwrap().items[0].id;
    store.set_managed(&[id], true).await.unwrap();

    let vm = inv.vms.pop().unwrap();
    let gone = sync.apply_snapshot(inv.clone()).await.unwrap();
    assert_eq!((gone.vms_changed, gone.rows_written), (1, 1));
    let stored = store
        .get_vm(id)
        .await
        .unwrap()
        .expect("kept with its history");
    assert!(stored.vm.gone_at.is_some());
    assert!(stored.vm.managed, "managed mark survives");
    assert_eq!(stored.disks.len(), 1, "hardware kept");
    assert!(
        store
            .list_vms(&VmQuery {
                limit: 10,
                ..VmQuery::default()
            })
            .await
            .unwrap()
            .items
            .is_empty(),
        "hidden by default"
    );
    assert_eq!(
        sync.apply_snapshot(inv.clone()).await.unwrap().rows_written,
        0,
        "already gone: nothing to write"
    );

    inv.vms.push(vm.clone());
    sync.apply_snapshot(inv.clone()).await.unwrap();
    let back = store.get_vm(id).await.unwrap().unwrap();
    assert_eq!(
        (back.vm.gone_at, back.vm.id),
        (None, id),
        "same record, not a new one"
    );

    // A state change alone rewrites one row; a config change rewrites the VM and its children.
    inv.vms[0].state = PowerState::Paused;
    assert_eq!(
        sync.apply_snapshot(inv.clone()).await.unwrap().rows_written,
        1
    );
    inv.vms[0].memory_bytes *= 2;
    let changed = sync.apply_snapshot(inv.clone()).await.unwrap();
    assert!(changed.rows_written > 1);
    assert_eq!(
        store.get_vm(id).await.unwrap().unwrap().vm.memory_bytes,
        vm.memory_bytes * 2
    );
    conn.close().await;
}

#[tokio::test]
async fn a_failed_read_applies_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (store, host) = store_with_host(dir.path(), "v.db", "test:///default").await;
    let conn = open(dir.path(), "test:///default").await;
    let sync = InventorySync::new(host, Arc::clone(&store), EventBus::new());
    conn.close().await;
    assert!(
        sync.full(conn.as_ref()).await.is_err(),
        "a closed connection cannot be read"
    );
    assert_eq!(store.list_vms(&all()).await.unwrap().total, 0);
}

#[tokio::test]
async fn a_connected_host_is_synced_and_its_vms_are_discovered() {
    let mut env = start().await;
    let h = env
        .fleet
        .add(NewHost {
            name: "t".into(),
            uri: "test:///default".into(),
            auto_connect: true,
            ..Default::default()
        })
        .await
        .unwrap();
    wait_state(
        &mut env.events,
        h.id,
        HostState::Connected,
        Duration::from_secs(20),
    )
    .await;
    // The connect sync may finish before or after the state event above: look at the store,
    // and wait for the next event while it has nothing yet.
    let store = Arc::clone(env.fleet.store());
    wait_for_vm(&store, h.id).await;
    let page = env
        .fleet
        .store()
        .list_vms(&VmQuery {
            managed: Some(false),
            limit: 50,
            ..VmQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(
        page.items
            .iter()
            .map(|v| v.name.as_str())
            .collect::<Vec<_>>(),
        ["test"]
    );
    assert_eq!(page.items[0].host_name, "t");
    env.fleet.shutdown().await;
}

#[tokio::test]
async fn the_same_vm_name_on_two_hosts_is_two_vms() {
    let dir = tempfile::tempdir().unwrap();
    let store = virtumancer_store::open(&format!("sqlite:{}", dir.path().join("v.db").display()))
        .await
        .unwrap();
    // A second host whose only domain is also called "test" (another UUID).
    let node = dir.path().join("other.xml");
    std::fs::write(
        &node,
        "<node><domain type='test'><name>test</name><uuid>11111111-2222-3333-4444-555555555555</uuid>\
         <memory>65536</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain></node>",
    )
    .unwrap();
    let mut hosts = Vec::new();
    for (name, uri) in [
        ("a", "test:///default".to_owned()),
        ("b", format!("test://{}", node.display())),
    ] {
        let id = HostId::new();
        let cfg = HostConfig {
            name: name.into(),
            uri: uri.clone(),
            key_file: None,
            host_key: None,
        };
        store.insert_host(id, &cfg, false).await.unwrap();
        let conn = open(dir.path(), &uri).await;
        InventorySync::new(id, Arc::clone(&store), EventBus::new())
            .full(conn.as_ref())
            .await
            .unwrap();
        conn.close().await;
        hosts.push(id);
    }
    let page = store
        .list_vms(&VmQuery {
            search: Some("test".into()),
            limit: 10,
            sort: virtumancer_store::VmSort::Host,
            ..VmQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(page.total, 2);
    let got: Vec<_> = page
        .items
        .iter()
        .map(|v| (v.name.as_str(), v.host_name.as_str()))
        .collect();
    assert_eq!(got, [("test", "a"), ("test", "b")]);
    assert_ne!(page.items[0].uuid, page.items[1].uuid);
    let only_b = store
        .list_vms(&VmQuery {
            host: Some(hosts[1]),
            limit: 10,
            ..VmQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(only_b.items[0].uuid, "11111111-2222-3333-4444-555555555555");
}

#[tokio::test]
async fn periodic_reconcile_repairs_what_a_missed_event_left_stale() {
    let mut env = crate::start_with(
        tempfile::tempdir().unwrap(),
        virtumancer_engine::FleetOptions {
            reconcile_every: Duration::from_millis(500),
            ..Default::default()
        },
    )
    .await;
    let h = env
        .fleet
        .add(NewHost {
            name: "demo".into(),
            uri: "test:///default".into(),
            auto_connect: true,
            ..Default::default()
        })
        .await
        .unwrap();
    wait_state(
        &mut env.events,
        h.id,
        HostState::Connected,
        Duration::from_secs(20),
    )
    .await;
    let store = Arc::clone(env.fleet.store());
    let stored = wait_for_vm(&store, h.id).await;
    // The database goes stale behind the supervisor's back, as after a missed "defined"
    // event: the VM looks gone although the host still has it.
    let stale = virtumancer_store::InventoryBatch {
        gone_vms: vec![stored.id],
        ..Default::default()
    };
    assert_eq!(
        store.apply(h.id, &stale, chrono::Utc::now()).await.unwrap(),
        1
    );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let vm = store.get_vm(stored.id).await.unwrap().unwrap();
        if vm.vm.gone_at.is_none() {
            break;
        }
        // Each reconcile that repairs something announces it.
        let _ = tokio::time::timeout_at(deadline, env.events.recv())
            .await
            .expect("the periodic reconcile did not repair the VM within 20 s");
    }
    env.fleet.shutdown().await;
}

/// The first VM of `host` once the connect sync stored it.
async fn wait_for_vm(store: &Arc<dyn Store>, host: HostId) -> virtumancer_model::Vm {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let page = store
            .list_vms(&VmQuery {
                host: Some(host),
                ..all()
            })
            .await
            .unwrap();
        if let Some(vm) = page.items.into_iter().next() {
            return vm;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the connect sync stored no VM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
