//! Live usage through the real server on libvirt's test driver: the collector, the `stats`
//! topic, the history endpoints and `/metrics`.

use crate::Server;
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn the_collector_samples_every_vm_and_serves_stats_history_and_metrics() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &["--demo-host", "false"]).await;
    let mut ev = s.events("hosts,stats").await;
    let (st, h) = s
        .post(
            "/api/v1/hosts",
            json!({"name": "demo <&>", "uri": "test:///default"}),
        )
        .await;
    assert_eq!(st, 201, "{h}");
    let host = h["id"].as_str().unwrap().to_owned();
    // A subscriber to `stats` puts the collector on the fast tick: samples come every 2 s,
    // each with rates over the interval. VMs appear once the connect sync stored them.
    let mut ticks = Vec::new();
    while ticks.len() < 2 {
        let e = ev
            .wait(Duration::from_secs(30), |e| {
                e["type"] == "stats"
                    && e["host"]["hostId"] == host.as_str()
                    && !e["vms"].as_array().unwrap().is_empty()
            })
            .await;
        ticks.push(e);
    }
    let last = &ticks[1];
    assert!(
        last["host"]["intervalSecs"].as_f64().unwrap() > 0.5,
        "{last}"
    );
    assert!(last["host"]["cpus"].as_u64().unwrap() > 0, "{last}");
    let vms = last["vms"].as_array().unwrap();
    assert_eq!(vms.len(), 1, "the test driver's one domain: {last}");
    assert_eq!(vms[0]["state"], "running");
    let vm = vms[0]["vmId"].as_str().unwrap().to_owned();

    let (st, hist) = s.get(&format!("/api/v1/vms/{vm}/stats?range=recent")).await;
    assert_eq!(st, 200);
    assert_eq!(hist["latest"]["vmId"], vm.as_str());
    assert!(hist["points"].as_array().unwrap().len() >= 2, "{hist}");
    let (st, hh) = s.get(&format!("/api/v1/hosts/{host}/stats")).await;
    assert_eq!(st, 200);
    assert!(hh["points"].as_array().unwrap().len() >= 2, "{hh}");
    // Longer ranges read the minute buckets in the database (none written yet this minute).
    for range in ["hour", "day", "week"] {
        let (st, h) = s
            .get(&format!("/api/v1/vms/{vm}/stats?range={range}"))
            .await;
        assert_eq!(st, 200, "{range}: {h}");
        assert!(h["points"].is_array() && h["latest"]["vmId"] == vm.as_str());
    }
    let (st, all) = s.get("/api/v1/stats/vms").await;
    assert_eq!((st, all.as_array().unwrap().len()), (200, 1));

    let r = s
        .http
        .get(format!("{}/metrics", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = r.text().await.unwrap();
    // Label values are escaped, names with markup survive.
    assert!(
        text.contains(&format!(
            "virtumancer_host_connected{{host=\"demo <&>\",host_id=\"{host}\"}} 1.0"
        )),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("virtumancer_vm_running{")
                && l.contains("vm=\"test\"")
                && l.ends_with(" 1.0")),
        "{text}"
    );

    // Bad input.
    for (path, status) in [
        (format!("/api/v1/vms/{vm}/stats?range=year"), 400),
        (format!("/api/v1/vms/{vm}/stats?minutes=5"), 400),
        (format!("/api/v1/hosts/{host}/stats?range=<script>"), 400),
        (format!("/api/v1/vms/{}/stats", uuid::Uuid::new_v4()), 404),
        (format!("/api/v1/hosts/{}/stats", uuid::Uuid::new_v4()), 404),
    ] {
        let (st, e) = s.get(&path).await;
        assert_eq!(st, status, "{path}: {e}");
    }

    // A disconnected host's numbers are no longer served as live.
    let (st, _) = s
        .post(
            &format!("/api/v1/hosts/{host}/actions/disconnect"),
            json!({}),
        )
        .await;
    assert_eq!(st, 202);
    s.wait_host_state(&mut ev, &host, "disconnected", Duration::from_secs(20))
        .await;
    let (_, hist) = s.get(&format!("/api/v1/vms/{vm}/stats")).await;
    assert_eq!(hist["latest"], serde_json::Value::Null, "{hist}");
}
