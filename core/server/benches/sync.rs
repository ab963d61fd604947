//! `make bench`: inventory sync against libvirt's test driver on generated nodes.
//!
//! For each node size it prints the floor (enumerating every domain with its XML through the
//! `virt` crate alone, on an open connection), Virtumancer's full first sync into a fresh SQLite
//! database (pools, volumes, networks, domains, states, block sizes, parsing, writes), their
//! ratio, the no-change re-sync time and the rows it wrote, and the time to read one page of
//! `GET /api/v1/vms`. Ratios are measured in the same run, so they compare like with like.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use virtumancer_drivers::{ConnectSpec, Registry};
use virtumancer_engine::{EventBus, InventorySync};
use virtumancer_model::{HostId, HostUri};
use virtumancer_plugin_libvirt as _;
use virtumancer_store::{HostConfig, VmQuery};

fn secs(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

fn floor(uri: &str) -> (Duration, usize) {
    let mut conn = virt::connect::Connect::open(Some(uri)).expect("open");
    let t = Instant::now();
    let mut bytes = 0;
    let doms = conn.list_all_domains(0).expect("list");
    for d in &doms {
        bytes += d.get_xml_desc(0).expect("xml").len();
    }
    let took = t.elapsed();
    assert!(bytes > 0);
    let n = doms.len();
    drop(doms);
    let _ = conn.close();
    (took, n)
}

async fn ours(dir: &std::path::Path, uri: &str) -> (Duration, usize, Duration, u64, Duration, u64) {
    let mut cfg = BTreeMap::new();
    cfg.insert(
        "libvirt".to_owned(),
        serde_json::json!({ "stateDir": dir.join("libvirt") }),
    );
    let registry = Registry::from_inventory(&cfg).expect("registry");
    let parsed = HostUri::parse(uri).expect("uri");
    let conn = registry
        .host_connector(&parsed)
        .expect("connector")
        .open(&ConnectSpec::plain(parsed))
        .await
        .expect("open");
    let store = virtumancer_store::open(&format!("sqlite:{}", dir.join("bench.db").display()))
        .await
        .expect("store");
    let host = HostId::new();
    let cfg = HostConfig {
        name: "bench".into(),
        uri: uri.into(),
        key_file: None,
        host_key: None,
    };
    store.insert_host(host, &cfg, false).await.expect("host");
    let sync = InventorySync::new(host, Arc::clone(&store), EventBus::new());
    let t = Instant::now();
    let snapshot = conn.inventory().snapshot().await.expect("snapshot");
    let read = t.elapsed();
    let first = sync.apply_snapshot(snapshot).await.expect("full sync");
    let full = t.elapsed();
    eprintln!(
        "  {} domains: read {} + diff/write {}",
        first.vms_seen,
        secs(read),
        secs(full - read)
    );
    let t = Instant::now();
    let again = sync.full(conn.as_ref()).await.expect("re-sync");
    let resync = t.elapsed();
    let t = Instant::now();
    let page = store
        .list_vms(&VmQuery {
            limit: 50,
            ..VmQuery::default()
        })
        .await
        .expect("page");
    let page_time = t.elapsed();
    assert_eq!(page.items.len(), 50);
    conn.close().await;
    (
        full,
        first.vms_seen,
        resync,
        again.rows_written,
        page_time,
        page.total,
    )
}

fn main() {
    let sizes: Vec<usize> = std::env::var("BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000]);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    println!("inventory sync on libvirt's test driver (generated nodes, seed 1)");
    println!(
        "{:>8} {:>12} {:>12} {:>8} {:>12} {:>10} {:>14}",
        "domains", "floor", "full sync", "ratio", "re-sync", "rows", "GET /vms page"
    );
    for n in sizes {
        let dir = tempfile::tempdir().expect("tempdir");
        let node = xtask::generate(&xtask::NodeSpec {
            domains: n,
            seed: 1,
            ..xtask::NodeSpec::default()
        })
        .expect("generate");
        let path = dir.path().join("node.xml");
        std::fs::write(&path, &node.xml).expect("write node");
        let uri = format!("test://{}", path.display());
        let (floor_time, floor_n) = floor(&uri);
        let (full, seen, resync, rows, page_time, total) = rt.block_on(ours(dir.path(), &uri));
        assert_eq!((floor_n, seen, total as usize), (n, n, n));
        println!(
            "{:>8} {:>12} {:>12} {:>7.2}x {:>12} {:>10} {:>14}",
            n,
            secs(floor_time),
            secs(full),
            full.as_secs_f64() / floor_time.as_secs_f64(),
            secs(resync),
            rows,
            format!("{:.1} ms", page_time.as_secs_f64() * 1000.0)
        );
    }
}
