//! Sync of a generated test-driver node with thousands of domains covering every disk and
//! interface kind (the project's own generator, `xtask gen-node`).

use crate::registry;
use std::collections::BTreeSet;
use std::sync::Arc;
use virtumancer_drivers::ConnectSpec;
use virtumancer_engine::{EventBus, InventorySync};
use virtumancer_model::{HostId, HostUri, PowerState};
use virtumancer_store::{HostConfig, VmQuery};

#[tokio::test]
async fn thousands_of_generated_domains_sync_completely_and_resync_writes_nothing() {
    const N: usize = 2000;
    let dir = tempfile::tempdir().unwrap();
    let node = xtask::generate(&xtask::NodeSpec {
        domains: N,
        seed: 7,
        ..xtask::NodeSpec::default()
    })
    .unwrap();
    let path = dir.path().join("node.xml");
    std::fs::write(&path, &node.xml).unwrap();

    let store = virtumancer_store::open(&format!("sqlite:{}", dir.path().join("v.db").display()))
        .await
        .unwrap();
    let host = HostId::new();
    let uri = format!("test://{}", path.display());
    store
        .insert_host(
            host,
            &HostConfig {
                name: "gen".into(),
                uri: uri.clone(),
                key_file: None,
                host_key: None,
            },
            false,
        )
        .await
        .unwrap();
    let uri = HostUri::parse(&uri).unwrap();
    let conn = registry(dir.path())
        .host_connector(&uri)
        .unwrap()
        .open(&ConnectSpec::plain(uri))
        .await
        .unwrap();
    let sync = InventorySync::new(host, Arc::clone(&store), EventBus::new());

    let first = sync.full(conn.as_ref()).await.unwrap();
    assert_eq!((first.vms_seen, first.vms_changed), (N, N));
    let page = store
        .list_vms(&VmQuery {
            host: Some(host),
            limit: 500,
            ..VmQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(page.total as usize, N);
    // States come from the domains' XML and the short paused/other/transient lists.
    for (state, expected) in [
        (PowerState::Running, node.stats.running),
        (PowerState::Paused, node.stats.paused),
        (PowerState::Shutoff, node.stats.shutoff),
    ] {
        let found = store
            .list_vms(&VmQuery {
                state: Some(state),
                limit: 1,
                ..VmQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(found.total as usize, expected, "{state:?}");
    }
    assert!(node.stats.paused > 0 && node.stats.running > 0 && node.stats.shutoff > 0);

    // Names with XML metacharacters and unicode are stored as libvirt has them.
    let odd = store
        .list_vms(&VmQuery {
            search: Some("<&>'\"-ünï".into()),
            limit: 500,
            ..VmQuery::default()
        })
        .await
        .unwrap();
    assert!(
        odd.total > 0,
        "generated metacharacter names are found by search"
    );
    assert!(odd.items.iter().all(|v| v.name.contains("<&>'\"-ünï")));

    // Every disk and NIC kind arrives normalized; pool-volume disks carry sizes.
    let mut disk_kinds = BTreeSet::new();
    let mut nic_kinds = BTreeSet::new();
    let mut sized = 0;
    let mut unsized_locals = 0;
    for v in store
        .list_vms(&VmQuery {
            host: Some(host),
            limit: 200,
            ..VmQuery::default()
        })
        .await
        .unwrap()
        .items
    {
        let d = store.get_vm(v.id).await.unwrap().unwrap();
        for k in &d.disks {
            disk_kinds.insert((k.kind.clone(), k.device.clone()));
            if k.pool.is_some() {
                assert!(k.capacity_bytes.is_some(), "pool disk without size: {k:?}");
                sized += 1;
            } else if k.kind == "file" && k.source_path.is_some() && k.capacity_bytes.is_none() {
                unsized_locals += 1;
            }
        }
        // The generator gives each domain serial port 0 and libvirt's console naming it again:
        // one entry, the serial port.
        assert_eq!(
            d.consoles
                .iter()
                .map(|c| (c.kind.as_str(), c.port, c.source_type.as_str()))
                .collect::<Vec<_>>(),
            [("serial", Some(0), "pty")],
            "{}",
            d.vm.name
        );
        // The generator sets every lifecycle action.
        assert!(
            d.hardware.on_poweroff.is_some() && d.hardware.on_crash.is_some(),
            "{}: {:?}",
            d.vm.name,
            d.hardware
        );
        for n in &d.nics {
            nic_kinds.insert(n.kind.clone());
            if n.portgroup.as_deref() == Some("trunk") {
                assert!(n.network.is_some());
            }
        }
    }
    for k in [
        ("file", "disk"),
        ("volume", "disk"),
        ("block", "disk"),
        ("network", "disk"),
        ("file", "cdrom"),
    ] {
        assert!(
            disk_kinds.contains(&(k.0.to_owned(), k.1.to_owned())),
            "{k:?} missing: {disk_kinds:?}"
        );
    }
    for k in [
        "network",
        "bridge",
        "direct",
        "ethernet",
        "user",
        "vhostuser",
    ] {
        assert!(nic_kinds.contains(k), "{k} NICs missing: {nic_kinds:?}");
    }
    assert!(sized > 100, "disks sized from pool volumes: {sized}");
    assert_eq!(
        unsized_locals, 0,
        "file disks outside pools are sized by block info"
    );

    let again = sync.full(conn.as_ref()).await.unwrap();
    assert_eq!(
        (again.vms_seen, again.vms_changed, again.rows_written),
        (N, 0, 0)
    );
    conn.close().await;
}
