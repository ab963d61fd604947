use crate::{Testbed, connector, testbed};
use virtumancer_drivers::{ConnectError, ConnectSpec, HostConnector};
use virtumancer_model::HostUri;

fn host_key_fingerprint(tb: &Testbed) -> String {
    let out = std::process::Command::new("ssh-keygen")
        .arg("-lf")
        .arg(tb.ssh_dir.join("ssh_host_ed25519_key.pub"))
        .output()
        .expect("ssh-keygen");
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .nth(1)
        .expect("fingerprint")
        .to_owned()
}

fn ssh_spec(tb: &Testbed, scheme: &str, key: &str, accepted: Option<String>) -> ConnectSpec {
    ConnectSpec {
        uri: HostUri::parse(&format!("{scheme}://root@127.0.0.1:{}/system", tb.ssh_port)).unwrap(),
        key_file: Some(tb.ssh_dir.join(key)),
        accepted_host_key: accepted,
    }
}

#[tokio::test]
async fn qemu_over_tcp_and_unix_reports_real_facts() {
    let Some(tb) = testbed("qemu_over_tcp_and_unix_reports_real_facts") else {
        return;
    };
    let c = connector();
    for uri in [
        format!("qemu+tcp://127.0.0.1:{}/system", tb.tcp_port),
        "qemu:///system".to_owned(),
    ] {
        let conn = c
            .open(&ConnectSpec::plain(HostUri::parse(&uri).unwrap()))
            .await
            .unwrap_or_else(|e| panic!("{uri}: {e}"));
        let f = conn.facts().await.unwrap();
        assert_eq!(f.hypervisor_type, "QEMU", "{uri}");
        assert_eq!(f.arch, "x86_64");
        assert!(
            f.kvm_available,
            "capabilities offer kvm domains on this machine"
        );
        assert!(f.cpu_count >= 1 && f.memory_bytes > 0);
        assert!(f.libvirt_version.starts_with(|c: char| c.is_ascii_digit()));
        conn.close().await;
    }
}

#[tokio::test]
async fn ssh_host_key_must_be_accepted_and_pinned() {
    let Some(tb) = testbed("ssh_host_key_must_be_accepted_and_pinned") else {
        return;
    };
    let c = connector();
    let expected = host_key_fingerprint(&tb);
    let scanned = c
        .scan_host_key(&ssh_spec(&tb, "qemu+ssh", "id_ed25519", None).uri)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(scanned.fingerprint, expected);
    assert_eq!(scanned.key_type, "ssh-ed25519");

    match c.open(&ssh_spec(&tb, "qemu+ssh", "id_ed25519", None)).await {
        Err(ConnectError::HostKeyUnverified { presented }) => {
            assert_eq!(presented.fingerprint, expected)
        }
        other => panic!("expected HostKeyUnverified, got {:?}", other.map(|_| ())),
    }
    match c
        .open(&ssh_spec(
            &tb,
            "qemu+ssh",
            "id_ed25519",
            Some("SHA256:AAAAchangedAAAA".into()),
        ))
        .await
    {
        Err(e @ ConnectError::HostKeyMismatch { .. }) => {
            assert!(e.to_string().contains("changed"), "{e}")
        }
        other => panic!("expected HostKeyMismatch, got {:?}", other.map(|_| ())),
    }
    for scheme in ["qemu+ssh", "qemu+libssh2"] {
        let conn = c
            .open(&ssh_spec(&tb, scheme, "id_ed25519", Some(expected.clone())))
            .await
            .unwrap_or_else(|e| panic!("{scheme}: {e}"));
        assert_eq!(
            conn.facts().await.unwrap().hypervisor_type,
            "QEMU",
            "{scheme}"
        );
        conn.close().await;
    }
    assert!(
        !std::path::Path::new("/root/.ssh/known_hosts").exists()
            || std::fs::read_to_string("/root/.ssh/known_hosts")
                .unwrap()
                .lines()
                .all(|l| !l.contains(":2222")),
        "Virtumancer must never write the user's known_hosts"
    );
}

#[tokio::test]
async fn ssh_wrong_or_missing_key_is_an_auth_error() {
    let Some(tb) = testbed("ssh_wrong_or_missing_key_is_an_auth_error") else {
        return;
    };
    let c = connector();
    let fp = Some(host_key_fingerprint(&tb));
    for scheme in ["qemu+ssh", "qemu+libssh2"] {
        match c
            .open(&ssh_spec(&tb, scheme, "wrong_ed25519", fp.clone()))
            .await
        {
            Err(ConnectError::AuthFailed(msg)) => assert!(!msg.is_empty()),
            other => panic!("{scheme}: expected AuthFailed, got {:?}", other.map(|_| ())),
        }
    }
    match c.open(&ssh_spec(&tb, "qemu+ssh", "no-such-key", fp)).await {
        Err(ConnectError::InvalidSpec(msg)) => assert!(msg.contains("no-such-key"), "{msg}"),
        other => panic!("expected InvalidSpec, got {:?}", other.map(|_| ())),
    }
}

#[tokio::test]
async fn qemu_over_tls_needs_the_client_certificates() {
    let Some(tb) = testbed("qemu_over_tls_needs_the_client_certificates") else {
        return;
    };
    let c = connector();
    let uri = format!(
        "qemu+tls://127.0.0.1:{}/system?pkipath={}",
        tb.tls_port,
        tb.pki_client.display()
    );
    let conn = c
        .open(&ConnectSpec::plain(HostUri::parse(&uri).unwrap()))
        .await
        .unwrap_or_else(|e| panic!("{uri}: {e}"));
    assert_eq!(conn.facts().await.unwrap().hypervisor_type, "QEMU");
    conn.close().await;

    // A folder without certificates: a precise, non-transient failure naming the problem.
    let empty = tempfile::tempdir().unwrap();
    let uri = format!(
        "qemu+tls://127.0.0.1:{}/system?pkipath={}",
        tb.tls_port,
        empty.path().display()
    );
    let err = c
        .open(&ConnectSpec::plain(HostUri::parse(&uri).unwrap()))
        .await
        .err()
        .expect("must fail without certificates");
    assert!(
        err.to_string().contains("cacert.pem")
            || err.to_string().to_lowercase().contains("certificate"),
        "{err}"
    );
}

fn virsh(args: &[&str]) -> String {
    let out = std::process::Command::new("virsh")
        .args(["-c", "qemu:///system"])
        .args(args)
        .output()
        .expect("virsh");
    assert!(
        out.status.success(),
        "virsh {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

async fn next_event(
    rx: &mut tokio::sync::broadcast::Receiver<virtumancer_drivers::InventoryEvent>,
    pred: impl Fn(&virtumancer_drivers::InventoryEvent) -> bool,
) -> virtumancer_drivers::InventoryEvent {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let ev = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .expect("no matching event within 15 s")
            .expect("event channel");
        if pred(&ev) {
            return ev;
        }
    }
}

#[tokio::test]
async fn changes_made_behind_our_back_arrive_as_events() {
    use virtumancer_drivers::InventoryEvent;
    let Some(tb) = testbed("changes_made_behind_our_back_arrive_as_events") else {
        return;
    };
    let c = connector();
    let uri = format!("qemu+tcp://127.0.0.1:{}/system", tb.tcp_port);
    let conn = c
        .open(&ConnectSpec::plain(HostUri::parse(&uri).unwrap()))
        .await
        .unwrap();
    let mut rx = conn.events();
    let dir = tempfile::tempdir().unwrap();
    let xml = dir.path().join("vm.xml");
    let name = format!("vt-events-{}", std::process::id());
    std::fs::write(
        &xml,
        format!(
            "<domain type='qemu'><name>{name}</name><title>t &amp; &lt;x&gt;</title><memory unit='MiB'>64</memory><vcpu>1</vcpu>\
             <os><type arch='x86_64'>hvm</type></os><devices><disk type='file' device='cdrom'><target dev='hdc' bus='ide'/><readonly/></disk></devices></domain>"
        ),
    )
    .unwrap();
    virsh(&["define", xml.to_str().unwrap()]);
    let uuid = virsh(&["domuuid", &name]).trim().to_owned();
    let ev = next_event(
        &mut rx,
        |e| matches!(e, InventoryEvent::VmChanged { uuid: u } if *u == uuid),
    )
    .await;
    assert_eq!(ev, InventoryEvent::VmChanged { uuid: uuid.clone() });
    let vm = conn
        .inventory()
        .vm(&uuid)
        .await
        .unwrap()
        .expect("defined VM is readable");
    assert_eq!(
        (vm.name.as_str(), vm.title.as_deref()),
        (name.as_str(), Some("t & <x>"))
    );
    assert_eq!(vm.disks[0].device, "cdrom");
    assert_eq!(
        vm.disks[0].source_path, None,
        "an empty CD-ROM has no source"
    );
    let snap = conn.inventory().snapshot().await.unwrap();
    assert!(snap.vms.iter().any(|v| v.uuid == uuid));

    virsh(&["undefine", &name]);
    next_event(
        &mut rx,
        |e| matches!(e, InventoryEvent::VmRemoved { uuid: u } if *u == uuid),
    )
    .await;
    assert_eq!(conn.inventory().vm(&uuid).await.unwrap(), None);

    let net = dir.path().join("net.xml");
    std::fs::write(
        &net,
        format!(
            "<network><name>{name}</name><bridge name='vtev{}'/></network>",
            std::process::id() % 10000
        ),
    )
    .unwrap();
    virsh(&["net-define", net.to_str().unwrap()]);
    next_event(&mut rx, |e| *e == InventoryEvent::NetworksChanged).await;
    virsh(&["net-undefine", &name]);
    conn.close().await;
}

#[tokio::test]
async fn network_conformance_on_the_real_daemon_with_open_vswitch() {
    let Some(tb) = testbed("network_conformance_on_the_real_daemon_with_open_vswitch") else {
        return;
    };
    let bridge = std::env::var("VM_TEST_OVS_BRIDGE").unwrap_or_else(|_| "vmtestovs0".into());
    let uri = format!("qemu+tcp://127.0.0.1:{}/system", tb.tcp_port);
    let conn = connector()
        .open(&ConnectSpec::plain(HostUri::parse(&uri).unwrap()))
        .await
        .unwrap();
    let prefix = format!("vt-suite-{}", std::process::id());
    virtumancer_drivers::testkit::network_driver_suite(conn.as_ref(), &prefix, Some(&bridge)).await;
    conn.close().await;
}
