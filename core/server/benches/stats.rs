//! `make bench` (second part): live statistics on libvirt's test driver.
//!
//! 1. For nodes of 1,000 and 10,000 domains: the raw bulk stats call and freeing its result
//!    (the floor) against the collector's full tick on the same host (driver call and
//!    decoding, node stats, rates, the hub, one event), alternating, median of 11, and their
//!    ratio.
//! 2. The server's CPU while 50 WebSocket clients follow the `stats` topic of a 1,000-VM host
//!    at the fast tick (1 Hz), measured from /proc over 10 s.
//! 3. Memory per VM of the in-memory history, counted by the allocator.

#![allow(unsafe_code)] // a counting global allocator (memory per VM) must implement GlobalAlloc

use std::alloc::{GlobalAlloc, Layout};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::{Duration, Instant};

/// mimalloc, counting the bytes in use.
struct Counting;

static IN_USE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: forwards to mimalloc unchanged and only counts sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        IN_USE.fetch_add(l.size() as isize, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { mimalloc::MiMalloc.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        IN_USE.fetch_sub(l.size() as isize, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { mimalloc::MiMalloc.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        IN_USE.fetch_add(new as isize - l.size() as isize, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { mimalloc::MiMalloc.realloc(p, l, new) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

use futures::StreamExt as _;
use virtumancer_drivers::{ConnectSpec, Registry, VmCounters};
use virtumancer_engine::{EventBus, HISTORY_POINTS, HostCollector, InventorySync, StatsHub};
use virtumancer_model::{HostId, HostStats, HostUri, PowerState, VmId, VmStats};
use virtumancer_plugin_libvirt as _;
use virtumancer_store::HostConfig;

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

const GROUPS: u32 = virt::sys::VIR_DOMAIN_STATS_STATE
    | virt::sys::VIR_DOMAIN_STATS_CPU_TOTAL
    | virt::sys::VIR_DOMAIN_STATS_BALLOON
    | virt::sys::VIR_DOMAIN_STATS_VCPU
    | virt::sys::VIR_DOMAIN_STATS_INTERFACE
    | virt::sys::VIR_DOMAIN_STATS_BLOCK;

fn node(dir: &std::path::Path, n: usize) -> String {
    let node = xtask::generate(&xtask::NodeSpec {
        domains: n,
        seed: 1,
        ..xtask::NodeSpec::default()
    })
    .expect("generate");
    let path = dir.join(format!("node-{n}.xml"));
    std::fs::write(&path, &node.xml).expect("write node");
    format!("test://{}", path.display())
}

/// Floor and tick for one node; returns (running domains, floor, tick).
async fn tick_vs_floor(dir: &std::path::Path, uri: &str) -> (usize, Duration, Duration) {
    let mut raw = virt::connect::Connect::open(Some(uri)).expect("open");
    let mut running = 0;
    // The raw call and freeing its result (the virt crate's wrapper never frees the records,
    // so it is not used here).
    let mut raw_call = || {
        let t = Instant::now();
        let mut records: *mut virt::sys::virDomainStatsRecordPtr = std::ptr::null_mut();
        // SAFETY: a valid connection and an out-pointer; the array is freed right after.
        let n = unsafe {
            virt::sys::virConnectGetAllDomainStats(
                raw.as_ptr(),
                GROUPS,
                &mut records,
                virt::sys::VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT,
            )
        };
        assert!(n >= 0, "stats call failed");
        // SAFETY: the array came from the call above and is freed once.
        unsafe { virt::sys::virDomainStatsRecordListFree(records) };
        running = n as usize;
        t.elapsed()
    };

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
    let db = dir.join(format!("stats-{}.db", uuid::Uuid::new_v4()));
    let store = virtumancer_store::open(&format!("sqlite:{}", db.display()))
        .await
        .expect("store");
    let host = HostId::new();
    store
        .insert_host(
            host,
            &HostConfig {
                name: "bench".into(),
                uri: uri.into(),
                key_file: None,
                host_key: None,
            },
            false,
        )
        .await
        .expect("host");
    let bus = EventBus::new();
    InventorySync::new(host, Arc::clone(&store), bus.clone())
        .full(conn.as_ref())
        .await
        .expect("sync");
    let hub = StatsHub::new();
    let _watch = hub.watch();
    let mut sub = bus.subscribe();
    let mut collector = HostCollector::new(host, Arc::clone(&hub), store, bus);
    collector.tick(conn.as_ref()).await.expect("first tick");
    // Floor and tick alternate, so both see the same machine load.
    let (mut floor, mut ticks) = (Vec::new(), Vec::new());
    for _ in 0..11 {
        floor.push(raw_call());
        let t = Instant::now();
        collector.tick(conn.as_ref()).await.expect("tick");
        ticks.push(t.elapsed());
        while sub.try_recv().is_ok() {}
    }
    let _ = raw.close();
    conn.close().await;
    (running, median(floor), median(ticks))
}

fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    rest.split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|v| v.parse::<u64>().ok())
        .sum()
}

/// The server's CPU (% of one core) with `clients` WebSocket clients on `stats` for 10 s, and
/// messages each client received.
async fn server_cpu(dir: &std::path::Path, uri: &str, clients: usize) -> (f64, f64, usize) {
    let data = dir.join("server");
    std::fs::create_dir_all(&data).expect("data dir");
    let ready = data.join("ready");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_virtumancer"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--demo-host",
            "false",
            "--log-level",
            "warn",
        ])
        .arg("--data-dir")
        .arg(&data)
        .arg("--ready-file")
        .arg(&ready)
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn server");
    let deadline = Instant::now() + Duration::from_secs(30);
    let addr = loop {
        if let Ok(a) = std::fs::read_to_string(&ready)
            && !a.is_empty()
        {
            break a;
        }
        assert!(Instant::now() < deadline, "server did not start");
        tokio::time::sleep(Duration::from_millis(50)).await; // polling a file, with a deadline
    };
    let http = reqwest::Client::new();
    let r = http
        .post(format!("http://{addr}/api/v1/hosts"))
        .json(&serde_json::json!({"name": "bench", "uri": uri}))
        .send()
        .await
        .expect("add host");
    assert_eq!(r.status().as_u16(), 201);
    // Wait until the collector reports every VM, with one subscriber.
    let (mut probe, _) =
        tokio_tungstenite::connect_async(format!("ws://{addr}/api/v1/events?topics=stats"))
            .await
            .expect("ws");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    loop {
        let msg = tokio::time::timeout_at(deadline, probe.next())
            .await
            .expect("no full stats message within 120 s")
            .expect("stream")
            .expect("ws");
        if let tokio_tungstenite::tungstenite::Message::Text(t) = msg
            && serde_json::from_str::<serde_json::Value>(&t).expect("json")["vms"]
                .as_array()
                .is_some_and(|v| v.len() >= 1000)
        {
            break;
        }
    }
    drop(probe);
    let mut readers = Vec::new();
    for _ in 0..clients {
        let (ws, _) =
            tokio_tungstenite::connect_async(format!("ws://{addr}/api/v1/events?topics=stats"))
                .await
                .expect("ws");
        readers.push(tokio::spawn(async move {
            let mut ws = ws;
            let mut n = 0usize;
            let stop = tokio::time::Instant::now() + Duration::from_secs(12);
            while let Ok(Some(Ok(m))) = tokio::time::timeout_at(stop, ws.next()).await {
                if matches!(m, tokio_tungstenite::tungstenite::Message::Text(_)) {
                    n += 1;
                }
            }
            n
        }));
    }
    // Let the clients settle, then measure 10 s.
    tokio::time::sleep(Duration::from_secs(1)).await; // a measurement window, not a wait for a condition
    let (t0, c0) = (Instant::now(), cpu_ticks(child.id()));
    tokio::time::sleep(Duration::from_secs(10)).await; // the measurement window
    let (secs, used) = (t0.elapsed().as_secs_f64(), cpu_ticks(child.id()) - c0);
    let mut got = Vec::new();
    for r in readers {
        got.push(r.await.expect("reader"));
    }
    let _ = child.kill();
    let _ = child.wait();
    let cpu = used as f64 / 100.0 / secs * 100.0;
    let min = *got.iter().min().unwrap_or(&0);
    (
        cpu,
        got.iter().sum::<usize>() as f64 / got.len().max(1) as f64,
        min,
    )
}

/// Bytes of in-memory history per VM with the history full.
fn memory_per_vm(n: usize) -> f64 {
    let hub = StatsHub::new();
    let host = HostId::new();
    let ids: Vec<VmId> = (0..n).map(|_| VmId::new()).collect();
    let before = IN_USE.load(Ordering::Relaxed);
    let t0 = chrono::Utc::now();
    for tick in 0..HISTORY_POINTS {
        let at = t0 + chrono::Duration::seconds(tick as i64);
        let vms = ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let s = VmStats {
                    vm_id: *id,
                    at,
                    state: PowerState::Running,
                    cpu_percent: Some(1.0),
                    host_cpu_percent: Some(0.1),
                    memory_bytes: Some(1 << 30),
                    memory_used_bytes: Some(1 << 29),
                    disk_read_bps: Some(1.0),
                    disk_write_bps: Some(1.0),
                    disk_read_iops: Some(1.0),
                    disk_write_iops: Some(1.0),
                    net_rx_bps: Some(1.0),
                    net_tx_bps: Some(1.0),
                    net_rx_pps: Some(1.0),
                    net_tx_pps: Some(1.0),
                };
                let c = VmCounters {
                    uuid: uuid::Uuid::from_u128(i as u128),
                    state: PowerState::Running,
                    ..VmCounters::default()
                };
                (s, c, format!("vm-{i}"))
            })
            .collect();
        let h = HostStats {
            host_id: host,
            at,
            cpus: 8,
            cpu_percent: Some(1.0),
            memory_total_bytes: Some(1),
            memory_used_bytes: Some(1),
            vms_running: 1,
            interval_secs: 1.0,
        };
        hub.record(h, vms);
    }
    let used = IN_USE.load(Ordering::Relaxed) - before;
    drop(hub);
    used as f64 / n as f64
}

fn main() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    println!("live statistics on libvirt's test driver (generated nodes, seed 1)");
    println!(
        "{:>8} {:>9} {:>14} {:>16} {:>7}",
        "domains", "reported", "floor (median)", "our tick (median)", "ratio"
    );
    let sizes: Vec<usize> = std::env::var("BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000]);
    for n in sizes {
        let uri = node(dir.path(), n);
        let (reported, floor, tick) = rt.block_on(tick_vs_floor(dir.path(), &uri));
        println!(
            "{:>8} {:>9} {:>14} {:>16} {:>6.2}x",
            n,
            reported,
            ms(floor),
            ms(tick),
            tick.as_secs_f64() / floor.as_secs_f64()
        );
    }
    let uri = node(dir.path(), 1_000);
    let (cpu, per_client, min) = rt.block_on(server_cpu(dir.path(), &uri, 50));
    println!(
        "server CPU with 50 WebSocket clients on `stats` of 1,000 VMs at 1 Hz: {cpu:.1} % of one core \
         ({per_client:.1} messages per client in 12 s, fewest {min})"
    );
    let per_vm = memory_per_vm(10_000);
    println!(
        "in-memory history: {:.1} KiB per VM ({HISTORY_POINTS} samples each, measured over 10,000 VMs)",
        per_vm / 1024.0
    );
}
