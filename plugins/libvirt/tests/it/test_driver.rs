use crate::connector;
use virtumancer_drivers::testkit::host_connector_suite;
use virtumancer_drivers::{ConnectError, ConnectSpec, HostConnector};
use virtumancer_model::HostUri;

fn spec(uri: &str) -> ConnectSpec {
    ConnectSpec::plain(HostUri::parse(uri).unwrap())
}

#[tokio::test]
async fn conformance_on_the_test_driver() {
    // Port 1 on loopback refuses connections: a transient "unreachable".
    host_connector_suite(
        &connector(),
        spec("test:///default"),
        spec("qemu+tcp://127.0.0.1:1/system"),
    )
    .await;
}

#[tokio::test]
async fn test_driver_facts_match_the_builtin_node() {
    let c = connector();
    let conn = c.open(&spec("test:///default")).await.unwrap();
    let f = conn.facts().await.unwrap();
    // libvirt's built-in test node: 16 CPUs (2 nodes × 2 sockets × 2 cores × 2 threads), 8 GiB? no: 3 GiB
    assert_eq!(f.hypervisor_type, "TEST");
    assert_eq!(f.cpu_count, 16);
    assert_eq!((f.cpu_sockets, f.cpu_cores, f.cpu_threads), (4, 2, 2));
    assert_eq!(f.arch, "i686");
    assert!(!f.kvm_available);
    assert!(f.memory_bytes > 1 << 30);
    conn.close().await;
}

#[tokio::test]
async fn node_files_open_and_missing_files_are_invalid() {
    let dir = tempfile::tempdir().unwrap();
    let node = dir.path().join("node.xml");
    std::fs::write(
        &node,
        "<node><cpu><mhz>2000</mhz><model>vm-test</model><nodes>1</nodes><sockets>1</sockets><cores>4</cores><threads>1</threads><active>4</active></cpu><memory>4194304</memory></node>",
    )
    .unwrap();
    let c = connector();
    let conn = c
        .open(&spec(&format!("test://{}", node.display())))
        .await
        .unwrap();
    let f = conn.facts().await.unwrap();
    assert_eq!((f.cpu_count, f.cpu_mhz, f.memory_bytes), (4, 2000, 4 << 30));
    let missing = c
        .open(&spec("test:///nonexistent/node.xml"))
        .await
        .err()
        .expect("missing file must fail");
    assert!(!missing.is_transient(), "{missing:?}");
}

#[tokio::test]
async fn unreachable_tcp_host_is_transient() {
    let err = connector()
        .open(&spec("qemu+tcp://127.0.0.1:1/system"))
        .await
        .err()
        .unwrap();
    assert!(matches!(err, ConnectError::Unreachable(_)), "{err:?}");
    assert!(err.to_string().contains("127.0.0.1"), "{err}");
}

#[tokio::test]
async fn snapshot_of_the_builtin_test_node() {
    use virtumancer_model::PowerState;
    let conn = connector().open(&spec("test:///default")).await.unwrap();
    let inv = conn.inventory().snapshot().await.unwrap();
    assert_eq!(inv.vms.len(), 1);
    let vm = &inv.vms[0];
    assert_eq!(
        (vm.name.as_str(), vm.state, vm.persistent),
        ("test", PowerState::Running, true)
    );
    assert_eq!(vm.uuid, "6695eb01-f6a4-8304-79aa-97f2502e193f");
    assert_eq!((vm.vcpus, vm.memory_bytes), (2, 8 << 30));
    assert_eq!(
        vm.disks[0].source_path.as_deref(),
        Some("/guest/diskimage1")
    );
    assert!(
        vm.disks[0].capacity_bytes.is_some(),
        "file disks outside pools are sized by block info"
    );
    assert_eq!(vm.nics[0].network.as_deref(), Some("default"));
    assert_eq!(
        inv.networks
            .iter()
            .map(|n| n.name.as_str())
            .collect::<Vec<_>>(),
        ["default"]
    );
    assert_eq!(
        inv.pools
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>(),
        ["default-pool"]
    );
    assert_eq!(conn.inventory().vm(&vm.uuid).await.unwrap().unwrap(), *vm);
    assert_eq!(
        conn.inventory()
            .vm("00000000-0000-0000-0000-000000000000")
            .await
            .unwrap(),
        None
    );
    conn.close().await;
    assert!(matches!(
        conn.inventory().snapshot().await,
        Err(virtumancer_drivers::DriverError::Unavailable(_))
    ));
}

#[tokio::test]
async fn network_conformance_on_the_test_driver_node() {
    // The generated node's host has the bridge br0 (the test driver cannot tell OVS apart).
    let dir = tempfile::tempdir().unwrap();
    let node = xtask::generate(&xtask::NodeSpec {
        domains: 3,
        ..xtask::NodeSpec::default()
    })
    .unwrap();
    let path = dir.path().join("node.xml");
    std::fs::write(&path, &node.xml).unwrap();
    let conn = connector()
        .open(&spec(&format!("test://{}", path.display())))
        .await
        .unwrap();
    virtumancer_drivers::testkit::network_driver_suite(conn.as_ref(), "suite", Some("br0")).await;
    conn.close().await;
}
