//! A full pass that outlasts its write-through budget gives the transaction back, rolls back
//! what it wrote and writes everything at the end: the result must be the same as writing
//! through, and a pass that fails after falling back must still apply nothing.

use crate::{open, store_with_host};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use virtumancer_drivers::{DriverError, InventoryPart};
use virtumancer_engine::{EventBus, InventorySync, SyncReport};
use virtumancer_model::HostId;
use virtumancer_store::{Store, VmQuery};

/// `value` without the keys that differ between two databases holding the same inventory:
/// our ids, the host's id and name, and when rows were written.
fn without_ids(mut value: Value) -> Value {
    const LOCAL: [&str; 6] = [
        "id",
        "hostId",
        "hostName",
        "lastSeenAt",
        "createdAt",
        "updatedAt",
    ];
    match &mut value {
        Value::Object(map) => {
            for key in LOCAL {
                map.remove(key);
            }
            for v in map.values_mut() {
                *v = without_ids(std::mem::take(v));
            }
        }
        Value::Array(items) => {
            for v in items.iter_mut() {
                *v = without_ids(std::mem::take(v));
            }
        }
        _ => {}
    }
    value
}

/// Everything the database knows about `host`'s inventory, in a comparable form.
async fn dump(store: &Arc<dyn Store>, host: HostId) -> Vec<Value> {
    let page = store
        .list_vms(&VmQuery {
            host: Some(host),
            include_gone: true,
            include_dismissed: true,
            limit: 1000,
            ..VmQuery::default()
        })
        .await
        .unwrap();
    let mut out = Vec::new();
    for vm in page.items {
        let detail = store.get_vm(vm.id).await.unwrap().expect("listed");
        out.push(without_ids(serde_json::to_value(detail).unwrap()));
    }
    out.sort_by_key(|v| v["vm"]["uuid"].as_str().unwrap_or_default().to_owned());
    let mut hashes: Vec<_> = store
        .pool_hashes(host)
        .await
        .unwrap()
        .into_iter()
        .chain(store.network_hashes(host).await.unwrap())
        .map(|h| serde_json::json!([h.uuid, h.config_hash]))
        .collect();
    hashes.sort_by_key(|v| v.to_string());
    out.extend(hashes);
    let mut networks: Vec<_> = store
        .list_networks(Some(host))
        .await
        .unwrap()
        .into_iter()
        .map(|n| without_ids(serde_json::to_value(n).unwrap()))
        .collect();
    networks.sort_by_key(|v| v.to_string());
    out.extend(networks);
    out
}

/// How many more times than once the VMs in `dump` attach a disk (as the store keys disks:
/// by path, else pool and volume, else protocol and name).
fn shared_disk_repeats(dump: &[Value]) -> u64 {
    let mut uses = std::collections::HashMap::<String, u64>::new();
    for disk in dump.iter().filter_map(|v| v["disks"].as_array()).flatten() {
        let text = |k: &str| disk[k].as_str().map(str::to_owned);
        let key = text("sourcePath")
            .or_else(|| Some(format!("volume:{}/{}", text("pool")?, text("volume")?)))
            .or_else(|| {
                Some(format!(
                    "{}:{}",
                    text("protocol")?,
                    text("remoteName").unwrap_or_default()
                ))
            });
        if let Some(key) = key {
            *uses.entry(key).or_default() += 1;
        }
    }
    uses.values().map(|n| n - 1).sum()
}

#[tokio::test]
async fn a_pass_over_its_write_budget_buffers_and_stores_the_same() {
    const N: usize = 300;
    let dir = tempfile::tempdir().unwrap();
    let node = xtask::generate(&xtask::NodeSpec {
        domains: N,
        seed: 3,
        ..xtask::NodeSpec::default()
    })
    .unwrap();
    let path = dir.path().join("node.xml");
    std::fs::write(&path, &node.xml).unwrap();
    let uri = format!("test://{}", path.display());
    let conn = open(dir.path(), &uri).await;

    let mut results: Vec<(SyncReport, Vec<Value>)> = Vec::new();
    // An hour's budget writes through however slow the machine; a zero budget gives the
    // transaction back after the first write and buffers the rest.
    for (file, budget) in [
        ("through.db", Duration::from_secs(3600)),
        ("buffered.db", Duration::ZERO),
    ] {
        let (store, host) = store_with_host(dir.path(), file, &uri).await;
        let sync = InventorySync::new(host, Arc::clone(&store), EventBus::new())
            .with_write_through_budget(budget);
        let report = sync.full(conn.as_ref()).await.unwrap();
        assert_eq!((report.vms_seen, report.vms_changed), (N, N), "{file}");
        let again = sync.full(conn.as_ref()).await.unwrap();
        assert_eq!(
            again.rows_written, 0,
            "{file}: a no-change re-sync writes nothing"
        );
        results.push((report, dump(&store, host).await));
    }
    let (through, buffered) = (&results[0], &results[1]);
    // A disk several VMs attach is upserted (and counted) once per write that attaches it,
    // and how a pass's batches group into writes depends on timing: the two counts may differ
    // by those repeats, never by the rows of the write that was rolled back.
    let repeats = shared_disk_repeats(&through.1);
    assert!(
        through.0.rows_written.abs_diff(buffered.0.rows_written) <= repeats,
        "rows counted once, not also for the rolled-back writes: {} written through, {} \
         buffered, {repeats} repeated upserts of shared disks at most",
        through.0.rows_written,
        buffered.0.rows_written
    );
    assert_eq!(through.1.len(), buffered.1.len());
    assert!(
        through.1.len() > N,
        "VMs, pools and networks: {}",
        through.1.len()
    );
    for (a, b) in through.1.iter().zip(&buffered.1) {
        assert_eq!(a, b);
    }
    conn.close().await;
}

#[tokio::test]
async fn a_pass_that_fails_after_falling_back_applies_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (store, host) = store_with_host(dir.path(), "v.db", "test:///default").await;
    let conn = open(dir.path(), "test:///default").await;
    let inventory = conn.inventory().snapshot().await.unwrap();
    assert!(!inventory.vms.is_empty() && !inventory.pools.is_empty());
    let sync = InventorySync::new(host, Arc::clone(&store), EventBus::new())
        .with_write_through_budget(Duration::ZERO);

    // Pools and VMs arrive (the first is written through, then the pass falls back to
    // buffering), then the host goes away.
    let (tx, rx) = mpsc::channel(4);
    for part in [
        InventoryPart::Pools(inventory.pools.clone()),
        InventoryPart::Networks(inventory.networks.clone()),
        InventoryPart::Vms(inventory.vms.clone()),
    ] {
        tx.send(Ok(part)).await.unwrap();
    }
    tx.send(Err(DriverError::Unavailable("host went away".into())))
        .await
        .unwrap();
    drop(tx);
    let err = sync.apply_stream(rx).await.unwrap_err();
    assert!(err.to_string().contains("host went away"), "{err}");
    assert!(
        dump(&store, host).await.is_empty(),
        "nothing of the pass is applied"
    );

    // The database is not left locked: the next pass stores everything.
    let report = sync.apply_snapshot(inventory.clone()).await.unwrap();
    assert_eq!(report.vms_seen, inventory.vms.len());
    assert_eq!(
        store.pool_hashes(host).await.unwrap().len(),
        inventory.pools.len()
    );
    conn.close().await;
}
