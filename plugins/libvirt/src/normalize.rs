//! Turning typed libvirt XML into the model's inventory types (pure functions).

use std::collections::HashMap;
use virtumancer_libvirt_xml::{
    CharDevice, Disk, DomainInventoryView, Graphics, Interface, Network, StoragePool,
    StorageVolume, Vlan,
};
use virtumancer_model::{
    ConsoleInventory, DiskInventory, GraphicsInventory, NetworkInventory, NicInventory,
    PortgroupInventory, PowerState, StoragePoolInventory, VmInventory, VolumeInventory,
};

/// Volumes of every pool, to size disks and to name the pool a file disk lives in. Each
/// volume is stored once; both lookups point into that list.
#[derive(Debug, Clone, Default)]
pub struct VolumeIndex {
    /// (pool, volume), in the order the pools listed them.
    volumes: Vec<(String, VolumeInventory)>,
    /// Path → position in `volumes`.
    by_path: HashMap<String, usize>,
    /// Pool → volume name → position in `volumes`.
    by_name: HashMap<String, HashMap<String, usize>>,
}

impl VolumeIndex {
    /// Indexes the volumes of `pools`.
    pub fn new(pools: &[StoragePoolInventory]) -> Self {
        let count = pools.iter().map(|p| p.volumes.len()).sum();
        let mut idx = Self {
            volumes: Vec::with_capacity(count),
            by_path: HashMap::with_capacity(count),
            by_name: HashMap::with_capacity(pools.len()),
        };
        for p in pools {
            let named = idx.by_name.entry(p.name.clone()).or_default();
            named.reserve(p.volumes.len());
            for v in &p.volumes {
                let at = idx.volumes.len();
                if let Some(path) = &v.path {
                    idx.by_path.insert(path.clone(), at);
                }
                named.insert(v.name.clone(), at);
                idx.volumes.push((p.name.clone(), v.clone()));
            }
        }
        idx
    }

    /// The pool and volume a disk is, by pool and volume name or by path.
    fn lookup(&self, disk: &Disk) -> Option<(&str, &VolumeInventory)> {
        let src = disk.source.as_ref()?;
        let at = if let (Some(pool), Some(vol)) = (&src.pool, &src.volume) {
            *self.by_name.get(pool)?.get(vol)?
        } else {
            *self.by_path.get(src.file.as_ref().or(src.dev.as_ref())?)?
        };
        let (pool, v) = &self.volumes[at];
        Some((pool.as_str(), v))
    }
}

/// libvirt's `virDomainState` as a power state.
pub fn power_state(state: u32) -> PowerState {
    match state {
        1 | 2 => PowerState::Running,
        3 => PowerState::Paused,
        4 => PowerState::ShuttingDown,
        5 => PowerState::Shutoff,
        6 => PowerState::Crashed,
        7 => PowerState::Suspended,
        _ => PowerState::Unknown,
    }
}

/// Whether a disk's size must come from `virDomainGetBlockInfo` (a local file or device that
/// no pool volume describes).
pub fn needs_block_info(disk: &Disk, volumes: &VolumeIndex) -> bool {
    matches!(disk.kind.as_str(), "file" | "block")
        && disk
            .source
            .as_ref()
            .is_some_and(|s| s.file.is_some() || s.dev.is_some())
        && volumes.lookup(disk).is_none()
}

/// What libvirt tells about a domain beside its XML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DomainFlags {
    pub state: PowerState,
    pub persistent: bool,
    pub autostart: bool,
}

/// The inventory of one domain, moved out of its parsed view. `block_sizes` maps a disk
/// target to (capacity, allocation) for disks outside pools.
pub fn vm(
    d: DomainInventoryView,
    flags: DomainFlags,
    volumes: &VolumeIndex,
    block_sizes: &HashMap<String, crate::block_sizes::Size>,
) -> VmInventory {
    let firmware = d.os.firmware_kind().to_owned();
    let current_vcpus = d.vcpu.current();
    let memory_bytes = d.memory_bytes().unwrap_or(0);
    let current_memory_bytes = d.current_memory_bytes().unwrap_or(0);
    let max_memory_bytes = d.max_memory.as_ref().and_then(|m| m.bytes());
    let hardware = crate::hardware::of(&d);
    let (cpu_mode, cpu_model) = match d.cpu {
        Some(c) => (c.mode, c.model.map(|m| m.name).filter(|m| !m.is_empty())),
        None => (None, None),
    };
    VmInventory {
        uuid: d.uuid.unwrap_or_default(),
        name: d.name,
        title: d.title,
        description: d.description,
        state: flags.state,
        persistent: flags.persistent,
        autostart: flags.autostart,
        vcpus: d.vcpu.count,
        current_vcpus,
        memory_bytes,
        current_memory_bytes,
        max_memory_bytes,
        firmware,
        os_type: d.os.os_type.value,
        arch: d.os.os_type.arch,
        machine: d.os.os_type.machine,
        cpu_mode,
        cpu_model,
        boot_devices: d.os.boot.into_iter().map(|b| b.dev).collect(),
        disks: d
            .devices
            .disks
            .into_iter()
            .map(|k| disk(k, volumes, block_sizes))
            .collect(),
        nics: d.devices.interfaces.into_iter().map(nic).collect(),
        graphics: d.devices.graphics.iter().map(graphics).collect(),
        consoles: consoles(&d.devices.serials, &d.devices.consoles),
        hardware,
    }
}

fn disk(
    k: Disk,
    volumes: &VolumeIndex,
    block_sizes: &HashMap<String, crate::block_sizes::Size>,
) -> DiskInventory {
    let pooled = volumes.lookup(&k);
    let (capacity, allocation) = match (pooled, block_sizes.get(&k.target.dev)) {
        (Some((_, v)), _) => (Some(v.capacity_bytes), v.allocation_bytes),
        (None, Some((c, a))) => (Some(*c), *a),
        (None, None) => (None, None),
    };
    let (pool, volume) = match pooled {
        Some((p, v)) => (Some(p.to_owned()), Some(v.name.clone())),
        None => (None, None),
    };
    let device = k.device().to_owned();
    let src = k.source.unwrap_or_default();
    let remote_name = if src.protocol.is_some() {
        src.name
    } else {
        None
    };
    DiskInventory {
        device,
        kind: k.kind,
        target: k.target.dev,
        bus: k.target.bus,
        source_path: src.file.or(src.dev).or(src.dir),
        // The disk's own pool and volume, else those of the pool volume at its path.
        pool: src.pool.or(pool),
        volume: src.volume.or(volume),
        protocol: src.protocol,
        remote_name,
        format: k.driver.and_then(|d| d.format),
        readonly: k.readonly.is_some(),
        shareable: k.shareable.is_some(),
        boot_order: k.boot.map(|b| b.order),
        serial: k.serial,
        capacity_bytes: capacity,
        allocation_bytes: allocation,
    }
}

fn vlan_parts(v: Option<&Vlan>) -> (Vec<u16>, bool, Option<u16>) {
    match v {
        Some(v) => (
            v.tags.iter().map(|t| t.id).collect(),
            v.is_trunk(),
            v.native().map(|t| t.id),
        ),
        None => (Vec::new(), false, None),
    }
}

fn nic(i: Interface) -> NicInventory {
    let (vlan_tags, trunk, native_vlan) = vlan_parts(i.vlan.as_ref());
    let src = i.source.unwrap_or_default();
    let (virtualport_type, interface_id) = match i.virtualport {
        Some(v) => (v.kind, v.parameters.and_then(|p| p.interface_id)),
        None => (None, None),
    };
    NicInventory {
        kind: i.kind,
        mac: i.mac.map(|m| m.address.to_ascii_lowercase()),
        model: i.model.map(|m| m.kind),
        network: src.network,
        bridge: src.bridge,
        portgroup: src.portgroup,
        source_dev: src.dev.or(src.path),
        source_mode: src.mode,
        vlan_tags,
        trunk,
        native_vlan,
        virtualport_type,
        interface_id,
        target_dev: i.target.map(|t| t.dev),
        link_state: i.link.map(|l| l.state),
        plugin_kind: None,
    }
}

fn graphics(g: &Graphics) -> GraphicsInventory {
    GraphicsInventory {
        kind: g.kind.clone(),
        port: g.port.filter(|p| *p > 0),
        autoport: g.autoport.as_deref() == Some("yes"),
        listen: g.listen_address().map(str::to_owned),
        has_password: g.passwd.is_some(),
    }
}

/// The serial ports, then the consoles that are not a serial port listed again: libvirt shows
/// the serial port a console of target type `serial` (the default) stands for under both.
fn consoles(serials: &[CharDevice], consoles: &[CharDevice]) -> Vec<ConsoleInventory> {
    let port = |c: &CharDevice| c.target.as_ref().and_then(|t| t.port);
    let target_type = |c: &CharDevice| c.target.as_ref().and_then(|t| t.kind.clone());
    let entry = |kind: &str, c: &CharDevice| ConsoleInventory {
        kind: kind.to_owned(),
        target_type: target_type(c),
        port: port(c),
        source_type: c.kind.clone(),
        // A pty's path is the one a running VM got at its start: not configuration, and a
        // console opens the port through libvirt, not through the pty.
        source: c
            .source
            .as_ref()
            .and_then(|s| match (&s.path, &s.host, &s.service) {
                _ if c.kind == "pty" => None,
                (Some(path), _, _) => Some(path.clone()),
                (None, Some(host), Some(service)) if host.contains(':') => {
                    Some(format!("[{host}]:{service}"))
                }
                (None, Some(host), Some(service)) => Some(format!("{host}:{service}")),
                (None, None, Some(service)) => Some(format!(":{service}")),
                _ => None,
            }),
    };
    let repeats_a_serial = |c: &CharDevice| {
        matches!(target_type(c).as_deref(), None | Some("serial"))
            && serials
                .iter()
                .any(|s| port(s).unwrap_or(0) == port(c).unwrap_or(0))
    };
    serials
        .iter()
        .map(|s| entry("serial", s))
        .chain(
            consoles
                .iter()
                .filter(|c| !repeats_a_serial(c))
                .map(|c| entry("console", c)),
        )
        .collect()
}

/// The inventory of one network.
pub fn network(n: &Network, active: bool, autostart: bool) -> NetworkInventory {
    NetworkInventory {
        uuid: n.uuid.clone().unwrap_or_default(),
        name: n.name.clone(),
        forward_mode: n.forward_mode().to_owned(),
        bridge: n.bridge.as_ref().and_then(|b| b.name.clone()),
        virtualport_type: n.virtualport.as_ref().and_then(|v| v.kind.clone()),
        active,
        autostart,
        portgroups: n
            .portgroups
            .iter()
            .map(|p| {
                let (vlan_tags, trunk, native_vlan) = vlan_parts(p.vlan.as_ref());
                PortgroupInventory {
                    name: p.name.clone(),
                    is_default: p.default.as_deref() == Some("yes"),
                    vlan_tags,
                    trunk,
                    native_vlan,
                }
            })
            .collect(),
        ip_ranges: n
            .ips
            .iter()
            .filter_map(|ip| {
                let addr = ip.address.as_ref()?;
                let prefix = ip
                    .prefix
                    .map(|p| p.to_string())
                    .or(ip.netmask.clone())
                    .unwrap_or_default();
                let ranges: Vec<String> = ip
                    .dhcp
                    .iter()
                    .flat_map(|d| d.ranges.iter().map(|r| format!("{}-{}", r.start, r.end)))
                    .collect();
                Some(if ranges.is_empty() {
                    format!("{addr}/{prefix}")
                } else {
                    format!("{addr}/{prefix} dhcp {}", ranges.join(","))
                })
            })
            .collect(),
    }
}

/// The inventory of one pool with its volumes.
pub fn pool(
    p: &StoragePool,
    active: bool,
    autostart: bool,
    volumes: Vec<VolumeInventory>,
) -> StoragePoolInventory {
    let bytes =
        |s: &Option<virtumancer_libvirt_xml::Size>| s.as_ref().and_then(|s| s.bytes("bytes"));
    StoragePoolInventory {
        uuid: p.uuid.clone().unwrap_or_default(),
        name: p.name.clone(),
        kind: p.kind.clone(),
        active,
        autostart,
        path: p.target.as_ref().and_then(|t| t.path.clone()),
        capacity_bytes: bytes(&p.capacity),
        allocation_bytes: bytes(&p.allocation),
        available_bytes: bytes(&p.available),
        volumes,
    }
}

/// The inventory of one volume.
pub fn volume(v: &StorageVolume) -> VolumeInventory {
    VolumeInventory {
        name: v.name.clone(),
        key: v.key.clone(),
        path: v.target.as_ref().and_then(|t| t.path.clone()),
        format: v
            .target
            .as_ref()
            .and_then(|t| t.format.as_ref())
            .map(|f| f.kind.clone()),
        capacity_bytes: v.capacity_bytes().unwrap_or(0),
        allocation_bytes: v.allocation_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHUTOFF: DomainFlags = DomainFlags {
        state: PowerState::Shutoff,
        persistent: true,
        autostart: false,
    };
    const RUNNING: DomainFlags = DomainFlags {
        state: PowerState::Running,
        ..SHUTOFF
    };

    fn corpus(name: &str) -> String {
        std::fs::read_to_string(format!(
            "{}/../../core/libvirt-xml/tests/corpus/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    #[test]
    fn full_domain_normalizes_disks_from_pools_and_every_nic_kind() {
        let pool_xml = StoragePool::from_xml(&corpus("pool-qemu-dir.xml")).unwrap();
        let vols: Vec<_> = ["volume-qemu-qcow2.xml", "volume-qemu-raw.xml"]
            .iter()
            .map(|f| volume(&StorageVolume::from_xml(&corpus(f)).unwrap()))
            .collect();
        let pools = vec![pool(&pool_xml, true, false, vols)];
        let idx = VolumeIndex::new(&pools);
        let d = DomainInventoryView::from_xml(&corpus("domain-qemu-full-inactive.xml")).unwrap();
        let mut blocks = HashMap::new();
        for k in &d.devices.disks {
            if needs_block_info(k, &idx) {
                blocks.insert(k.target.dev.clone(), (10, Some(5)));
            }
        }
        let v = vm(d.clone(), SHUTOFF, &idx, &blocks);
        assert_eq!(v.name, "corpus-full");
        assert_eq!(
            (v.vcpus, v.current_vcpus, v.memory_bytes),
            (2, 1, 512 << 20)
        );
        let by_path = v
            .disks
            .iter()
            .find(|k| {
                k.source_path
                    .as_deref()
                    .is_some_and(|p| p.ends_with("corpus-a.qcow2"))
            })
            .unwrap();
        assert_eq!(
            by_path.pool.as_deref(),
            Some("corpus-dir"),
            "a file disk inside a pool names its pool"
        );
        assert_eq!(
            by_path.capacity_bytes,
            Some(64 << 20),
            "size from the pool volume"
        );
        let by_name = v.disks.iter().find(|k| k.kind == "volume").unwrap();
        assert_eq!(
            (by_name.pool.as_deref(), by_name.volume.as_deref()),
            (Some("corpus-dir"), Some("corpus-b.raw"))
        );
        assert!(by_name.capacity_bytes.is_some());
        let blockdev = v.disks.iter().find(|k| k.kind == "block").unwrap();
        assert_eq!(
            (blockdev.capacity_bytes, blockdev.allocation_bytes),
            (Some(10), Some(5)),
            "size from block info"
        );
        let net = v
            .disks
            .iter()
            .find(|k| k.protocol.as_deref() == Some("nbd"))
            .unwrap();
        assert_eq!(net.remote_name.as_deref(), Some("export & one"));
        assert_eq!(net.capacity_bytes, None, "network disks have no local size");
        let trunk = v.nics.iter().find(|n| n.trunk).unwrap();
        assert_eq!(
            (trunk.vlan_tags.clone(), trunk.native_vlan),
            (vec![42, 47, 123], Some(123))
        );
        assert_eq!(trunk.virtualport_type.as_deref(), Some("openvswitch"));
        assert!(
            v.nics
                .iter()
                .any(|n| n.kind == "direct" && n.source_mode.as_deref() == Some("bridge"))
        );
        assert!(v.graphics.iter().any(|g| g.kind == "vnc"));
        // The console there is serial port 0 again: one entry.
        assert_eq!(
            v.consoles,
            [ConsoleInventory {
                kind: "serial".into(),
                target_type: Some("isa-serial".into()),
                port: Some(0),
                source_type: "pty".into(),
                source: None,
            }]
        );
    }

    #[test]
    fn serial_ports_and_consoles_of_their_own_are_kept_once_each() {
        let d =
            DomainInventoryView::from_xml(&corpus("domain-qemu-q35-misc-inactive.xml")).unwrap();
        let v = vm(d, SHUTOFF, &VolumeIndex::default(), &HashMap::new());
        let tcp = ConsoleInventory {
            kind: "serial".into(),
            target_type: Some("isa-serial".into()),
            port: Some(1),
            source_type: "tcp".into(),
            source: Some("127.0.0.1:4555".into()),
        };
        let pty = ConsoleInventory {
            port: Some(0),
            source_type: "pty".into(),
            source: None,
            ..tcp.clone()
        };
        // Its console repeats serial port 1.
        assert_eq!(v.consoles, [tcp, pty.clone()]);

        let live = DomainInventoryView::from_xml(&corpus("domain-qemu-live-rich.xml")).unwrap();
        let v = vm(live, RUNNING, &VolumeIndex::default(), &HashMap::new());
        // Running, its pty is not kept: the entry is the one the stopped VM has.
        assert_eq!(v.consoles, [pty]);

        // A virtio console is a console of its own; a serial console with no serial port too.
        let xml = r#"<domain type="kvm"><name>c</name><memory>1024</memory><vcpu>1</vcpu>
            <os><type>hvm</type></os><devices>
            <console type="pty"><target type="virtio" port="0"/></console>
            <console type="unix"><source mode="bind" path="/run/c.sock"/><target port="1"/></console>
            <console type="tcp"><source host="::1" service="7000"/><target type="sclp"/></console>
            </devices></domain>"#;
        let v = vm(
            DomainInventoryView::from_xml(xml).unwrap(),
            SHUTOFF,
            &VolumeIndex::default(),
            &HashMap::new(),
        );
        let got: Vec<_> = v
            .consoles
            .iter()
            .map(|c| {
                (
                    c.kind.as_str(),
                    c.target_type.as_deref(),
                    c.port,
                    c.source.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("console", Some("virtio"), Some(0), None),
                ("console", None, Some(1), Some("/run/c.sock")),
                ("console", Some("sclp"), None, Some("[::1]:7000")),
            ]
        );
    }

    #[test]
    fn unknown_interface_kinds_are_kept() {
        let d =
            DomainInventoryView::from_xml(&corpus("domain-qemu-q35-misc-inactive.xml")).unwrap();
        let v = vm(d.clone(), SHUTOFF, &VolumeIndex::default(), &HashMap::new());
        assert_eq!(
            v.nics.len(),
            d.devices.interfaces.len(),
            "no interface is dropped"
        );
        assert!(v.nics.iter().any(|n| n.kind == "vhostuser"));
        assert_eq!(v.firmware, "efi");
    }

    #[test]
    fn ovs_network_portgroups() {
        let n = network(
            &Network::from_xml(&corpus("network-qemu-ovs.xml")).unwrap(),
            true,
            true,
        );
        assert_eq!(n.virtualport_type.as_deref(), Some("openvswitch"));
        let trunk = n.portgroups.iter().find(|p| p.name == "trunk").unwrap();
        assert!(trunk.trunk);
        assert_eq!(trunk.native_vlan, Some(30));
        assert!(n.portgroups.iter().any(|p| p.is_default));
        let iso = network(
            &Network::from_xml(&corpus("network-qemu-isolated.xml")).unwrap(),
            false,
            false,
        );
        assert_eq!(iso.forward_mode, "isolated");
        assert!(
            iso.ip_ranges[0]
                .starts_with("192.168.151.1/255.255.255.0 dhcp 192.168.151.100-192.168.151.150")
        );
    }
}
