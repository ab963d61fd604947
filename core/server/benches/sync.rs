//! `make bench`: inventory sync against libvirt's test driver on generated nodes.
//!
//! For each node size it prints the floor (enumerating every domain with its XML through the
//! `virt` crate alone) and Virtumancer's full sync of the same node into a fresh SQLite
//! database (pools, volumes, networks, domains, states, block sizes, parsing, writes — read,
//! parsed and written concurrently, as the server does it), and their ratio. Both are
//! measured twice:
//!
//! - cold: the first pass of a fresh process on a fresh connection (what a host's sync costs
//!   when the server starts), each in a child process of its own, the floor's and ours
//!   alternating which runs first. Opening a test-driver node parses the whole file in our
//!   process and leaves glibc's heap to be consolidated by the next large allocation: about
//!   17 ms per 1,000 domains that landed in the first listing, on both sides, and made the
//!   cold ratios look better than the work they compare. A real host parses no node file, so
//!   both children consolidate before the clock starts ([`settle_heap`]);
//! - warm: on a connection that has listed its domains before (what a periodic reconcile
//!   costs).
//!
//! Then the no-change re-sync time and the rows it wrote, and the time to read one page of
//! `GET /api/v1/vms`. Everything is measured in the same run, so ratios compare like with like.
//! Each figure is the median of `BENCH_ROUNDS` rounds (default 3), each round on fresh
//! connections, because single runs on a 2-CPU machine vary by ±10 %. Every database is closed
//! (which moves SQLite's log into the file) before the next thing is timed, so no measurement
//! pays for the previous one's clean-up.
//!
//! `BENCH_HOSTS=uri,…` adds cold passes on existing hosts, such as `qemu:///system` or a node
//! served by libvirtd (`test+unix:///path/node.xml`), where every call is a round trip; an empty
//! `BENCH_SIZES=` skips the nodes. `BENCH_SIZES=10000` picks the node sizes; `PROFILE_REPEAT=N` repeats the warm sync N more times
//! (untimed) so that a profiler (`perf record`) sees mostly the sync. The timed parts are marked
//! for callgrind (`scripts/bench-instructions.sh` counts their instructions) and for perf
//! (`scripts/bench-profile.sh` samples them), and
//! `BENCH_WRITE_THROUGH_SECS` lifts the sync's write-through budget for runs under valgrind.

/// The server's allocator, configured as the server configures it. (Its unit test is the
/// server's; a bench without the test harness only compiles it.)
#[path = "../src/allocator.rs"]
#[allow(dead_code, unused_imports)]
mod allocator;

#[path = "support/callgrind.rs"]
mod callgrind;
#[path = "support/perf_window.rs"]
mod perf_window;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use virtumancer_drivers::{ConnectSpec, HostConnection, Registry};
use virtumancer_engine::{EventBus, InventorySync};
use virtumancer_model::{HostId, HostUri};
use virtumancer_plugin_libvirt as _;
use virtumancer_store::{HostConfig, Store, VmQuery};

fn secs(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

/// CPU time this process has used so far (all threads), from /proc (10 ms resolution).
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<u64> = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|v| v.parse().ok())
        .collect();
    Duration::from_millis(f.iter().sum::<u64>() * 10)
}

/// Lists every domain and fetches its XML; returns the time and the domain count.
fn enumerate(conn: &virt::connect::Connect) -> (Duration, usize) {
    callgrind::start();
    perf_window::enable();
    let t = Instant::now();
    let mut bytes = 0;
    let doms = conn.list_all_domains(0).expect("list");
    for d in &doms {
        bytes += d.get_xml_desc(0).expect("xml").len();
    }
    let took = t.elapsed();
    perf_window::disable();
    callgrind::stop();
    assert!(bytes > 0);
    (took, doms.len())
}

/// The floor on a connection that has listed its domains once before: (time, domains).
fn floor_warm(uri: &str) -> (Duration, usize) {
    let mut conn = virt::connect::Connect::open(Some(uri)).expect("open");
    enumerate(&conn);
    let warm = enumerate(&conn);
    let _ = conn.close();
    warm
}

struct Ours {
    cold: Duration,
    warm: Duration,
    warm_cpu: Duration,
    resync: Duration,
    resync_rows: u64,
    page: Duration,
}

async fn open_store(dir: &std::path::Path, file: &str, uri: &str) -> (Arc<dyn Store>, HostId) {
    let store = virtumancer_store::open(&format!("sqlite:{}", dir.join(file).display()))
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
    (store, host)
}

/// One full sync into a fresh database; returns the syncer, its store and the time.
async fn first_sync(
    dir: &std::path::Path,
    file: &str,
    uri: &str,
    conn: &dyn HostConnection,
    n: usize,
) -> (InventorySync, Arc<dyn Store>, Duration) {
    let (store, host) = open_store(dir, file, uri).await;
    let mut sync = InventorySync::new(host, Arc::clone(&store), EventBus::new());
    // Under valgrind a pass runs about 50 times slower and would fall back to buffering,
    // which writes everything twice: instruction counts need the budget lifted.
    if let Some(secs) = std::env::var("BENCH_WRITE_THROUGH_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        sync = sync.with_write_through_budget(Duration::from_secs(secs));
    }
    callgrind::start();
    perf_window::enable();
    let t = Instant::now();
    let report = sync.full(conn).await.expect("full sync");
    let took = t.elapsed();
    perf_window::disable();
    callgrind::stop();
    assert_eq!(report.vms_seen, n);
    (sync, store, took)
}

/// A connection through the libvirt plugin, as the server opens it.
async fn connect(dir: &std::path::Path, uri: &str) -> Box<dyn HostConnection> {
    let mut cfg = BTreeMap::new();
    cfg.insert(
        "libvirt".to_owned(),
        serde_json::json!({ "stateDir": dir.join("libvirt") }),
    );
    let registry = Registry::from_inventory(&cfg).expect("registry");
    let parsed = HostUri::parse(uri).expect("uri");
    registry
        .host_connector(&parsed)
        .expect("connector")
        .open(&ConnectSpec::plain(parsed))
        .await
        .expect("open")
}

async fn ours(dir: &std::path::Path, uri: &str, n: usize) -> Ours {
    let conn = connect(dir, uri).await;
    // The connection's first pass, untimed (the cold figure comes from a child process).
    let (_, first_store, _) = first_sync(dir, "first.db", uri, conn.as_ref(), n).await;
    // Closed here, its log is moved into the file now rather than during the next pass.
    first_store.close().await;
    let cpu = cpu_time();
    let (sync, store, warm) = first_sync(dir, "warm.db", uri, conn.as_ref(), n).await;
    let warm_cpu = cpu_time() - cpu;
    for i in 0..std::env::var("PROFILE_REPEAT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
    {
        let _ = first_sync(dir, &format!("p{i}.db"), uri, conn.as_ref(), n).await;
    }
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
    assert_eq!((page.items.len(), page.total as usize), (50, n));
    store.close().await;
    conn.close().await;
    Ours {
        cold: Duration::ZERO,
        warm,
        warm_cpu,
        resync,
        resync_rows: again.rows_written,
        page: page_time,
    }
}

/// `BENCH_ROUNDS`, 3 by default.
fn rounds() -> usize {
    std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3)
        .max(1)
}

fn median(d: impl Iterator<Item = Duration>) -> Duration {
    let mut d: Vec<Duration> = d.collect();
    d.sort();
    d[d.len() / 2]
}

fn ratio(a: Duration, b: Duration) -> String {
    format!("{:.2}x", a.as_secs_f64() / b.as_secs_f64())
}

/// The environment variable that makes this binary a cold-pass child: `floor` or `ours`, with
/// `BENCH_CHILD_URI`, `BENCH_CHILD_N` and `BENCH_CHILD_DIR`; it prints the seconds taken.
const CHILD: &str = "BENCH_CHILD";

/// Consolidates the C heap once a test-driver connection is open, before the clock starts.
/// Opening a `test:///` node parses its whole XML file in this process and leaves millions of
/// freed small blocks in glibc's fast bins; the next large allocation, whichever it is, merges
/// them all (about 17 ms per 1,000 domains, which the first listing used to pay). A real host
/// parses no node file in our process, so that cost belongs to neither side of the ratio.
#[allow(unsafe_code)]
fn settle_heap() {
    // SAFETY: `malloc_trim` takes no pointers and may be called at any time from any thread.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// One cold pass in this (fresh) process, as a child of [`cold_in_child`].
fn cold_child(kind: &str) {
    let var = |k: &str| std::env::var(k).unwrap_or_else(|_| panic!("{k} is not set"));
    let (uri, dir) = (
        var("BENCH_CHILD_URI"),
        std::path::PathBuf::from(var("BENCH_CHILD_DIR")),
    );
    let n: usize = var("BENCH_CHILD_N").parse().expect("BENCH_CHILD_N");
    let took = match kind {
        "floor" => {
            let mut conn = virt::connect::Connect::open(Some(&uri)).expect("open");
            settle_heap();
            let (took, found) = enumerate(&conn);
            assert_eq!(found, n);
            let _ = conn.close();
            took
        }
        "ours" => tokio::runtime::Runtime::new()
            .expect("runtime")
            .block_on(async {
                let conn = connect(&dir, &uri).await;
                settle_heap();
                let (_, store, took) = first_sync(&dir, "cold.db", &uri, conn.as_ref(), n).await;
                store.close().await;
                conn.close().await;
                took
            }),
        other => panic!("unknown {CHILD} {other:?}"),
    };
    println!("{}", took.as_secs_f64());
}

/// Runs one cold pass (`floor` or `ours`) in a fresh process; returns its time.
fn cold_in_child(kind: &str, uri: &str, n: usize, dir: &std::path::Path) -> Duration {
    let out = std::process::Command::new(std::env::current_exe().expect("own path"))
        .env(CHILD, kind)
        .env("BENCH_CHILD_URI", uri)
        .env("BENCH_CHILD_N", n.to_string())
        .env("BENCH_CHILD_DIR", dir)
        .stderr(std::process::Stdio::inherit())
        .output()
        .expect("running the cold pass");
    assert!(out.status.success(), "the {kind} cold pass failed");
    let secs: f64 = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("the child prints its seconds");
    Duration::from_secs_f64(secs)
}

fn main() {
    allocator::configure();
    if let Ok(kind) = std::env::var(CHILD) {
        return cold_child(&kind);
    }
    let sizes: Vec<usize> = std::env::var("BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000]);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    println!(
        "inventory sync on libvirt's test driver (generated nodes, seed 1; {} CPUs; medians of {} rounds)",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        rounds()
    );
    println!(
        "{:>8} | {:>9} {:>9} {:>6} | {:>9} {:>9} {:>6} {:>9} | {:>9} {:>5} | {:>8}",
        "domains",
        "floor",
        "sync",
        "ratio",
        "floor",
        "sync",
        "ratio",
        "sync CPU",
        "re-sync",
        "rows",
        "GET page"
    );
    println!(
        "{:>8} | {:^26} | {:^36} | {:^15} |",
        "", "cold (fresh process)", "warm (connection used before)", "no change"
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
        let (mut floors, mut runs) = (Vec::new(), Vec::new());
        for round in 0..rounds() {
            let round_dir = dir.path().join(format!("round{round}"));
            std::fs::create_dir_all(&round_dir).expect("round dir");
            // Which cold pass runs first alternates, so neither always finds the machine's
            // caches as the other left them.
            let (cold_floor, cold_ours) = if round % 2 == 0 {
                let f = cold_in_child("floor", &uri, n, &round_dir);
                (f, cold_in_child("ours", &uri, n, &round_dir))
            } else {
                let o = cold_in_child("ours", &uri, n, &round_dir);
                (cold_in_child("floor", &uri, n, &round_dir), o)
            };
            let (warm, floor_n) = floor_warm(&uri);
            assert_eq!(floor_n, n);
            floors.push((cold_floor, warm));
            let mut run = rt.block_on(ours(&round_dir, &uri, n));
            run.cold = cold_ours;
            runs.push(run);
        }
        let floor_cold = median(floors.iter().map(|f| f.0));
        let floor_warm = median(floors.iter().map(|f| f.1));
        let o = Ours {
            cold: median(runs.iter().map(|r| r.cold)),
            warm: median(runs.iter().map(|r| r.warm)),
            warm_cpu: median(runs.iter().map(|r| r.warm_cpu)),
            resync: median(runs.iter().map(|r| r.resync)),
            // The most any round wrote: 0 only when every re-sync wrote nothing.
            resync_rows: runs.iter().map(|r| r.resync_rows).max().unwrap_or(0),
            page: median(runs.iter().map(|r| r.page)),
        };
        println!(
            "{:>8} | {:>9} {:>9} {:>6} | {:>9} {:>9} {:>6} {:>9} | {:>9} {:>5} | {:>5.1} ms",
            n,
            secs(floor_cold),
            secs(o.cold),
            ratio(o.cold, floor_cold),
            secs(floor_warm),
            secs(o.warm),
            ratio(o.warm, floor_warm),
            secs(o.warm_cpu),
            secs(o.resync),
            o.resync_rows,
            o.page.as_secs_f64() * 1000.0
        );
    }
    given_hosts();
}

/// Cold passes on the hosts listed in `BENCH_HOSTS` (comma-separated libvirt URIs, e.g.
/// `qemu:///system` or `test+unix:///path/node.xml` for a node served by libvirtd): the
/// node table above runs the test driver in this process, where a call costs no round trip,
/// and a daemon's hosts do not. The domain count is whatever the host has.
fn given_hosts() {
    let Ok(list) = std::env::var("BENCH_HOSTS") else {
        return;
    };
    println!();
    println!(
        "full sync on given hosts (cold, fresh process each; medians of {} rounds)",
        rounds()
    );
    println!(
        "{:>8} | {:>9} {:>9} {:>6} | host",
        "domains", "floor", "sync", "ratio"
    );
    for uri in list.split(',').map(str::trim).filter(|u| !u.is_empty()) {
        let n = {
            let mut conn =
                virt::connect::Connect::open(Some(uri)).expect("open a BENCH_HOSTS host");
            let n = conn.list_all_domains(0).expect("list").len();
            let _ = conn.close();
            n
        };
        let dir = tempfile::tempdir().expect("tempdir");
        let (mut floors, mut syncs) = (Vec::new(), Vec::new());
        for round in 0..rounds() {
            let round_dir = dir.path().join(format!("round{round}"));
            std::fs::create_dir_all(&round_dir).expect("round dir");
            let (f, o) = if round % 2 == 0 {
                let f = cold_in_child("floor", uri, n, &round_dir);
                (f, cold_in_child("ours", uri, n, &round_dir))
            } else {
                let o = cold_in_child("ours", uri, n, &round_dir);
                (cold_in_child("floor", uri, n, &round_dir), o)
            };
            floors.push(f);
            syncs.push(o);
        }
        let (f, o) = (median(floors.into_iter()), median(syncs.into_iter()));
        println!(
            "{:>8} | {:>9} {:>9} {:>6} | {uri}",
            n,
            secs(f),
            secs(o),
            ratio(o, f)
        );
    }
}
