//! How the libvirt plugin reads a real daemon: through which connections, and where the
//! sizes of disks outside pools come from.

use super::{connected_tcp_host, server, testbed, virsh, virsh_out, wait_vm};
use serde_json::{Value, json};
use std::io::Write as _;
use std::process::Command;
use std::time::Duration;

/// The testbed daemon's clients on its TCP socket.
fn tcp_clients() -> usize {
    let out = Command::new("virt-admin")
        .args(["-c", "libvirtd:///system", "srv-clients-list", "libvirtd"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "virt-admin: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.split_whitespace().nth(1) == Some("tcp"))
        .count()
}

/// Waits until the daemon has `n` TCP clients.
async fn wait_tcp_clients(n: usize, why: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let now = tcp_clients();
        if now == n {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{why}: {now} TCP clients, expected {n}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_host_talks_over_three_connections_and_a_disconnect_closes_them_all() {
    let Some(tb) = testbed("a_host_talks_over_three_connections_and_a_disconnect_closes_them_all")
    else {
        return;
    };
    let (_d, s) = server().await;
    let mut ev = s.events("hosts,inventory").await;
    let before = tcp_clients();
    let host = connected_tcp_host(&s, &mut ev, &tb, "three").await;
    // Calls, keepalive (ADR 0007) and the full pass's reads beside the domains (ADR 0012).
    wait_tcp_clients(before + 3, "connected").await;
    let (st, body) = s
        .post(
            &format!("/api/v1/hosts/{host}/actions/disconnect"),
            json!({}),
        )
        .await;
    assert!((200..300).contains(&st), "{st} {body}");
    wait_tcp_clients(before, "disconnected").await;
    let (st, body) = s
        .post(&format!("/api/v1/hosts/{host}/actions/connect"), json!({}))
        .await;
    assert!((200..300).contains(&st), "{st} {body}");
    s.wait_host_state(&mut ev, &host, "connected", Duration::from_secs(30))
        .await;
    wait_tcp_clients(before + 3, "reconnected").await;
    let (st, _) = s
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/hosts/{host}"),
            None,
        )
        .await;
    assert_eq!(st, 204);
    wait_tcp_clients(before, "deleted").await;
}

/// `virsh domblkinfo`'s (capacity, allocation) of one disk.
fn blkinfo(vm: &str, dev: &str) -> (u64, u64) {
    let out = virsh_out(&["domblkinfo", vm, dev]);
    let field = |name: &str| -> u64 {
        out.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("no {name} in {out}"))
    };
    (field("Capacity:"), field("Allocation:"))
}

/// The stored (capacity, allocation) of the disk at `target`.
fn stored(detail: &Value, target: &str) -> (Value, Value) {
    let d = detail["disks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["target"] == target)
        .unwrap_or_else(|| panic!("no disk {target} in {detail}"));
    (d["capacityBytes"].clone(), d["allocationBytes"].clone())
}

/// Appends `mib` MiB of non-zero data to a file.
fn append(path: &std::path::Path, mib: usize) {
    let mut f = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    f.write_all(&vec![0x5a; mib << 20]).unwrap();
    f.sync_all().unwrap();
}

#[tokio::test]
async fn disks_outside_pools_are_sized_alike_by_a_pass_and_by_a_single_read() {
    let Some(tb) = testbed("disks_outside_pools_are_sized_alike_by_a_pass_and_by_a_single_read")
    else {
        return;
    };
    // Images in a folder no pool covers, so that only the domain's own disks say their size.
    let dir = tempfile::tempdir().unwrap();
    let (qcow, raw) = (dir.path().join("a.qcow2"), dir.path().join("b.raw"));
    let made = Command::new("qemu-img")
        .args(["create", "-q", "-f", "qcow2"])
        .arg(&qcow)
        .arg("1G")
        .status()
        .unwrap();
    assert!(made.success());
    std::fs::File::create(&raw).unwrap();
    append(&raw, 1);
    let name = format!("vt-sizes-{}", std::process::id());
    let xml = dir.path().join("vm.xml");
    std::fs::write(
        &xml,
        format!(
            "<domain type='qemu'><name>{name}</name><memory unit='MiB'>32</memory><vcpu>1</vcpu>\
             <os><type arch='x86_64'>hvm</type></os><devices>\
             <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='{}'/><target dev='vda' bus='virtio'/></disk>\
             <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='{}'/><target dev='vdb' bus='virtio'/></disk>\
             </devices></domain>",
            qcow.display(),
            raw.display()
        ),
    )
    .unwrap();
    // Defined before the host is added: the first full pass is what sees it.
    virsh(&["define", xml.to_str().unwrap()]);
    let _undefine = Undefine(name.clone());

    let (_d, s) = server().await;
    let mut ev = s.events("hosts,inventory").await;
    let host = connected_tcp_host(&s, &mut ev, &tb, "sizes").await;
    let vm = wait_vm(&s, &mut ev, &name, |_| true).await;
    let id = vm["id"].as_str().unwrap().to_owned();
    let (_, detail) = s.get(&format!("/api/v1/vms/{id}")).await;
    let (cap, alloc) = blkinfo(&name, "vda");
    assert_eq!(cap, 1 << 30);
    assert_eq!(stored(&detail, "vda"), (json!(cap), json!(alloc)));
    let (cap, alloc) = blkinfo(&name, "vdb");
    assert_eq!(cap, 1 << 20);
    assert_eq!(stored(&detail, "vdb"), (json!(cap), json!(alloc)));

    // A single-VM read (what events and drift checks do) sees the same configuration.
    let (st, drift) = s.get(&format!("/api/v1/vms/{id}/drift")).await;
    assert_eq!(st, 200, "{drift}");
    assert_eq!(drift["inSync"], true, "{drift}");

    // The image grows: the next full pass stores its new size, and a single read agrees.
    append(&raw, 2);
    let grown = blkinfo(&name, "vdb");
    assert_eq!(grown.0, 3 << 20);
    let (st, _) = s
        .post(&format!("/api/v1/hosts/{host}/actions/resync"), json!({}))
        .await;
    assert_eq!(st, 202);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let (_, detail) = s.get(&format!("/api/v1/vms/{id}")).await;
        if stored(&detail, "vdb") == (json!(grown.0), json!(grown.1)) {
            break;
        }
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        assert!(!left.is_zero(), "the pass never stored {grown:?}: {detail}");
        ev.wait(left, |e| e["type"] == "inventoryChanged").await;
    }
    let (_, drift) = s.get(&format!("/api/v1/vms/{id}/drift")).await;
    assert_eq!(drift["inSync"], true, "{drift}");
}

/// Undefines a test's domain when dropped.
struct Undefine(String);

impl Drop for Undefine {
    fn drop(&mut self) {
        let _ = Command::new("virsh")
            .args(["-c", "qemu:///system", "undefine", &self.0])
            .output();
    }
}
