//! Power actions on real QEMU guests through the server: the tiny guest of
//! `scripts/testbed/tiny-guest.sh` (it obeys the ACPI power button) and a firmware-only guest
//! (it ignores it).

use super::{Testbed, server, testbed, virsh, wait_vm};
use crate::actions::{finished, vm_field, vm_state};
use crate::{Events, Server};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

/// A guest defined for one test; destroyed, undefined and its files removed when dropped.
struct Guest {
    name: String,
    files: Vec<PathBuf>,
}

impl Drop for Guest {
    fn drop(&mut self) {
        for args in [["destroy", &self.name], ["undefine", &self.name]] {
            let _ = Command::new("virsh")
                .args(["-c", "qemu:///system"])
                .args(args)
                .output();
        }
        for f in &self.files {
            let _ = std::fs::remove_file(f);
        }
    }
}

pub(crate) fn tiny_guest_script(tb: &Testbed, args: &[&str]) -> String {
    let out = Command::new("bash")
        .arg(tb.scripts.join("tiny-guest.sh"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "tiny-guest.sh {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Defines a guest behind Virtumancer's back: the tiny Linux guest, or (`firmware_only`) one
/// that boots no OS and so ignores the ACPI power button.
fn define(tb: &Testbed, tag: &str, firmware_only: bool) -> Guest {
    let name = format!("vt-{tag}-{}", std::process::id());
    let dir = tempfile::tempdir().unwrap();
    let xml_path = dir.path().join("guest.xml");
    let mut files = Vec::new();
    let xml = if firmware_only {
        format!(
            "<domain type='qemu'><name>{name}</name><memory unit='MiB'>32</memory><vcpu>1</vcpu>\
             <os><type arch='x86_64'>hvm</type></os><features><acpi/></features><devices>\
             <graphics type='vnc' autoport='yes' listen='127.0.0.1'/></devices></domain>"
        )
    } else {
        tiny_guest_script(tb, &["build"]);
        let disk = format!("/var/lib/libvirt/images/{name}.qcow2");
        tiny_guest_script(tb, &["disk", &disk]);
        files.push(PathBuf::from(&disk));
        files.push(serial_log(&name));
        // A NIC on a bare tap device (no bridge, no address, no libvirt network): libvirt
        // counts its packets; the guest sends IPv6 neighbour discovery when eth0 comes up.
        tiny_guest_script(tb, &["xml", &name, &disk]).replace(
            "</devices>",
            "<interface type='ethernet'><model type='virtio'/></interface></devices>",
        )
    };
    std::fs::write(&xml_path, xml).unwrap();
    virsh(&["define", xml_path.to_str().unwrap()]);
    Guest { name, files }
}

fn serial_log(name: &str) -> PathBuf {
    PathBuf::from(format!("/var/log/libvirt/qemu/{name}-serial.log"))
}

/// Waits until the guest's serial console has said "ready" `times` times since it started.
async fn ready(name: &str, times: usize) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    loop {
        let log = std::fs::read_to_string(serial_log(name)).unwrap_or_default();
        if log.matches("tiny-guest: ready").count() >= times {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{name} did not get ready ({times}×) within 90 s; serial log:\n{log}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await; // polling a file, with a deadline
    }
}

async fn qemu_host(tb: &Testbed) -> (tempfile::TempDir, Server, Events, String) {
    let (d, s) = server().await;
    let mut ev = s.events("hosts,inventory,tasks").await;
    let (st, h) = s
        .post(
            "/api/v1/hosts",
            json!({"name": "qemu", "uri": format!("qemu+tcp://127.0.0.1:{}/system", tb.tcp_port)}),
        )
        .await;
    assert_eq!(st, 201, "{h}");
    let id = h["id"].as_str().unwrap().to_owned();
    s.wait_host_state(&mut ev, &id, "connected", Duration::from_secs(30))
        .await;
    (d, s, ev, id)
}

/// Imports the VM named `name` once the inventory has it; returns its id.
async fn import(s: &Server, ev: &mut Events, name: &str) -> String {
    let vm = wait_vm(s, ev, name, |v| v["state"] == "shutoff").await;
    let id = vm["id"].as_str().unwrap().to_owned();
    let (st, r) = s.post("/api/v1/vms/import", json!({"vmIds": [id]})).await;
    assert_eq!(st, 200, "{r}");
    id
}

/// Posts an action, expects 202 and returns the finished task.
async fn act(s: &Server, ev: &mut Events, vm: &str, action: &str, body: Value) -> Value {
    let (st, task) = s
        .post(&format!("/api/v1/vms/{vm}/actions/{action}"), body)
        .await;
    assert_eq!(st, 202, "{action}: {task}");
    finished(ev, &task).await
}

/// Asks a guest that ignores ACPI to shut down (no force) and returns the task once it runs
/// (it then waits for the guest until cancelled or the connection drops).
async fn shutdown_waiting(s: &Server, ev: &mut Events, vm: &str) -> Value {
    let (st, task) = s
        .post(&format!("/api/v1/vms/{vm}/actions/shutdown"), json!({}))
        .await;
    assert_eq!(st, 202, "{task}");
    ev.wait(Duration::from_secs(10), |e| {
        e["type"] == "taskUpdated"
            && e["task"]["id"] == task["id"]
            && e["task"]["state"] == "running"
    })
    .await;
    task
}

async fn succeeds(s: &Server, ev: &mut Events, vm: &str, action: &str) -> Value {
    let t = act(s, ev, vm, action, json!({})).await;
    assert_eq!(t["state"], "succeeded", "{action}: {t}");
    t
}

#[tokio::test]
async fn a_tiny_guest_obeys_every_power_action_and_shuts_down_through_acpi() {
    let Some(tb) = testbed("a_tiny_guest_obeys_every_power_action_and_shuts_down_through_acpi")
    else {
        return;
    };
    let guest = define(&tb, "power", false);
    let (_d, s, mut ev, host) = qemu_host(&tb).await;
    let vm = import(&s, &mut ev, &guest.name).await;
    let name = guest.name.clone();

    succeeds(&s, &mut ev, &vm, "start").await;
    vm_state(&s, &mut ev, &vm, "running").await;
    ready(&name, 1).await;
    succeeds(&s, &mut ev, &vm, "pause").await;
    vm_state(&s, &mut ev, &vm, "paused").await;
    succeeds(&s, &mut ev, &vm, "resume").await;
    vm_state(&s, &mut ev, &vm, "running").await;
    // Reboot and reset restart the guest inside the same QEMU process: it gets ready again.
    succeeds(&s, &mut ev, &vm, "reboot").await;
    ready(&name, 2).await;
    succeeds(&s, &mut ev, &vm, "reset").await;
    ready(&name, 3).await;
    // A graceful shutdown: the guest powers itself off; no force was needed.
    let t = succeeds(&s, &mut ev, &vm, "shutdown").await;
    assert_eq!(t["message"], Value::Null, "{t}");
    vm_state(&s, &mut ev, &vm, "shutoff").await;
    succeeds(&s, &mut ev, &vm, "autostartOn").await;
    vm_field(&s, &mut ev, &vm, "autostart", json!(true)).await;
    succeeds(&s, &mut ev, &vm, "autostartOff").await;
    vm_field(&s, &mut ev, &vm, "autostart", json!(false)).await;
    // Switched behind Virtumancer's back libvirt sends no event: a full pass reads it from the
    // daemon's autostart list.
    virsh(&["autostart", &name]);
    let (st, _) = s
        .post(&format!("/api/v1/hosts/{host}/actions/resync"), json!({}))
        .await;
    assert_eq!(st, 202);
    vm_field(&s, &mut ev, &vm, "autostart", json!(true)).await;
    virsh(&["autostart", "--disable", &name]);

    // Killed behind Virtumancer's back: the inventory follows through events.
    succeeds(&s, &mut ev, &vm, "start").await;
    vm_state(&s, &mut ev, &vm, "running").await;
    virsh(&["destroy", &name]);
    vm_state(&s, &mut ev, &vm, "shutoff").await;
}

#[tokio::test]
async fn a_guest_that_ignores_acpi_is_forced_off_and_a_dropped_host_fails_the_task() {
    let Some(tb) =
        testbed("a_guest_that_ignores_acpi_is_forced_off_and_a_dropped_host_fails_the_task")
    else {
        return;
    };
    let guest = define(&tb, "noacpi", true);
    let (_d, s, mut ev, host) = qemu_host(&tb).await;
    let vm = import(&s, &mut ev, &guest.name).await;
    succeeds(&s, &mut ev, &vm, "start").await;
    vm_state(&s, &mut ev, &vm, "running").await;

    let (st, task) = s
        .post(
            &format!("/api/v1/vms/{vm}/actions/shutdown"),
            json!({"forceAfterSecs": 3}),
        )
        .await;
    assert_eq!(st, 202, "{task}");
    // One action per VM at a time.
    let (st, e) = s
        .post(&format!("/api/v1/vms/{vm}/actions/pause"), json!({}))
        .await;
    assert_eq!(
        (st, e["code"].as_str()),
        (409, Some("action_not_allowed")),
        "{e}"
    );
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("already has a task"),
        "{e}"
    );
    let t = finished(&mut ev, &task).await;
    assert_eq!(t["state"], "succeeded", "{t}");
    assert!(t["message"].as_str().unwrap().contains("forced off"), "{t}");
    vm_state(&s, &mut ev, &vm, "shutoff").await;

    // A waiting shutdown can be cancelled: the task ends cancelled, the VM keeps running and
    // takes another action at once.
    succeeds(&s, &mut ev, &vm, "start").await;
    vm_state(&s, &mut ev, &vm, "running").await;
    let task = shutdown_waiting(&s, &mut ev, &vm).await;
    let r = s
        .http
        .post(format!(
            "{}/api/v1/tasks/{}/cancel",
            s.base,
            task["id"].as_str().unwrap()
        ))
        .header("X-Requested-By", "ops")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 202);
    let t = finished(&mut ev, &task).await;
    assert_eq!(t["state"], "cancelled", "{t}");
    assert!(
        t["message"].as_str().unwrap().contains("cancelled by ops"),
        "{t}"
    );
    let (_, v) = s.get(&format!("/api/v1/vms/{vm}")).await;
    assert_eq!(v["vm"]["state"], "running", "{v}");
    let (st, e) = s
        .post(
            &format!("/api/v1/tasks/{}/cancel", task["id"].as_str().unwrap()),
            json!({}),
        )
        .await;
    assert_eq!(
        (st, e["code"].as_str()),
        (409, Some("action_not_allowed")),
        "{e}"
    );
    succeeds(&s, &mut ev, &vm, "forceOff").await;
    vm_state(&s, &mut ev, &vm, "shutoff").await;

    // The host drops while a shutdown waits for the guest: the task fails with the reason.
    succeeds(&s, &mut ev, &vm, "start").await;
    vm_state(&s, &mut ev, &vm, "running").await;
    let task = shutdown_waiting(&s, &mut ev, &vm).await;
    let (st, _) = s
        .post(
            &format!("/api/v1/hosts/{host}/actions/disconnect"),
            json!({}),
        )
        .await;
    assert_eq!(st, 202);
    let t = finished(&mut ev, &task).await;
    assert_eq!(t["state"], "failed", "{t}");
    eprintln!("task failed as the host dropped: {}", t["error"]);
    assert!(t["error"].as_str().unwrap().contains("unavailable"), "{t}");
}

#[tokio::test]
async fn a_running_guest_reports_cpu_memory_disk_and_network_usage() {
    let Some(tb) = testbed("a_running_guest_reports_cpu_memory_disk_and_network_usage") else {
        return;
    };
    let guest = define(&tb, "stats", false);
    let (_d, s, mut ev, host) = qemu_host(&tb).await;
    let vm = import(&s, &mut ev, &guest.name).await;
    succeeds(&s, &mut ev, &vm, "start").await;
    ready(&guest.name, 1).await;
    let mut stats = s.events("stats").await;
    // Two fast ticks after boot: rates over a real interval.
    let sample = stats
        .wait(Duration::from_secs(30), |e| {
            e["type"] == "stats"
                && e["host"]["hostId"] == host.as_str()
                && e["vms"].as_array().unwrap().iter().any(|v| {
                    v["vmId"] == vm.as_str() && v["cpuPercent"].as_f64().is_some_and(|c| c > 0.0)
                })
        })
        .await;
    let me = sample["vms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["vmId"] == vm.as_str())
        .unwrap();
    assert!(me["memoryBytes"].as_u64().unwrap() >= 64 << 20, "{me}");
    assert!(me["memoryUsedBytes"].as_u64().unwrap() > 0, "{me}");
    assert!(
        sample["host"]["memoryTotalBytes"].as_u64().unwrap() > 0,
        "{sample}"
    );
    assert!(sample["host"]["cpuPercent"].as_f64().is_some(), "{sample}");
    // The cumulative counters: the guest read and wrote its disk at boot, and its NIC came up.
    let metrics = s
        .http
        .get(format!("{}/metrics", s.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let value = |name: &str| -> f64 {
        metrics
            .lines()
            .find(|l| l.starts_with(name) && l.contains(&format!("vm=\"{}\"", guest.name)))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {name} for {}: {metrics}", guest.name))
    };
    assert!(value("virtumancer_vm_cpu_seconds_total") > 0.0);
    assert!(value("virtumancer_vm_disk_read_bytes_total") >= 4_194_304.0);
    assert!(value("virtumancer_vm_disk_write_bytes_total") >= 1_048_576.0);
    assert!(value("virtumancer_vm_network_transmit_packets_total") > 0.0);
}

#[tokio::test]
async fn a_vm_undefined_while_its_shutdown_waits_ends_the_task_with_the_reason() {
    let Some(tb) = testbed("a_vm_undefined_while_its_shutdown_waits_ends_the_task_with_the_reason")
    else {
        return;
    };
    let guest = define(&tb, "gone", true);
    let (_d, s, mut ev, _host) = qemu_host(&tb).await;
    let vm = import(&s, &mut ev, &guest.name).await;
    succeeds(&s, &mut ev, &vm, "start").await;
    vm_state(&s, &mut ev, &vm, "running").await;
    // The firmware-only guest ignores ACPI: the shutdown task waits…
    let task = shutdown_waiting(&s, &mut ev, &vm).await;
    // …while someone undefines and destroys the VM behind Virtumancer's back.
    virsh(&["undefine", &guest.name]);
    virsh(&["destroy", &guest.name]);
    let t = finished(&mut ev, &task).await;
    assert_eq!(t["state"], "succeeded", "{t}");
    assert!(
        t["message"].as_str().unwrap().contains("no longer exists"),
        "{t}"
    );
    // The inventory keeps the VM's record, marked gone.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let (_, v) = s.get(&format!("/api/v1/vms/{vm}")).await;
        if v["vm"]["goneAt"].is_string() {
            break;
        }
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        assert!(!left.is_zero(), "never marked gone: {v}");
        ev.wait(left, |e| e["type"] == "inventoryChanged").await;
    }
    // Acting on it now is refused with the reason.
    let (st, e) = s
        .post(&format!("/api/v1/vms/{vm}/actions/start"), json!({}))
        .await;
    assert_eq!(
        (st, e["code"].as_str()),
        (409, Some("action_not_allowed")),
        "{e}"
    );
    assert!(
        e["message"].as_str().unwrap().contains("no longer exists"),
        "{e}"
    );
}

#[tokio::test]
async fn cancelling_a_bulk_shutdown_cancels_its_waiting_children() {
    let Some(tb) = testbed("cancelling_a_bulk_shutdown_cancels_its_waiting_children") else {
        return;
    };
    let guests = [define(&tb, "bulk-a", true), define(&tb, "bulk-b", true)];
    let (_d, s, mut ev, _host) = qemu_host(&tb).await;
    let mut vms = Vec::new();
    for g in &guests {
        vms.push(import(&s, &mut ev, &g.name).await);
    }
    let (st, out) = s
        .post("/api/v1/vms/actions/start", json!({"vmIds": vms}))
        .await;
    assert_eq!(st, 202, "{out}");
    let started = finished(&mut ev, &out["parent"]).await;
    assert_eq!(started["state"], "succeeded", "{started}");
    for vm in &vms {
        vm_state(&s, &mut ev, vm, "running").await;
    }
    // Both guests ignore ACPI: their shutdowns wait until cancelled.
    let (st, out) = s
        .post("/api/v1/vms/actions/shutdown", json!({"vmIds": vms}))
        .await;
    assert_eq!(st, 202, "{out}");
    // Their running events may come in any order.
    let mut waiting: std::collections::HashSet<String> = out["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect();
    while !waiting.is_empty() {
        let e = ev
            .wait(Duration::from_secs(10), |e| {
                e["type"] == "taskUpdated" && e["task"]["state"] == "running"
            })
            .await;
        waiting.remove(e["task"]["id"].as_str().unwrap());
    }
    let parent_id = out["parent"]["id"].as_str().unwrap();
    let (st, _) = s
        .post(&format!("/api/v1/tasks/{parent_id}/cancel"), json!({}))
        .await;
    assert_eq!(st, 202);
    let parent = finished(&mut ev, &out["parent"]).await;
    assert_eq!(parent["state"], "cancelled", "{parent}");
    assert!(
        parent["message"].as_str().unwrap().contains("2 cancelled"),
        "{parent}"
    );
    let (_, kids) = s
        .get(&format!(
            "/api/v1/tasks?parentId={parent_id}&state=cancelled"
        ))
        .await;
    assert_eq!(kids["total"], 2, "{kids}");
    for vm in &vms {
        let (_, v) = s.get(&format!("/api/v1/vms/{vm}")).await;
        assert_eq!(v["vm"]["state"], "running", "{v}");
    }
}
