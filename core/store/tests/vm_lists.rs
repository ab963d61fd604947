//! VM lists against a real SQLite file: every sort key, both directions; per-host counts.

mod common;

use chrono::{Duration, Utc};
use virtumancer_model::{HostId, HostVmCounts, PowerState, VmId, VmInventory};
use virtumancer_store::{
    HostConfig, HostRepository, InventoryBatch, InventoryRepository, SqliteStore, VmQuery, VmSort,
};

/// VM `n` named `name` in `state` with `gib` GiB of memory.
fn vm(name: &str, n: u8, state: PowerState, gib: u64) -> VmInventory {
    let uuid = format!("00000000-0000-0000-0000-0000000000{n:02x}");
    VmInventory {
        state,
        memory_bytes: gib << 30,
        current_memory_bytes: gib << 30,
        ..common::vm(name, &uuid, Vec::new())
    }
}

async fn host(store: &SqliteStore, name: &str) -> HostId {
    let id = HostId::new();
    let cfg = HostConfig {
        name: name.into(),
        uri: format!("test:///{name}"),
        key_file: None,
        host_key: None,
    };
    store.insert_host(id, &cfg, false).await.unwrap();
    id
}

/// Stores `vms` on `host` in one pass at time `at`.
async fn sync(store: &SqliteStore, host: HostId, at: chrono::DateTime<Utc>, vms: Vec<VmInventory>) {
    let batch = InventoryBatch {
        insert_vms: vms
            .into_iter()
            .map(|v| (VmId::new(), v, "hash".to_owned()))
            .collect(),
        ..InventoryBatch::default()
    };
    let mut w = store.begin_inventory(host, at).await.unwrap();
    w.write(&batch).await.unwrap();
    w.commit().await.unwrap();
}

#[tokio::test]
async fn every_column_sorts_both_ways() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&format!("sqlite:{}", dir.path().join("v.db").display()))
        .await
        .unwrap();
    let (alpha, beta) = (host(&store, "alpha").await, host(&store, "Beta").await);
    let t0 = Utc::now() - Duration::hours(1);
    // Created in three passes, oldest first: c, then a and d, then b.
    sync(&store, beta, t0, vec![vm("c", 3, PowerState::Paused, 4)]).await;
    sync(
        &store,
        alpha,
        t0 + Duration::minutes(1),
        vec![
            vm("a", 1, PowerState::Running, 2),
            vm("D", 4, PowerState::Shutoff, 8),
        ],
    )
    .await;
    sync(
        &store,
        beta,
        t0 + Duration::minutes(2),
        vec![vm("b", 2, PowerState::Running, 1)],
    )
    .await;

    let order = |sort| {
        let store = &store;
        async move {
            let page = store
                .list_vms(&VmQuery {
                    sort,
                    limit: 10,
                    ..VmQuery::default()
                })
                .await
                .unwrap();
            page.items.into_iter().map(|v| v.name).collect::<Vec<_>>()
        }
    };
    // Ties (same host, same state) are broken by name, ascending, in both directions.
    let expected = [
        (VmSort::Name, ["a", "b", "c", "D"]),
        (VmSort::NameDesc, ["D", "c", "b", "a"]),
        (VmSort::Host, ["a", "D", "b", "c"]),
        (VmSort::HostDesc, ["b", "c", "a", "D"]),
        (VmSort::State, ["c", "a", "b", "D"]),
        (VmSort::StateDesc, ["D", "a", "b", "c"]),
        (VmSort::Created, ["b", "a", "D", "c"]),
        (VmSort::CreatedAsc, ["c", "a", "D", "b"]),
        (VmSort::Memory, ["D", "c", "a", "b"]),
        (VmSort::MemoryAsc, ["b", "a", "c", "D"]),
    ];
    for (sort, names) in expected {
        assert_eq!(order(sort).await, names, "{sort:?}");
    }
}

#[tokio::test]
async fn counts_per_host_leave_gone_vms_aside_and_tell_managed_from_discovered() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&format!("sqlite:{}", dir.path().join("v.db").display()))
        .await
        .unwrap();
    let (alpha, beta, empty) = (
        host(&store, "alpha").await,
        host(&store, "beta").await,
        host(&store, "empty").await,
    );
    let now = Utc::now();
    // VM `n` with `vcpus` vCPUs and `gib` GiB.
    let sized = |name: &str, n: u8, state: PowerState, vcpus: u32, gib: u64| VmInventory {
        current_vcpus: vcpus,
        ..vm(name, n, state, gib)
    };
    sync(
        &store,
        alpha,
        now,
        vec![
            sized("a1", 1, PowerState::Running, 1, 1),
            sized("a2", 2, PowerState::Shutoff, 2, 2),
            sized("a3", 3, PowerState::Paused, 4, 4),
            sized("a4", 4, PowerState::Running, 8, 8),
            sized("a5", 6, PowerState::Suspended, 16, 16),
            sized("a6", 7, PowerState::Unknown, 32, 32),
        ],
    )
    .await;
    sync(&store, beta, now, vec![vm("b1", 5, PowerState::Shutoff, 1)]).await;
    let ids: Vec<VmId> = store
        .list_vms(&VmQuery {
            host: Some(alpha),
            limit: 10,
            ..VmQuery::default()
        })
        .await
        .unwrap()
        .items
        .iter()
        .map(|v| v.id)
        .collect();
    // Sorted by name: a1 to a6.
    // a1 managed, a2 dismissed, a4 gone from its host.
    store.set_managed(&ids[..1], true).await.unwrap();
    store.set_dismissed(&ids[1..2], true).await.unwrap();
    let gone = InventoryBatch {
        gone_vms: vec![ids[3]],
        ..InventoryBatch::default()
    };
    store.apply(alpha, &gone, now).await.unwrap();

    let mut counts = store.vm_counts().await.unwrap();
    counts.sort_by_key(|c| c.vms);
    let expected = [
        HostVmCounts {
            host_id: beta,
            vms: 1,
            running: 0,
            shutoff: 1,
            managed: 0,
            discovered: 1,
            active: 0,
            vcpus: 1,
            memory_bytes: 1 << 30,
            active_vcpus: 0,
            active_memory_bytes: 0,
        },
        // a4 is gone; the dismissed a2 still counts for what it is given; the suspended a5
        // holds its vCPUs and memory, the unknown a6 does not.
        HostVmCounts {
            host_id: alpha,
            vms: 5,
            running: 1,
            shutoff: 1,
            managed: 1,
            discovered: 3,
            active: 3,
            vcpus: 1 + 2 + 4 + 16 + 32,
            memory_bytes: (1 + 2 + 4 + 16 + 32) << 30,
            active_vcpus: 1 + 4 + 16,
            active_memory_bytes: (1 + 4 + 16) << 30,
        },
    ];
    assert_eq!(counts, expected);
    assert!(counts.iter().all(|c| c.host_id != empty));
}
