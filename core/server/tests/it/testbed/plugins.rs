//! A WASM network-driver plugin on a real QEMU host: the macvtap example, dropped into the data
//! directory before the server starts, adds a NIC to a shut-off guest's configuration; libvirt
//! stores the plugin's `<interface type='direct'>`, and the inventory recognizes it again.

use super::{server_in, testbed, virsh, virsh_out, wait_vm};
use serde_json::json;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// Copies the built macvtap plugin into `<data>/plugins/<id>/`.
fn drop_in(data: &Path) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/build-plugins.sh");
    let out = Command::new("bash").arg(script).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let built =
        std::path::PathBuf::from(String::from_utf8(out.stdout).unwrap().trim()).join("macvtap");
    let to = data.join("plugins/org.virtumancer.example.macvtap");
    std::fs::create_dir_all(&to).unwrap();
    for f in std::fs::read_dir(built).unwrap() {
        let f = f.unwrap();
        std::fs::copy(f.path(), to.join(f.file_name())).unwrap();
    }
}

struct Guest(String);

impl Drop for Guest {
    fn drop(&mut self) {
        for args in [["destroy", &self.0], ["undefine", &self.0]] {
            let _ = Command::new("virsh")
                .args(["-c", "qemu:///system"])
                .args(args)
                .output();
        }
    }
}

#[tokio::test]
async fn a_wasm_plugins_nic_kind_reaches_a_real_qemu_guest_and_is_recognized_again() {
    let Some(tb) =
        testbed("a_wasm_plugins_nic_kind_reaches_a_real_qemu_guest_and_is_recognized_again")
    else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    drop_in(data.path());
    let s = server_in(data.path()).await;
    let mut ev = s.events("hosts,inventory,tasks").await;
    let (_, kinds) = s.get("/api/v1/nic-kinds").await;
    assert_eq!(kinds["items"][0]["name"], "macvtap", "{kinds}");

    let guest = Guest(format!("vt-macvtap-{}", std::process::id()));
    let dir = tempfile::tempdir().unwrap();
    let xml = dir.path().join("guest.xml");
    std::fs::write(
        &xml,
        format!(
            "<domain type='qemu'><name>{}</name><memory unit='MiB'>32</memory><vcpu>1</vcpu>\
             <os><type arch='x86_64'>hvm</type></os><devices/></domain>",
            guest.0
        ),
    )
    .unwrap();
    virsh(&["define", xml.to_str().unwrap()]);
    let (st, h) = s
        .post(
            "/api/v1/hosts",
            json!({"name": "qemu", "uri": format!("qemu+tcp://127.0.0.1:{}/system", tb.tcp_port)}),
        )
        .await;
    assert_eq!(st, 201, "{h}");
    let host = h["id"].as_str().unwrap().to_owned();
    s.wait_host_state(&mut ev, &host, "connected", Duration::from_secs(30))
        .await;
    let vm = wait_vm(&s, &mut ev, &guest.0, |v| v["state"] == "shutoff").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (st, _) = s.post("/api/v1/vms/import", json!({"vmIds": [vm]})).await;
    assert_eq!(st, 200);

    let (st, task) = s
        .post(
            &format!("/api/v1/vms/{vm}/nics"),
            json!({"kind": "macvtap", "mac": "52:54:00:7a:20:01", "params": {"dev": "eth0", "mode": "vepa"}}),
        )
        .await;
    assert_eq!(st, 202, "{task}");
    let done = crate::actions::finished(&mut ev, &task).await;
    assert_eq!(done["state"], "succeeded", "{done}");
    let stored = virsh_out(&["dumpxml", "--inactive", &guest.0]);
    assert!(stored.contains("<interface type='direct'>"), "{stored}");
    assert!(
        stored.contains("<source dev='eth0' mode='vepa'/>"),
        "{stored}"
    );

    // The inventory followed (the task refreshes the VM), and the plugin recognizes its NIC.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let (_, detail) = s.get(&format!("/api/v1/vms/{vm}")).await;
        let nic = detail["nics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["mac"] == "52:54:00:7a:20:01")
            .cloned();
        if let Some(nic) = nic {
            assert_eq!(
                nic["pluginKind"],
                json!({"kind": "macvtap", "plugin": "org.virtumancer.example.macvtap",
                    "params": {"dev": "eth0", "mode": "vepa"}})
            );
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the NIC never showed: {detail}"
        );
        // The next inventory change (or a second) before reading again.
        let _ = tokio::time::timeout(
            Duration::from_secs(1),
            ev.wait(Duration::from_secs(2), |e| e["type"] == "inventoryChanged"),
        )
        .await;
    }
    drop(guest);
}
