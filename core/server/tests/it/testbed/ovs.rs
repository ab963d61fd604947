//! Open vSwitch for real: a network with VLAN portgroups created through the API on the
//! testbed's OVS bridge (userspace datapath), a QEMU guest whose NIC names a portgroup, and
//! `ovs-vsctl` showing that its port carries that VLAN tag.

use super::{server, testbed, virsh, wait_vm};
use serde_json::json;
use std::process::Command;
use std::time::Duration;

fn bridge() -> String {
    std::env::var("VM_TEST_OVS_BRIDGE").unwrap_or_else(|_| "vmtestovs0".into())
}

fn ovs_vsctl(args: &[&str]) -> String {
    let out = Command::new("ovs-vsctl")
        .arg("--timeout=10")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "ovs-vsctl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// A guest and a network made for one test; removed when dropped, whatever happened.
struct Cleanup {
    guest: String,
    network: String,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        for args in [
            vec!["destroy", &self.guest],
            vec!["undefine", &self.guest],
            vec!["net-destroy", &self.network],
            vec!["net-undefine", &self.network],
        ] {
            let _ = Command::new("virsh")
                .args(["-c", "qemu:///system"])
                .args(args)
                .output();
        }
    }
}

/// The OVS port (libvirt's `vnetN`) of the guest's only NIC, from its live XML.
fn guest_port(guest: &str) -> Option<String> {
    let out = Command::new("virsh")
        .args(["-c", "qemu:///system", "domiflist", guest])
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .find(|w| w.starts_with("vnet"))
        .map(str::to_owned)
}

#[tokio::test]
async fn an_ovs_network_made_through_the_api_puts_a_guest_nic_on_its_portgroup_vlan() {
    let Some(tb) =
        testbed("an_ovs_network_made_through_the_api_puts_a_guest_nic_on_its_portgroup_vlan")
    else {
        return;
    };
    let (_d, s) = server().await;
    let mut ev = s.events("hosts,inventory").await;
    let uri = format!("qemu+tcp://127.0.0.1:{}/system", tb.tcp_port);
    let (st, h) = s
        .post("/api/v1/hosts", json!({"name": "ovs", "uri": uri}))
        .await;
    assert_eq!(st, 201, "{h}");
    let host = h["id"].as_str().unwrap().to_owned();
    s.wait_host_state(&mut ev, &host, "connected", Duration::from_secs(30))
        .await;

    let pid = std::process::id();
    let cleanup = Cleanup {
        guest: format!("vt-ovs-{pid}"),
        network: format!("vt-ovs-{pid}"),
    };
    let (st, net) = s
        .post(
            &format!("/api/v1/hosts/{host}/networks"),
            json!({"name": cleanup.network, "kind": "openvswitch", "bridge": bridge(),
                "autostart": false, "portgroups": [
                    {"name": "vlan10", "isDefault": true, "vlanTags": [10]},
                    {"name": "vlan20", "vlanTags": [20]},
                    {"name": "trunk", "vlanTags": [10, 20, 30], "trunk": true, "nativeVlan": 10}]}),
        )
        .await;
    assert_eq!(st, 201, "{net}");
    assert_eq!(
        (&net["active"], &net["virtualportType"]),
        (&json!(true), &json!("openvswitch"))
    );

    // A guest behind our back whose NIC names the vlan20 portgroup (firmware only: it needs
    // no disk, and its NIC exists as soon as QEMU runs).
    let dir = tempfile::tempdir().unwrap();
    let xml = dir.path().join("guest.xml");
    std::fs::write(
        &xml,
        format!(
            "<domain type='qemu'><name>{}</name><memory unit='MiB'>32</memory><vcpu>1</vcpu>\
             <os><type arch='x86_64'>hvm</type></os><devices>\
             <interface type='network'><source network='{}' portgroup='vlan20'/>\
             <model type='virtio'/></interface></devices></domain>",
            cleanup.guest, cleanup.network
        ),
    )
    .unwrap();
    virsh(&["define", xml.to_str().unwrap()]);
    virsh(&["start", &cleanup.guest]);
    let port = guest_port(&cleanup.guest).expect("the running guest has a vnet port");
    assert_eq!(ovs_vsctl(&["port-to-br", &port]), bridge());
    assert_eq!(
        ovs_vsctl(&["get", "port", &port, "tag"]),
        "20",
        "VLAN of {port}"
    );

    // Once the inventory has the running guest (stored with its NICs), deleting the network
    // is refused with the guest's name.
    let guest = cleanup.guest.clone();
    wait_vm(&s, &mut ev, &guest, |vm| vm["state"] == "running").await;
    let (st, e) = s
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/hosts/{host}/networks/{}", cleanup.network),
            None,
        )
        .await;
    assert_eq!(
        (st, e["code"].as_str()),
        (409, Some("network_in_use")),
        "{e}"
    );
    assert_eq!(e["details"]["users"], json!([guest]));

    // Stopped and started again through the API, the network still tags new ports.
    virsh(&["destroy", &cleanup.guest]);
    let base = format!("/api/v1/hosts/{host}/networks/{}", cleanup.network);
    let (st, n) = s.post(&format!("{base}/actions/stop"), json!({})).await;
    assert_eq!((st, &n["active"]), (200, &json!(false)), "{n}");
    let (st, n) = s.post(&format!("{base}/actions/start"), json!({})).await;
    assert_eq!((st, &n["active"]), (200, &json!(true)), "{n}");
    virsh(&["start", &cleanup.guest]);
    let port = guest_port(&cleanup.guest).expect("a vnet port after restart");
    assert_eq!(ovs_vsctl(&["get", "port", &port, "tag"]), "20");
    drop(cleanup);
}
