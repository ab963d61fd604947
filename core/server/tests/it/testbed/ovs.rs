//! Open vSwitch for real: a network with VLAN portgroups created through the API on the
//! testbed's OVS bridge (userspace datapath), a QEMU guest whose NIC names a portgroup, and
//! `ovs-vsctl` showing that its port carries that VLAN tag.

use super::{server, testbed, virsh, virsh_out, wait_vm};
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

/// The OVS port (libvirt's `vnetN`) of the guest's NIC with `mac` (any NIC when `None`).
fn guest_port_of(guest: &str, mac: Option<&str>) -> Option<String> {
    let out = Command::new("virsh")
        .args(["-c", "qemu:///system", "domiflist", guest])
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| mac.is_none_or(|m| l.contains(m)))
        .filter_map(|l| l.split_whitespace().next())
        .find(|w| w.starts_with("vnet"))
        .map(str::to_owned)
}

fn guest_port(guest: &str) -> Option<String> {
    guest_port_of(guest, None)
}

/// Waits for the task to end and asserts it succeeded.
async fn succeeded(ev: &mut crate::Events, task: &serde_json::Value) {
    let done = crate::actions::finished(ev, task).await;
    assert_eq!(done["state"], "succeeded", "{done}");
}

#[tokio::test]
async fn an_ovs_network_made_through_the_api_puts_a_guest_nic_on_its_portgroup_vlan() {
    let Some(tb) =
        testbed("an_ovs_network_made_through_the_api_puts_a_guest_nic_on_its_portgroup_vlan")
    else {
        return;
    };
    let (_d, s) = server().await;
    let mut ev = s.events("hosts,inventory,tasks").await;
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
             <os><type arch='x86_64'>hvm</type></os><features><acpi/></features><devices>\
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

    // A second NIC through the API, live, on the vlan10 portgroup; then moved to vlan20,
    // its link set down, and removed.
    let vm = wait_vm(&s, &mut ev, &guest, |_| true).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (st, _) = s.post("/api/v1/vms/import", json!({"vmIds": [vm]})).await;
    assert_eq!(st, 200);
    let mac = "52:54:00:7a:10:01";
    let nics = format!("/api/v1/vms/{vm}/nics");
    let (st, task) = s
        .post(
            &nics,
            json!({"network": cleanup.network, "portgroup": "vlan10", "mac": mac}),
        )
        .await;
    assert_eq!(st, 202, "{task}");
    succeeded(&mut ev, &task).await;
    let added = guest_port_of(&cleanup.guest, Some(mac)).expect("the new NIC has a port");
    assert_eq!(ovs_vsctl(&["get", "port", &added, "tag"]), "10");
    // Moved live to vlan20, then to the trunk: the running port is re-tagged at once.
    let one_nic = format!("{nics}/{mac}");
    let patch = |body: serde_json::Value| s.send(reqwest::Method::PATCH, &one_nic, Some(body));
    let (st, task) = patch(json!({"portgroup": "vlan20"})).await;
    assert_eq!(st, 202, "{task}");
    succeeded(&mut ev, &task).await;
    assert_eq!(
        ovs_vsctl(&["get", "port", &added, "tag"]),
        "20",
        "moved live to vlan20"
    );
    let (st, task) = patch(json!({"portgroup": "trunk", "linkUp": false})).await;
    assert_eq!(st, 202, "{task}");
    succeeded(&mut ev, &task).await;
    assert_eq!(
        (
            ovs_vsctl(&["get", "port", &added, "trunks"]),
            ovs_vsctl(&["get", "port", &added, "tag"]),
            ovs_vsctl(&["get", "port", &added, "vlan_mode"]),
        ),
        (
            "[10, 20, 30]".to_owned(),
            "10".to_owned(),
            "native-untagged".to_owned()
        ),
        "moved live to the trunk"
    );
    let link = || {
        let out = Command::new("virsh")
            .args(["-c", "qemu:///system", "domif-getlink", &cleanup.guest, mac])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(link().contains("down"), "{}", link());
    // The stored configuration names the portgroup alone, so the VM follows it when it
    // starts again.
    virsh(&["destroy", &cleanup.guest]);
    let inactive = virsh_out(&["dumpxml", "--inactive", &cleanup.guest]);
    assert!(
        inactive.contains("portgroup='trunk'") && !inactive.contains("<tag id='30'"),
        "{inactive}"
    );
    virsh(&["start", &cleanup.guest]);
    let moved = guest_port_of(&cleanup.guest, Some(mac)).expect("still a port");
    assert_eq!(
        ovs_vsctl(&["get", "port", &moved, "trunks"]),
        "[10, 20, 30]"
    );
    assert!(link().contains("down"), "{}", link());

    // Portgroups of the running network: one added and changed, one in use refused.
    let pgs = format!(
        "/api/v1/hosts/{host}/networks/{}/portgroups",
        cleanup.network
    );
    let (st, n) = s
        .post(&pgs, json!({"name": "vlan40", "vlanTags": [40]}))
        .await;
    assert_eq!(st, 201, "{n}");
    let (st, n) = s
        .send(
            reqwest::Method::PUT,
            &format!("{pgs}/vlan40"),
            Some(json!({"name": "vlan40", "vlanTags": [41]})),
        )
        .await;
    assert_eq!(st, 200, "{n}");
    let vlan40 = n["portgroups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "vlan40")
        .cloned();
    assert_eq!(
        vlan40.map(|p| p["vlanTags"].clone()),
        Some(json!([41])),
        "{n}"
    );
    let (st, e) = s
        .send(reqwest::Method::DELETE, &format!("{pgs}/vlan20"), None)
        .await;
    assert_eq!(
        (st, e["code"].as_str()),
        (409, Some("portgroup_in_use")),
        "{e}"
    );
    assert_eq!(e["details"]["users"], json!([guest]));
    let (st, n) = s
        .send(reqwest::Method::DELETE, &format!("{pgs}/vlan40"), None)
        .await;
    assert_eq!(st, 200, "{n}");
    let net_xml = virsh_out(&["net-dumpxml", &cleanup.network]);
    assert!(!net_xml.contains("vlan40"), "{net_xml}");

    // A NIC straight on the OVS bridge carries its own VLANs, changed live.
    let bridged = "52:54:00:7a:10:02";
    let (st, task) = s
        .post(
            &nics,
            json!({"bridge": bridge(), "openvswitch": true, "vlanTags": [50], "mac": bridged}),
        )
        .await;
    assert_eq!(st, 202, "{task}");
    succeeded(&mut ev, &task).await;
    let bport = guest_port_of(&cleanup.guest, Some(bridged)).expect("a port on the bridge");
    assert_eq!(ovs_vsctl(&["get", "port", &bport, "tag"]), "50");
    for (body, tag, trunks) in [
        (json!({"vlanTags": [51]}), "51", "[]"),
        (
            json!({"vlanTags": [60, 61], "trunk": true}),
            "[]",
            "[60, 61]",
        ),
        (json!({"vlanTags": []}), "[]", "[]"),
    ] {
        let (st, task) = s
            .send(
                reqwest::Method::PATCH,
                &format!("{nics}/{bridged}"),
                Some(body.clone()),
            )
            .await;
        assert_eq!(st, 202, "{task}");
        succeeded(&mut ev, &task).await;
        assert_eq!(
            (
                ovs_vsctl(&["get", "port", &bport, "tag"]),
                ovs_vsctl(&["get", "port", &bport, "trunks"])
            ),
            (tag.to_owned(), trunks.to_owned()),
            "after {body}"
        );
    }

    virsh(&["destroy", &cleanup.guest]);
    let (st, task) = s
        .send(reqwest::Method::DELETE, &format!("{nics}/{mac}"), None)
        .await;
    assert_eq!(st, 202, "{task}");
    succeeded(&mut ev, &task).await;
    virsh(&["start", &cleanup.guest]);
    assert_eq!(
        guest_port_of(&cleanup.guest, Some(mac)),
        None,
        "the NIC is gone"
    );
    assert!(guest_port(&cleanup.guest).is_some(), "the first NIC stays");
    let (_, detail) = s.get(&format!("/api/v1/vms/{vm}")).await;
    let macs: Vec<&str> = detail["nics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n["mac"].as_str())
        .collect();
    assert!(!macs.contains(&mac), "the inventory followed: {macs:?}");

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
