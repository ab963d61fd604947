//! Usage history: live samples averaged into 1-minute buckets, rolled up into 10-minute ones,
//! pruned by age, on a real SQLite file.

use chrono::{DateTime, Utc};
use virtumancer_drivers::VmCounters;
use virtumancer_engine::{StatsHub, archive_minute, maintain_history};
use virtumancer_model::{HostId, HostStats, PowerState, VmId, VmStats};
use virtumancer_store::StatsTarget;

fn host(id: HostId, at: DateTime<Utc>, cpu: f64) -> HostStats {
    HostStats {
        host_id: id,
        at,
        cpus: 4,
        cpu_percent: Some(cpu),
        memory_total_bytes: Some(1000),
        memory_used_bytes: Some(400),
        vms_running: 1,
        interval_secs: 2.0,
    }
}

fn vm(id: VmId, at: DateTime<Utc>, cpu: Option<f64>, rd: f64) -> VmStats {
    VmStats {
        vm_id: id,
        at,
        state: PowerState::Running,
        cpu_percent: cpu,
        host_cpu_percent: None,
        memory_bytes: Some(100),
        memory_used_bytes: Some(50),
        disk_read_bps: Some(rd),
        disk_write_bps: None,
        disk_read_iops: None,
        disk_write_iops: None,
        net_rx_bps: None,
        net_tx_bps: None,
        net_rx_pps: None,
        net_tx_pps: None,
    }
}

#[tokio::test]
async fn minutes_are_averaged_rolled_up_and_pruned() {
    let dir = tempfile::tempdir().unwrap();
    let store = virtumancer_store::open(&format!("sqlite:{}", dir.path().join("v.db").display()))
        .await
        .unwrap();
    let hub = StatsHub::new();
    let (h, v) = (HostId::new(), VmId::new());
    // The ten minutes [t0, t0 + 600): one tick at +5 s and one at +35 s of its last minute, and
    // one tick in the next minute that must not count.
    let t0: i64 = 1_800_000_000; // a multiple of 600
    let bucket = t0 + 540;
    let at = |s: i64| DateTime::from_timestamp(s, 0).unwrap();
    let counters = VmCounters {
        uuid: uuid::Uuid::nil(),
        ..VmCounters::default()
    };
    for (s, cpu, vcpu, rd) in [
        (bucket + 5, 10.0, Some(20.0), 100.0),
        (bucket + 35, 30.0, None, 300.0),
        (bucket + 65, 90.0, Some(90.0), 900.0),
    ] {
        hub.record(
            host(h, at(s), cpu),
            vec![(vm(v, at(s), vcpu, rd), counters.clone(), "vm <&>".into())],
        );
    }
    assert_eq!(
        archive_minute(&hub, store.as_ref(), bucket).await.unwrap(),
        2
    );
    let rows = store
        .stats_history(StatsTarget::Vm, &v.to_string(), 60, 0)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].bucket, rows[0].samples), (bucket, 2));
    // A column is averaged over the points that have it.
    assert_eq!(rows[0].cpu_percent, Some(20.0));
    assert_eq!(rows[0].disk_read_bps, Some(200.0));
    assert_eq!(rows[0].disk_write_bps, None);
    let host_rows = store
        .stats_history(StatsTarget::Host, &h.to_string(), 60, 0)
        .await
        .unwrap();
    assert_eq!(host_rows[0].cpu_percent, Some(20.0));

    // A second minute bucket in the same window, with more samples, then the window closes.
    let mut earlier = rows[0].clone();
    earlier.bucket = t0;
    earlier.samples = 6;
    earlier.cpu_percent = Some(40.0);
    store.insert_stats(&[earlier]).await.unwrap();
    maintain_history(store.as_ref(), bucket).await.unwrap();
    let ten = store
        .stats_history(StatsTarget::Vm, &v.to_string(), 600, 0)
        .await
        .unwrap();
    assert_eq!(ten.len(), 1);
    assert_eq!((ten[0].bucket, ten[0].samples), (t0, 8));
    // Weighted: (20·2 + 40·6) / 8.
    assert_eq!(ten[0].cpu_percent, Some(35.0));
    // Pruning by age keeps what is recent.
    assert_eq!(store.prune_stats(60, t0 + 1).await.unwrap(), 1);
    let left = store
        .stats_history(StatsTarget::Vm, &v.to_string(), 60, 0)
        .await
        .unwrap();
    assert_eq!(left.iter().map(|r| r.bucket).collect::<Vec<_>>(), [bucket]);
}
