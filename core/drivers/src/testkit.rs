//! Conformance suites every driver runs against its real backend.

use crate::{CloseReason, ConnectError, ConnectSpec, DriverError, HostConnection, HostConnector};
use std::time::Duration;
use virtumancer_model::{NetworkAction, NetworkKind, NetworkSpec, PortgroupChange, PortgroupSpec};

/// Checks the [`HostConnector`] contract: `good` opens and yields plausible facts, closing
/// resolves `closed()`, `unreachable` fails with a transient error.
pub async fn host_connector_suite(
    connector: &dyn HostConnector,
    good: ConnectSpec,
    unreachable: ConnectSpec,
) {
    assert!(
        connector.supports(&good.uri),
        "connector must support its own good URI"
    );
    let conn = connector.open(&good).await.expect("opening the good spec");
    let facts = conn.facts().await.expect("facts");
    assert!(!facts.hostname.is_empty(), "hostname is empty");
    assert!(facts.cpu_count > 0, "no CPUs reported");
    assert!(facts.memory_bytes > 0, "no memory reported");
    assert!(
        facts.libvirt_version.split('.').count() == 3,
        "version {} is not x.y.z",
        facts.libvirt_version
    );
    assert!(!facts.hypervisor_type.is_empty());
    let mut closed = conn.closed();
    assert!(closed.borrow().is_none(), "fresh connection reports closed");
    conn.close().await;
    conn.close().await; // idempotent
    tokio::time::timeout(Duration::from_secs(10), closed.wait_for(Option::is_some))
        .await
        .expect("closed() did not resolve within 10 s")
        .expect("closed sender dropped");
    assert_eq!(*closed.borrow(), Some(CloseReason::Client));

    let err =
        match tokio::time::timeout(Duration::from_secs(60), connector.open(&unreachable)).await {
            Ok(Ok(_)) => panic!("unreachable spec opened"),
            Ok(Err(e)) => e,
            Err(_) => panic!("opening an unreachable host did not fail within 60 s"),
        };
    assert!(
        matches!(err, ConnectError::Unreachable(_) | ConnectError::Failed(_)),
        "{err:?}"
    );
    assert!(err.is_transient());
}

/// Checks the [`crate::NetworkDriver`] contract on an open connection: an isolated network
/// and (when `ovs_bridge` names a bridge the host has) an Open vSwitch network with VLAN
/// portgroups are created as asked, read back, started, stopped, switched to autostart and
/// deleted; duplicates and unknown names give the documented errors. Names start with
/// `prefix` so parallel runs do not meet.
pub async fn network_driver_suite(
    conn: &dyn HostConnection,
    prefix: &str,
    ovs_bridge: Option<&str>,
) {
    let nets = conn.networks();
    let name = format!("{prefix}-iso");
    let spec = NetworkSpec {
        name: name.clone(),
        kind: NetworkKind::Isolated,
        bridge: None,
        ipv4: None,
        portgroups: Vec::new(),
        autostart: false,
        start: false,
        plugin_kind: None,
        params: Default::default(),
    };
    spec.validate().expect("the suite's spec is valid");
    assert_eq!(
        nets.network(&name).await.expect("lookup"),
        None,
        "{name} exists before the suite"
    );
    nets.create_network(&spec).await.expect("create");
    let n = nets
        .network(&name)
        .await
        .expect("read")
        .expect("created network is there");
    assert_eq!(
        (n.name.as_str(), n.active, n.autostart),
        (name.as_str(), false, false)
    );
    assert_eq!(n.forward_mode, "isolated");
    assert!(
        matches!(
            nets.create_network(&spec).await,
            Err(DriverError::AlreadyExists { .. })
        ),
        "a second create must say AlreadyExists"
    );
    for (action, active, autostart) in [
        (NetworkAction::Start, true, false),
        (NetworkAction::AutostartOn, true, true),
        (NetworkAction::Stop, false, true),
        (NetworkAction::AutostartOff, false, false),
    ] {
        nets.network_action(&name, action).await.expect("action");
        let n = nets
            .network(&name)
            .await
            .expect("read")
            .expect("still there");
        assert_eq!(
            (n.active, n.autostart),
            (active, autostart),
            "after {action:?}"
        );
    }
    nets.delete_network(&name).await.expect("delete");
    assert_eq!(
        nets.network(&name).await.expect("lookup"),
        None,
        "deleted network is gone"
    );
    assert!(matches!(
        nets.network_action(&name, NetworkAction::Start).await,
        Err(DriverError::NotFound { .. })
    ));
    assert!(matches!(
        nets.delete_network(&name).await,
        Err(DriverError::NotFound { .. })
    ));

    let Some(bridge) = ovs_bridge else { return };
    let name = format!("{prefix}-ovs");
    let spec = NetworkSpec {
        name: name.clone(),
        kind: NetworkKind::Openvswitch,
        bridge: Some(bridge.into()),
        ipv4: None,
        portgroups: vec![
            pg("vlan10", &[10], false, None),
            pg("trunk", &[10, 20], true, Some(20)),
        ],
        autostart: false,
        start: true,
        plugin_kind: None,
        params: Default::default(),
    };
    spec.validate().expect("the suite's OVS spec is valid");
    nets.create_network(&spec)
        .await
        .expect("create OVS network");
    let n = nets
        .network(&name)
        .await
        .expect("read")
        .expect("OVS network is there");
    assert_eq!(n.virtualport_type.as_deref(), Some("openvswitch"));
    assert_eq!(n.bridge.as_deref(), Some(bridge));
    assert!(n.active);
    let trunk = n
        .portgroups
        .iter()
        .find(|p| p.name == "trunk")
        .expect("trunk portgroup");
    assert_eq!(
        (trunk.vlan_tags.as_slice(), trunk.trunk, trunk.native_vlan),
        (&[10, 20][..], true, Some(20))
    );
    let access = n
        .portgroups
        .iter()
        .find(|p| p.name == "vlan10")
        .expect("vlan10 portgroup");
    assert_eq!(
        (access.vlan_tags.as_slice(), access.is_default),
        (&[10][..], true)
    );
    portgroup_changes(nets, &name).await;
    nets.delete_network(&name)
        .await
        .expect("delete OVS network");
    let missing = NetworkSpec {
        name: format!("{prefix}-nobr"),
        bridge: Some("nosuchbr9".into()),
        portgroups: Vec::new(),
        ..spec
    };
    assert!(
        matches!(
            nets.create_network(&missing).await,
            Err(DriverError::InvalidSpec(_))
        ),
        "a bridge the host lacks must be refused"
    );
    assert_eq!(
        nets.network(&missing.name).await.expect("lookup"),
        None,
        "nothing left behind"
    );
}

/// Adds, replaces and removes portgroups of the running Open vSwitch network `name` (which has
/// `vlan10` and `trunk`), checking what the host reports after each step.
async fn portgroup_changes(nets: &dyn crate::NetworkDriver, name: &str) {
    let read = || async {
        let n = nets
            .network(name)
            .await
            .expect("read")
            .expect("network is there");
        let mut pgs: Vec<_> = n
            .portgroups
            .into_iter()
            .map(|p| (p.name, p.vlan_tags, p.trunk, p.native_vlan))
            .collect();
        pgs.sort();
        pgs
    };
    let add = PortgroupChange::Add(pg("vlan30", &[30], false, None));
    nets.change_portgroup(name, &add)
        .await
        .expect("add portgroup");
    assert!(
        matches!(
            nets.change_portgroup(name, &add).await,
            Err(DriverError::AlreadyExists { .. })
        ),
        "adding a portgroup twice must say AlreadyExists"
    );
    let replace = PortgroupChange::Replace(pg("trunk", &[10, 20, 30], true, Some(10)));
    nets.change_portgroup(name, &replace)
        .await
        .expect("replace portgroup");
    nets.change_portgroup(name, &PortgroupChange::Remove("vlan10".into()))
        .await
        .expect("remove portgroup");
    assert_eq!(
        read().await,
        vec![
            ("trunk".to_owned(), vec![10, 20, 30], true, Some(10)),
            ("vlan30".to_owned(), vec![30], false, None),
        ]
    );
    for missing in [
        PortgroupChange::Remove("vlan10".into()),
        PortgroupChange::Replace(pg("vlan10", &[10], false, None)),
    ] {
        assert!(
            matches!(
                nets.change_portgroup(name, &missing).await,
                Err(DriverError::NotFound { .. })
            ),
            "{missing:?} must say NotFound"
        );
    }
}

/// A portgroup of the suite's Open vSwitch network; `vlan10` is the default.
fn pg(name: &str, tags: &[u16], trunk: bool, native: Option<u16>) -> PortgroupSpec {
    PortgroupSpec {
        name: name.into(),
        is_default: name == "vlan10",
        vlan_tags: tags.to_vec(),
        trunk,
        native_vlan: native,
    }
}
