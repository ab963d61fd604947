//! A host in its own network namespace (scripts/testbed/nshost.sh): a Linux bridge network and
//! a NAT network made through the API there (NAT never touches the root namespace), a tiny
//! guest on both, and the DHCP lease of its NAT NIC showing as the port's address.

use super::power::tiny_guest_script;
use super::{server, testbed};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

fn env_or(k: &str, d: &str) -> String {
    std::env::var(k).unwrap_or_else(|_| d.to_owned())
}

fn ns_dir() -> PathBuf {
    PathBuf::from(env_or("VM_TEST_NS_DIR", "/tmp/virtumancer-testbed/nshost"))
}

fn ns_uri() -> String {
    format!(
        "qemu+tcp://{}/system",
        env_or("VM_TEST_NS_IP", "10.78.0.11")
    )
}

/// Runs a command in the namespace host (network + mount namespaces) and returns its output.
fn in_ns(args: &[&str]) -> String {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/testbed/nshost.sh");
    let out = Command::new("bash")
        .arg(script)
        .arg("exec")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "in the namespace host {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn ns_virsh(args: &[&str]) -> String {
    let out = Command::new("virsh")
        .args(["-c", &ns_uri()])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "virsh {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// What one test made on the namespace host; removed when dropped, whatever happened.
struct Cleanup {
    guest: String,
    networks: Vec<String>,
    bridge: String,
    files: Vec<PathBuf>,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        let virsh = |args: &[&str]| {
            let _ = Command::new("virsh")
                .args(["-c", &ns_uri()])
                .args(args)
                .output();
        };
        virsh(&["destroy", &self.guest]);
        virsh(&["undefine", &self.guest]);
        for n in &self.networks {
            virsh(&["net-destroy", n]);
            virsh(&["net-undefine", n]);
        }
        let _ = Command::new("bash")
            .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/testbed/nshost.sh"))
            .args(["exec", "ip", "link", "del", &self.bridge])
            .output();
        for f in &self.files {
            let _ = std::fs::remove_file(f);
        }
    }
}

#[tokio::test]
async fn bridge_and_nat_networks_on_a_namespaced_host_and_the_lease_of_a_guest() {
    let Some(tb) = testbed("bridge_and_nat_networks_on_a_namespaced_host_and_the_lease_of_a_guest")
    else {
        return;
    };
    let pid = std::process::id();
    let c = Cleanup {
        guest: format!("vt-ns-{pid}"),
        networks: vec![format!("vt-nat-{pid}"), format!("vt-br-{pid}")],
        bridge: format!("vtbr{}", pid % 100_000),
        files: Vec::new(),
    };
    let (_d, s) = server().await;
    let mut ev = s.events("hosts,inventory,tasks").await;
    let (st, h) = s
        .post("/api/v1/hosts", json!({"name": "ns1", "uri": ns_uri()}))
        .await;
    assert_eq!(st, 201, "{h}");
    let host = h["id"].as_str().unwrap().to_owned();
    s.wait_host_state(&mut ev, &host, "connected", Duration::from_secs(30))
        .await;
    let nets = format!("/api/v1/hosts/{host}/networks");

    // A Linux bridge network needs its bridge: refused while missing, made once it exists.
    let (nat, br) = (c.networks[0].clone(), c.networks[1].clone());
    let bridge_net = json!({"name": br, "kind": "bridge", "bridge": c.bridge});
    let (st, e) = s.post(&nets, bridge_net.clone()).await;
    assert_eq!(
        (st, e["code"].as_str()),
        (422, Some("invalid_request")),
        "{e}"
    );
    assert!(e["message"].as_str().unwrap().contains(&c.bridge), "{e}");
    in_ns(&["ip", "link", "add", &c.bridge, "type", "bridge"]);
    in_ns(&["ip", "link", "set", &c.bridge, "up"]);
    let (st, n) = s.post(&nets, bridge_net).await;
    assert_eq!(st, 201, "{n}");
    assert_eq!(
        (&n["forwardMode"], &n["bridge"], &n["active"]),
        (&json!("bridge"), &json!(c.bridge), &json!(true))
    );

    // A NAT network: forwarding and masquerading inside the namespace only.
    let (st, n) = s
        .post(
            &nets,
            json!({"name": nat, "kind": "nat", "ipv4": {"address": "192.168.177.1", "prefix": 24,
                "dhcpStart": "192.168.177.100", "dhcpEnd": "192.168.177.150"}}),
        )
        .await;
    assert_eq!(st, 201, "{n}");
    assert_eq!(
        (&n["forwardMode"], &n["active"]),
        (&json!("nat"), &json!(true)),
        "{n}"
    );
    assert_eq!(in_ns(&["sysctl", "-n", "net.ipv4.ip_forward"]).trim(), "1");
    let nat_rules = in_ns(&["iptables", "-t", "nat", "-S"]);
    assert!(nat_rules.contains("192.168.177.0/24"), "{nat_rules}");
    assert_eq!(
        std::fs::read_to_string("/proc/sys/net/ipv4/ip_forward")
            .unwrap()
            .trim(),
        "0",
        "the root namespace does not forward"
    );

    // A tiny guest with a NIC on each; it asks for a DHCP lease when it boots.
    tiny_guest_script(&tb, &["build"]);
    let images = ns_dir().join("lib/images");
    let disk = images.join(format!("{}.qcow2", c.guest));
    tiny_guest_script(&tb, &["disk", disk.to_str().unwrap()]);
    let mut c = c;
    c.files.push(disk);
    c.files
        .push(ns_dir().join(format!("log/qemu/{}-serial.log", c.guest)));
    let inside_disk = format!("/var/lib/libvirt/images/{}.qcow2", c.guest);
    let xml = tiny_guest_script(&tb, &["xml", &c.guest, &inside_disk]).replace(
        "</devices>",
        &format!(
            "<interface type='network'><mac address='52:54:00:77:00:01'/><source network='{nat}'/>\
             <model type='virtio'/></interface>\
             <interface type='network'><mac address='52:54:00:77:00:02'/><source network='{br}'/>\
             <model type='virtio'/></interface></devices>"
        ),
    );
    let dir = tempfile::tempdir().unwrap();
    let xml_path = dir.path().join("guest.xml");
    std::fs::write(&xml_path, xml).unwrap();
    ns_virsh(&["define", xml_path.to_str().unwrap()]);
    ns_virsh(&["start", &c.guest]);
    let on_bridge = in_ns(&["ip", "-o", "link", "show", "master", &c.bridge]);
    assert!(
        on_bridge.contains("vnet"),
        "the bridge NIC's tap is on {}: {on_bridge}",
        c.bridge
    );

    // The port list shows the lease libvirt's dnsmasq handed out.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    let port = loop {
        let (_, page) = s
            .get(&format!("/api/v1/ports?hostId={host}&network={nat}"))
            .await;
        let port: Option<Value> = page["items"].as_array().and_then(|i| i.first().cloned());
        if let Some(p) = port.filter(|p| p["addresses"].as_array().is_some_and(|a| !a.is_empty())) {
            break p;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no lease within 120 s: {page}; serial log:\n{}",
            std::fs::read_to_string(&c.files[1]).unwrap_or_default()
        );
        // Polls the API with a deadline: no event says a lease was handed out.
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert_eq!(port["mac"], "52:54:00:77:00:01");
    let addr = &port["addresses"][0];
    assert_eq!(addr["source"], "lease", "{port}");
    let ip = addr["address"].as_str().unwrap();
    let last: u8 = ip
        .strip_prefix("192.168.177.")
        .and_then(|r| r.strip_suffix("/24"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{ip} is not in the NAT subnet"));
    assert!(
        (100..=150).contains(&last),
        "{ip} is outside the DHCP range"
    );
    let leases = ns_virsh(&["net-dhcp-leases", &nat]);
    assert!(leases.contains(ip.split('/').next().unwrap()), "{leases}");

    // In use: refused with the guest; forced, gone from the host.
    let (st, e) = s
        .send(reqwest::Method::DELETE, &format!("{nets}/{nat}"), None)
        .await;
    assert_eq!(
        (st, e["code"].as_str()),
        (409, Some("network_in_use")),
        "{e}"
    );
    ns_virsh(&["destroy", &c.guest]);
    let (st, _) = s
        .send(
            reqwest::Method::DELETE,
            &format!("{nets}/{nat}?force=true"),
            None,
        )
        .await;
    assert_eq!(st, 204);
    let left = ns_virsh(&["net-list", "--all", "--name"]);
    assert!(!left.lines().any(|l| l.trim() == nat), "{left}");
    drop(c);
}
