//! Real XML captured from libvirt 9.0 (test driver, node files, QEMU libvirtd inactive and
//! live; see tests/corpus/README.md): typed values and round trips of every document.

use virtumancer_libvirt_xml::{
    Domain, DomainDocument, Element, Network, StoragePool, StorageVolume,
};

fn corpus(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/corpus/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn files(prefix: &str) -> Vec<(String, String)> {
    let dir = format!("{}/tests/corpus", env!("CARGO_MANIFEST_DIR"));
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.starts_with(prefix) && n.ends_with(".xml")
        })
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no {prefix}* files in the corpus");
    out
}

#[test]
fn full_qemu_domain_reads_every_modelled_field() {
    let doc = DomainDocument::parse(&corpus("domain-qemu-full-inactive.xml")).unwrap();
    let d = doc.domain();
    assert_eq!(
        d.title.as_deref(),
        Some("Full \"corpus\" domain & <friends> — ünïcode ✓")
    );
    assert!(
        d.description
            .as_deref()
            .unwrap()
            .contains("& < > ' \" characters\nand ünïcode 日本語")
    );
    assert_eq!(d.max_memory.as_ref().unwrap().slots, Some(16));
    assert_eq!(d.max_memory.as_ref().unwrap().bytes(), Some(4 << 30));
    assert_eq!(
        (d.memory_bytes(), d.current_memory_bytes()),
        (Some(512 << 20), Some(384 << 20))
    );
    assert_eq!(
        (d.vcpu.count, d.vcpu.current(), d.vcpu.cpuset.as_deref()),
        (2, 1, Some("0-1"))
    );
    assert_eq!(d.os.os_type.machine.as_deref(), Some("pc-i440fx-7.2"));
    let f = d.features.as_ref().unwrap();
    assert!(f.acpi.is_some() && f.apic.is_some() && f.pae.is_some() && f.smm.is_none());
    assert_eq!(f.vmport.as_ref().unwrap().state, "off");
    let cpu = d.cpu.as_ref().unwrap();
    assert_eq!(
        (
            cpu.mode.as_deref(),
            cpu.model.as_ref().unwrap().name.as_str()
        ),
        (Some("custom"), "qemu64")
    );
    assert_eq!(cpu.topology.unwrap().cores, 2);
    assert_eq!(d.clock.as_ref().unwrap().timers.len(), 3);
    assert_eq!(d.on_crash.as_deref(), Some("coredump-restart"));

    let disks = &d.devices.disks;
    let kinds: Vec<_> = disks
        .iter()
        .map(|k| (k.kind.as_str(), k.device()))
        .collect();
    assert!(kinds.contains(&("volume", "disk")) && kinds.contains(&("block", "disk")));
    assert!(kinds.contains(&("network", "lun")) && kinds.contains(&("file", "floppy")));
    let vol = disks.iter().find(|k| k.kind == "volume").unwrap();
    assert_eq!(
        vol.source.as_ref().unwrap().location().as_deref(),
        Some("corpus-dir/corpus-b.raw")
    );
    assert!(vol.shareable.is_some());
    let nbd = disks
        .iter()
        .find(|k| k.source.as_ref().and_then(|s| s.protocol.as_deref()) == Some("nbd"))
        .unwrap();
    assert_eq!(
        nbd.source.as_ref().unwrap().name.as_deref(),
        Some("export & one")
    );
    assert!(nbd.readonly.is_some());
    let cdrom = disks.iter().find(|k| k.device() == "cdrom").unwrap();
    assert!(cdrom.readonly.is_some());

    let nics = &d.devices.interfaces;
    let kinds: Vec<_> = nics.iter().map(|n| n.kind.as_str()).collect();
    for k in ["network", "bridge", "direct", "ethernet", "user"] {
        assert!(kinds.contains(&k), "{k} interface missing: {kinds:?}");
    }
    let trunk = nics
        .iter()
        .find(|n| n.vlan.as_ref().is_some_and(|v| v.is_trunk()))
        .unwrap();
    let vlan = trunk.vlan.as_ref().unwrap();
    assert_eq!(
        vlan.tags.iter().map(|t| t.id).collect::<Vec<_>>(),
        [42, 47, 123]
    );
    assert_eq!(vlan.native().unwrap().id, 123);
    assert_eq!(
        trunk.virtualport.as_ref().unwrap().kind.as_deref(),
        Some("openvswitch")
    );
    let limited = nics.iter().find(|n| n.bandwidth.is_some()).unwrap();
    assert_eq!(limited.link.as_ref().unwrap().state, "down");
    assert_eq!(
        limited
            .bandwidth
            .as_ref()
            .unwrap()
            .inbound
            .as_ref()
            .unwrap()
            .peak,
        Some(5000)
    );
    let direct = nics.iter().find(|n| n.kind == "direct").unwrap();
    assert_eq!(
        direct.source.as_ref().unwrap().mode.as_deref(),
        Some("bridge")
    );

    assert!(d.devices.channels.iter().any(
        |c| c.target.as_ref().and_then(|t| t.name.as_deref()) == Some("org.qemu.guest_agent.0")
    ));
    assert!(doc.metadata_xml().unwrap().contains("alice &amp; bob"));
    // Elements the view does not model are still in the document.
    let out = doc.to_xml();
    for kept in [
        "<memtune>",
        "<cputune>",
        "<numa>",
        "<pm>",
        "<mtu size=\"1400\"/>",
    ] {
        assert!(out.contains(kept), "{kept} lost");
    }
}

#[test]
fn live_ovs_domain_shows_portgroup_vlan_and_interface_id() {
    let d = Domain::from_xml(&corpus("domain-qemu-live-ovs.xml")).unwrap();
    assert!(d.id.is_some(), "live XML has an id");
    let nic = &d.devices.interfaces[0];
    let src = nic.source.as_ref().unwrap();
    assert_eq!(
        (
            src.network.as_deref(),
            src.portgroup.as_deref(),
            src.bridge.as_deref()
        ),
        (Some("corpus-ovs"), Some("vlan20"), Some("ovscorp0"))
    );
    assert_eq!(nic.vlan.as_ref().unwrap().tags[0].id, 20);
    assert!(
        nic.virtualport
            .as_ref()
            .unwrap()
            .parameters
            .as_ref()
            .unwrap()
            .interface_id
            .is_some()
    );
    assert_eq!(nic.target.as_ref().unwrap().dev, "vnet6");
    assert_eq!(nic.alias.as_ref().unwrap().name, "net0");
}

#[test]
fn ovs_network_portgroups_with_access_and_trunk_vlans() {
    let n = Network::from_xml(&corpus("network-qemu-ovs-live.xml")).unwrap();
    assert!(n.is_openvswitch());
    assert_eq!(n.forward_mode(), "bridge");
    assert_eq!(n.connections, Some(3));
    assert_eq!(n.default_portgroup().unwrap().name, "vlan10");
    let trunk = n
        .portgroups
        .iter()
        .find(|p| p.name == "trunk")
        .unwrap()
        .vlan
        .as_ref()
        .unwrap();
    assert!(trunk.is_trunk());
    assert_eq!(
        (
            trunk.native().unwrap().id,
            trunk.native().unwrap().native_mode.as_deref()
        ),
        (30, Some("untagged"))
    );
    let access = n
        .portgroups
        .iter()
        .find(|p| p.name == "vlan20")
        .unwrap()
        .vlan
        .as_ref()
        .unwrap();
    assert!(!access.is_trunk());
}

#[test]
fn isolated_network_ip_and_dhcp() {
    let n = Network::from_xml(&corpus("network-qemu-isolated.xml")).unwrap();
    assert_eq!(n.forward_mode(), "isolated");
    assert_eq!(
        n.bridge.as_ref().unwrap().name.as_deref(),
        Some("virbr-corp")
    );
    assert_eq!(n.ips.len(), 2);
    let dhcp = n.ips[0].dhcp.as_ref().unwrap();
    assert_eq!(dhcp.ranges.len(), 2);
    assert_eq!(dhcp.hosts[1].ip.as_deref(), Some("192.168.151.3"));
    assert_eq!(n.ips[1].family.as_deref(), Some("ipv6"));
    assert_eq!(n.ips[1].prefix, Some(64));
}

#[test]
fn pools_and_volumes_report_sizes_in_bytes() {
    let p = StoragePool::from_xml(&corpus("pool-qemu-dir.xml")).unwrap();
    assert_eq!(p.kind, "dir");
    assert_eq!(
        p.capacity.as_ref().unwrap().bytes("bytes"),
        Some(270_553_174_016)
    );
    assert_eq!(
        p.target.as_ref().unwrap().path.as_deref(),
        Some("/var/lib/libvirt/images/corpus")
    );
    let v = StorageVolume::from_xml(&corpus("volume-qemu-qcow2-backing.xml")).unwrap();
    assert_eq!(
        (v.capacity_bytes(), v.allocation_bytes()),
        (Some(64 << 20), Some(200_704))
    );
    assert_eq!(
        v.target.as_ref().unwrap().format.as_ref().unwrap().kind,
        "qcow2"
    );
    assert!(
        v.backing_store
            .as_ref()
            .unwrap()
            .path
            .as_deref()
            .unwrap()
            .ends_with("corpus-a.qcow2")
    );
}

/// Every captured network, pool and volume: typed view survives write → read; the lossless
/// tree keeps the document.
#[test]
fn every_network_pool_and_volume_round_trips() {
    for (name, xml) in files("network-") {
        let n = Network::from_xml(&xml).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            Network::from_xml(&n.to_xml().unwrap()).unwrap(),
            n,
            "{name}"
        );
    }
    for (name, xml) in files("pool-") {
        let p = StoragePool::from_xml(&xml).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            StoragePool::from_xml(&p.to_xml().unwrap()).unwrap(),
            p,
            "{name}"
        );
    }
    for (name, xml) in files("volume-") {
        let v = StorageVolume::from_xml(&xml).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            StorageVolume::from_xml(&v.to_xml().unwrap()).unwrap(),
            v,
            "{name}"
        );
    }
    for (name, xml) in files("") {
        let tree = Element::parse(&xml).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            Element::parse(&tree.to_xml()).unwrap().same_content(&tree),
            "{name}"
        );
    }
}
