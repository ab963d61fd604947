//! The inventory writer (bulk inserts through SQLite's C API, background checkpoints) against
//! real SQLite files: what it writes reads back exactly.

mod common;

use chrono::Utc;
use common::vm;
use std::time::{Duration, Instant};
use virtumancer_model::{DiskInventory, HostId, StoragePoolInventory, VmId, VolumeInventory};
use virtumancer_store::{
    HostConfig, HostRepository, InventoryBatch, InventoryRepository, SqliteStore, Store, VmQuery,
};

fn url(dir: &tempfile::TempDir) -> String {
    format!("sqlite:{}", dir.path().join("v.db").display())
}

/// Adds the test host to `s`.
async fn add_host(s: &SqliteStore) -> HostId {
    let host = HostId::new();
    let cfg = HostConfig {
        name: "h".into(),
        uri: "test:///default".into(),
        key_file: None,
        host_key: None,
    };
    s.insert_host(host, &cfg, false).await.unwrap();
    host
}

async fn store() -> (tempfile::TempDir, SqliteStore, HostId) {
    let dir = tempfile::tempdir().unwrap();
    let s = SqliteStore::open(&url(&dir)).await.unwrap();
    let host = add_host(&s).await;
    (dir, s, host)
}

fn disk(target: &str, path: Option<&str>) -> DiskInventory {
    DiskInventory {
        device: if path.is_some() { "disk" } else { "cdrom" }.into(),
        kind: "file".into(),
        target: target.into(),
        bus: Some("virtio".into()),
        source_path: path.map(Into::into),
        pool: None,
        volume: None,
        protocol: None,
        remote_name: None,
        format: path.map(|_| "qcow2".into()),
        readonly: path.is_none(),
        shareable: false,
        boot_order: None,
        serial: None,
        capacity_bytes: path.map(|_| 1 << 30),
        allocation_bytes: None,
    }
}

#[tokio::test]
async fn what_the_bulk_writer_stores_reads_back_exactly() {
    bulk_writes_read_back(false).await;
}

#[tokio::test]
async fn batches_joined_into_one_write_store_the_same() {
    bulk_writes_read_back(true).await;
}

/// Writes three VMs and a pool in two batches of one pass (or in one, the second with the
/// first appended, as a writer that lags behind joins them) and reads them back.
async fn bulk_writes_read_back(join: bool) {
    let (_dir, store, host) = store().await;
    let long = "n".repeat(255);
    let shared = "/var/lib/images/shared disk & <more>.qcow2";
    let a = vm(
        "a & <b> 'c' \"d\"",
        "00000000-0000-0000-0000-00000000000a",
        vec![disk("vda", Some(shared)), disk("sda", None)],
    );
    let mut b = vm(
        &long,
        "00000000-0000-0000-0000-00000000000b",
        vec![disk("vda", Some(shared))],
    );
    b.autostart = true;
    let c = vm(
        "日本語の名前",
        "00000000-0000-0000-0000-00000000000c",
        vec![],
    );
    let ids = [VmId::new(), VmId::new(), VmId::new()];
    let pool = StoragePoolInventory {
        uuid: "p".into(),
        name: "default".into(),
        kind: "dir".into(),
        active: true,
        autostart: true,
        path: Some("/var/lib/images".into()),
        capacity_bytes: Some(1 << 40),
        allocation_bytes: None,
        available_bytes: None,
        volumes: vec![VolumeInventory {
            name: "vol ü".into(),
            key: Some("/var/lib/images/vol ü".into()),
            path: Some("/var/lib/images/vol ü".into()),
            format: Some("raw".into()),
            capacity_bytes: 1 << 20,
            allocation_bytes: Some(4096),
        }],
    };
    let mut w = store.begin_inventory(host, Utc::now()).await.unwrap();
    // Two batches: the shared disk is written by the first and found again by the second.
    let first = InventoryBatch {
        insert_vms: vec![(ids[0], a.clone(), "h0".into())],
        upsert_pools: vec![(pool.clone(), "ph".into())],
        ..InventoryBatch::default()
    };
    let second = InventoryBatch {
        insert_vms: vec![
            (ids[1], b.clone(), "h1".into()),
            (ids[2], c.clone(), "h2".into()),
        ],
        ..InventoryBatch::default()
    };
    let rows = if join {
        let mut joined = second;
        joined.append(first);
        w.write(&joined).await.unwrap()
    } else {
        w.write(&first).await.unwrap() + w.write(&second).await.unwrap()
    };
    w.commit().await.unwrap();
    // 3 VMs, 3 attachments, 3 NICs, 3 graphics, 6 consoles, the pool and its volume, and the
    // shared disk once per write that used it.
    let disk_writes = if join { 1 } else { 2 };
    assert_eq!(rows, 3 + 3 + 3 + 3 + 6 + 1 + 1 + disk_writes);

    for (id, want) in ids.iter().zip([&a, &b, &c]) {
        let got = store.get_vm(*id).await.unwrap().expect("stored");
        assert_eq!(got.vm.name, want.name);
        assert_eq!(got.vm.uuid, want.uuid);
        assert_eq!(got.vm.title, want.title);
        assert_eq!(
            (got.vm.persistent, got.vm.autostart),
            (want.persistent, want.autostart)
        );
        assert_eq!(got.boot_devices, want.boot_devices);
        assert_eq!(got.disks, want.disks);
        assert_eq!(got.nics, want.nics);
        assert_eq!(got.graphics, want.graphics);
        assert_eq!(got.consoles, want.consoles);
        assert_eq!(got.hardware, want.hardware);
    }
    let states = store.vm_sync_states(host).await.unwrap();
    let mut hashes: Vec<_> = states.iter().map(|s| s.config_hash.as_str()).collect();
    hashes.sort_unstable();
    assert_eq!(hashes, ["h0", "h1", "h2"]);
    let pools = store.pool_hashes(host).await.unwrap();
    assert_eq!(
        pools
            .iter()
            .map(|p| p.config_hash.as_str())
            .collect::<Vec<_>>(),
        ["ph"]
    );

    // An update stores the flags too: autostart switched off on one VM and on on another.
    let (mut off, mut on) = (b.clone(), a.clone());
    (off.autostart, on.autostart) = (false, true);
    let mut w = store.begin_inventory(host, Utc::now()).await.unwrap();
    let update = InventoryBatch {
        update_vms: vec![(ids[1], off, "h1b".into()), (ids[0], on, "h0b".into())],
        ..InventoryBatch::default()
    };
    w.write(&update).await.unwrap();
    w.commit().await.unwrap();
    let autostart = |v: Option<virtumancer_model::VmDetail>| v.expect("stored").vm.autostart;
    assert!(!autostart(store.get_vm(ids[1]).await.unwrap()));
    assert!(autostart(store.get_vm(ids[0]).await.unwrap()));
}

#[tokio::test]
async fn a_stored_disk_that_changed_is_updated_in_place_for_every_vm_attaching_it() {
    let (_dir, store, host) = store().await;
    let shared = "/var/lib/images/shared.qcow2";
    let a = vm(
        "a",
        "00000000-0000-0000-0000-0000000000a1",
        vec![disk("vda", Some(shared))],
    );
    let b = vm(
        "b",
        "00000000-0000-0000-0000-0000000000b1",
        vec![disk("vdb", Some(shared))],
    );
    let ids = [VmId::new(), VmId::new()];
    let mut w = store.begin_inventory(host, Utc::now()).await.unwrap();
    let first = InventoryBatch {
        insert_vms: vec![
            (ids[0], a.clone(), "a1".into()),
            (ids[1], b.clone(), "b1".into()),
        ],
        ..InventoryBatch::default()
    };
    w.write(&first).await.unwrap();
    w.commit().await.unwrap();

    // A later pass: the image was grown and converted; only VM a is rewritten.
    let mut grown = a.clone();
    grown.disks[0].capacity_bytes = Some(5 << 30);
    grown.disks[0].allocation_bytes = Some(1 << 20);
    grown.disks[0].format = Some("raw".into());
    let mut w = store.begin_inventory(host, Utc::now()).await.unwrap();
    let second = InventoryBatch {
        update_vms: vec![(ids[0], grown.clone(), "a2".into())],
        ..InventoryBatch::default()
    };
    w.write(&second).await.unwrap();
    w.commit().await.unwrap();

    let got_a = store.get_vm(ids[0]).await.unwrap().expect("a");
    assert_eq!(got_a.disks, grown.disks);
    // One storage object: VM b's attachment sees the new size too.
    let got_b = store.get_vm(ids[1]).await.unwrap().expect("b");
    assert_eq!(got_b.disks[0].capacity_bytes, Some(5 << 30));
    assert_eq!(got_b.disks[0].format.as_deref(), Some("raw"));
    assert_eq!(got_b.disks[0].target, "vdb");
}

/// Inserts `n` VMs with one disk each, in one committed pass.
async fn insert_many(store: &SqliteStore, host: HostId, n: usize) {
    let batch = InventoryBatch {
        insert_vms: (0..n)
            .map(|i| {
                let v = vm(
                    &format!("vm-{i}"),
                    &format!("00000000-0000-0000-0000-{i:012}"),
                    vec![disk("vda", Some(&format!("/images/{i}.qcow2")))],
                );
                (VmId::new(), v, format!("h{i}"))
            })
            .collect(),
        ..InventoryBatch::default()
    };
    let mut w = store.begin_inventory(host, Utc::now()).await.unwrap();
    w.write(&batch).await.unwrap();
    w.commit().await.unwrap();
}

async fn page_size(url: &str) -> i64 {
    let reader = sqlx::SqlitePool::connect(url).await.unwrap();
    let (size,): (i64,) = sqlx::query_as("SELECT page_size FROM pragma_page_size()")
        .fetch_one(&reader)
        .await
        .unwrap();
    reader.close().await;
    size
}

#[tokio::test]
async fn a_new_database_has_large_pages_and_an_existing_one_keeps_its_own() {
    let (dir, store, host) = store().await;
    insert_many(&store, host, 20).await;
    store.close().await;
    assert_eq!(page_size(&url(&dir)).await, 16384);

    // A database an earlier version made, with SQLite's default 4 KiB pages: reopened, it
    // takes VMs and keeps its pages.
    let old = tempfile::tempdir().unwrap();
    let plain = sqlx::SqlitePool::connect_with(
        url(&old)
            .parse::<sqlx::sqlite::SqliteConnectOptions>()
            .unwrap()
            .create_if_missing(true)
            .page_size(4096)
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal),
    )
    .await
    .unwrap();
    sqlx::migrate!("../../migrations/sqlite")
        .run(&plain)
        .await
        .unwrap();
    plain.close().await;
    let reopened = SqliteStore::open(&url(&old)).await.unwrap();
    let host = add_host(&reopened).await;
    insert_many(&reopened, host, 20).await;
    let page = reopened.list_vms(&VmQuery::default()).await.unwrap();
    assert_eq!(page.total, 20);
    reopened.close().await;
    assert_eq!(page_size(&url(&old)).await, 4096);
}

#[tokio::test]
async fn a_large_commit_is_checkpointed_in_the_background() {
    let (dir, store, host) = store().await;
    let file = dir.path().join("v.db");
    insert_many(&store, host, 500).await;
    // Nothing has awaited since the commit, so on this single-threaded runtime the checkpoint
    // cannot have run yet: what the file holds now is what the commit itself put there.
    let db_bytes = || std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    let after_commit = db_bytes();
    let reader = sqlx::SqlitePool::connect(&url(&dir)).await.unwrap();
    let (count, size): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT page_count FROM pragma_page_count()), (SELECT page_size FROM pragma_page_size())",
    )
    .fetch_one(&reader)
    .await
    .unwrap();
    reader.close().await;
    let expected = (count * size) as u64;
    assert!(
        after_commit < expected,
        "the commit checkpointed: the file held {after_commit} of {expected} bytes"
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while db_bytes() < expected {
        assert!(
            Instant::now() < deadline,
            "no checkpoint: the file holds {} of {expected} bytes",
            db_bytes()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn close_moves_the_log_into_the_database_and_later_calls_fail() {
    let (dir, store, host) = store().await;
    insert_many(&store, host, 300).await;
    let wal = dir.path().join("v.db-wal");
    assert!(
        std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0),
        "the commit went to the log"
    );
    store.close().await;
    // The last connection's close checkpointed the log and removed it.
    assert!(
        std::fs::metadata(&wal).map_or(true, |m| m.len() == 0),
        "the log is still there after close"
    );
    assert!(
        store.list_vms(&VmQuery::default()).await.is_err(),
        "a closed store still answered"
    );
    // Everything is in the database file itself.
    let again = SqliteStore::open(&url(&dir)).await.unwrap();
    let page = again
        .list_vms(&VmQuery {
            limit: 1,
            ..VmQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(page.total, 300);
}

#[tokio::test]
async fn a_refused_row_fails_the_write_clearly_and_the_pass_rolls_back() {
    let (_dir, store, host) = store().await;
    let uuid = "00000000-0000-0000-0000-0000000000aa";
    let first = VmId::new();
    let mut w = store.begin_inventory(host, Utc::now()).await.unwrap();
    let batch = InventoryBatch {
        insert_vms: vec![(first, vm("a", uuid, vec![]), "h".into())],
        ..InventoryBatch::default()
    };
    w.write(&batch).await.unwrap();
    w.commit().await.unwrap();

    // A second pass that writes a new VM, then one with a UUID the host already has.
    let fresh = VmId::new();
    let mut w = store.begin_inventory(host, Utc::now()).await.unwrap();
    let ok = InventoryBatch {
        insert_vms: vec![(
            fresh,
            vm("b", "00000000-0000-0000-0000-0000000000bb", vec![]),
            "h".into(),
        )],
        ..InventoryBatch::default()
    };
    w.write(&ok).await.unwrap();
    let clash = InventoryBatch {
        insert_vms: vec![(VmId::new(), vm("c", uuid, vec![]), "h".into())],
        ..InventoryBatch::default()
    };
    let err = w.write(&clash).await.expect_err("the UUID is taken");
    assert!(
        err.to_string()
            .contains("UNIQUE constraint failed: vms.host_id, vms.uuid"),
        "{err}"
    );
    drop(w);

    // Nothing of the failed pass is stored; the first pass is intact.
    assert!(store.get_vm(first).await.unwrap().is_some());
    assert!(store.get_vm(fresh).await.unwrap().is_none());
    assert_eq!(store.vm_sync_states(host).await.unwrap().len(), 1);
}
