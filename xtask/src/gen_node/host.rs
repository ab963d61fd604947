//! The host side of a node file: storage pools and their volumes (scaled to the test driver's
//! fixed pool capacity), networks with VLANs/portgroups/Open vSwitch, host interfaces and the
//! host `<cpu>`.

use super::GenError;
use super::xml::{ElementExt, embed, text_el};
use crate::rng::XorShift64;
use virtumancer_libvirt_xml::{
    DhcpRange, Element, Forward, Network, NetworkBridge, NetworkIp, Node, PathAttr, PoolSource,
    PoolTarget, Portgroup, Size, StoragePool, StorageVolume, TypeAttr, VirtualPort, Vlan, VlanTag,
    VolumeTarget,
};

// ----------------------------------------------------------------------------------------------
// Pools and volumes

pub(super) struct PoolDef {
    pub(super) name: &'static str,
    pub(super) kind: &'static str,
    path: &'static str,
}

pub(super) const POOLS: [PoolDef; 3] = [
    PoolDef {
        name: "default",
        kind: "dir",
        path: "/var/lib/libvirt/images",
    },
    PoolDef {
        name: "fast",
        kind: "dir",
        path: "/srv/nvme/images",
    },
    PoolDef {
        name: "vg0",
        kind: "logical",
        path: "/dev/vg0",
    },
];
pub(super) const VG0: usize = 2;

/// What the test driver reports as every pool's capacity, whatever the file says.
pub const TEST_DRIVER_POOL_CAPACITY: u64 = 100 << 30;
/// Volume allocations of one pool add up to at most this much (see [`fit_allocations`]).
pub(super) const POOL_ALLOCATION_BUDGET: u64 = 90 << 30;
pub(super) const ISO_BYTES: u64 = 658_505_728;

/// The test driver computes a pool's `available` as 100 GiB minus the sum of its volumes'
/// allocations, in unsigned arithmetic: past 100 GiB it wraps to ~16 EiB. So the (realistic,
/// random) allocations of one pool are scaled down proportionally until they fit `budget`.
/// They stay proportional to each other and below the capacity; the volumes just look thin.
pub(super) fn fit_allocations(vols: &mut [VolumeSpec], budget: u64) {
    let total: u128 = vols.iter().map(|v| u128::from(v.allocation)).sum();
    if total <= u128::from(budget) {
        return;
    }
    for v in vols {
        let scaled = u128::from(v.allocation) * u128::from(budget) / total;
        v.allocation = u64::try_from(scaled).unwrap_or(u64::MAX).max(4096);
    }
}

pub(super) struct VolumeSpec {
    pub(super) name: String,
    pub(super) format: &'static str,
    pub(super) capacity: u64,
    pub(super) allocation: u64,
}

pub(super) fn volume_path(pool: &PoolDef, name: &str) -> String {
    let mut p = pool.path.to_owned();
    p.push('/');
    p.push_str(name);
    p
}

pub(super) fn pool(def: &PoolDef, vols: &[VolumeSpec], seed: u64) -> Result<Element, GenError> {
    let capacity = TEST_DRIVER_POOL_CAPACITY;
    let allocation: u64 = vols.iter().map(|v| v.allocation).sum();
    let typed = StoragePool {
        kind: def.kind.to_owned(),
        name: def.name.to_owned(),
        uuid: Some(named_uuid(seed, def.name)),
        capacity: Some(Size::new(capacity, "bytes")),
        allocation: Some(Size::new(allocation, "bytes")),
        available: Some(Size::new(capacity.saturating_sub(allocation), "bytes")),
        source: (def.kind == "logical").then(|| PoolSource {
            devices: vec![PathAttr {
                path: "/dev/nvme1n1p1".to_owned(),
            }],
            name: Some(def.name.to_owned()),
            format: Some(TypeAttr {
                kind: "lvm2".to_owned(),
            }),
            ..PoolSource::default()
        }),
        target: Some(PoolTarget {
            path: Some(def.path.to_owned()),
        }),
    };
    let mut el = embed("pool", typed.to_xml())?;
    for v in vols {
        let path = volume_path(def, &v.name);
        let vol = StorageVolume {
            kind: Some(
                if def.kind == "logical" {
                    "block"
                } else {
                    "file"
                }
                .to_owned(),
            ),
            name: v.name.clone(),
            key: Some(path.clone()),
            capacity: Size::new(v.capacity, "bytes"),
            allocation: Some(Size::new(v.allocation, "bytes")),
            physical: None,
            target: Some(VolumeTarget {
                path: Some(path),
                format: Some(TypeAttr {
                    kind: v.format.to_owned(),
                }),
            }),
            backing_store: None,
        };
        el.children
            .push(Node::Element(embed("volume", vol.to_xml())?));
    }
    Ok(el)
}

// ----------------------------------------------------------------------------------------------
// Networks and host interfaces

pub(super) const VLANS: [u16; 3] = [10, 20, 30];
pub(super) const PORTGROUPS: [Option<&str>; 5] = [
    None,
    Some("vlan10"),
    Some("vlan20"),
    Some("vlan30"),
    Some("trunk"),
];

/// A UUID that depends only on the seed and the object's name.
fn named_uuid(seed: u64, name: &str) -> String {
    let mut rng = XorShift64::new(seed ^ 0x6e61_6d65);
    for b in name.bytes() {
        rng = XorShift64::new(rng.next_u64() ^ u64::from(b));
    }
    rng.uuid()
}

fn network(name: &str, seed: u64) -> Network {
    Network {
        connections: None,
        name: name.to_owned(),
        uuid: Some(named_uuid(seed, name)),
        forward: None,
        bridge: None,
        mtu: None,
        mac: None,
        domain: None,
        bandwidth: None,
        virtualport: None,
        vlan: None,
        portgroups: Vec::new(),
        ips: Vec::new(),
    }
}

pub(super) fn tag(id: u16) -> VlanTag {
    VlanTag {
        id,
        native_mode: None,
    }
}

/// `trunk='yes'` with 10, 20 and 30, where 30 is the untagged native VLAN.
pub(super) fn trunk_vlan() -> Vlan {
    let mut tags: Vec<VlanTag> = VLANS.iter().map(|&v| tag(v)).collect();
    tags[2].native_mode = Some("untagged".to_owned());
    Vlan {
        trunk: Some("yes".to_owned()),
        tags,
    }
}

pub(super) fn openvswitch() -> VirtualPort {
    VirtualPort {
        kind: Some("openvswitch".to_owned()),
        parameters: None,
    }
}

pub(super) fn networks(seed: u64) -> [Network; 3] {
    let bridge_forward = || Forward {
        mode: Some("bridge".to_owned()),
        ..Forward::default()
    };
    let bridge = |name: &str| NetworkBridge {
        name: Some(name.to_owned()),
        ..NetworkBridge::default()
    };

    let mut br_lan = network("br-lan", seed);
    br_lan.forward = Some(bridge_forward());
    br_lan.bridge = Some(bridge("br0"));

    let mut ovs = network("ovs-net", seed);
    ovs.forward = Some(bridge_forward());
    ovs.bridge = Some(bridge("ovsbr0"));
    ovs.virtualport = Some(openvswitch());
    ovs.portgroups = VLANS
        .iter()
        .enumerate()
        .map(|(n, &v)| Portgroup {
            name: format!("vlan{v}"),
            default: (n == 0).then(|| "yes".to_owned()),
            vlan: Some(Vlan {
                trunk: None,
                tags: vec![tag(v)],
            }),
            virtualport: None,
            bandwidth: None,
        })
        .collect();
    ovs.portgroups.push(Portgroup {
        name: "trunk".to_owned(),
        default: None,
        vlan: Some(trunk_vlan()),
        virtualport: None,
        bandwidth: None,
    });

    let mut isolated = network("isolated", seed);
    isolated.bridge = Some(NetworkBridge {
        name: Some("virbr-iso".to_owned()),
        stp: Some("on".to_owned()),
        delay: Some(0),
    });
    isolated.ips = vec![NetworkIp {
        address: Some("192.168.200.1".to_owned()),
        prefix: Some(24),
        dhcp: Some(virtumancer_libvirt_xml::Dhcp {
            ranges: vec![DhcpRange {
                start: "192.168.200.100".to_owned(),
                end: "192.168.200.254".to_owned(),
            }],
            hosts: Vec::new(),
        }),
        ..NetworkIp::default()
    }];
    [br_lan, ovs, isolated]
}

pub(super) fn host_interfaces() -> impl Iterator<Item = Element> {
    let start = || Element::new("start").with_attr("mode", "onboot");
    let mac = |a: &str| Element::new("mac").with_attr("address", a);
    let ipv4 = |addr: &str| {
        Element::new("protocol").with_attr("family", "ipv4").with(
            Element::new("ip")
                .with_attr("address", addr)
                .with_attr("prefix", "24"),
        )
    };
    let eth0 = Element::new("interface")
        .with_attr("type", "ethernet")
        .with_attr("name", "eth0")
        .with(start())
        .with(mac("02:00:00:00:00:01"))
        .with(ipv4("10.0.0.11").with(Element::new("route").with_attr("gateway", "10.0.0.1")));
    let br0 = Element::new("interface")
        .with_attr("type", "bridge")
        .with_attr("name", "br0")
        .with(start())
        .with(Element::new("mtu").with_attr("size", "1500"))
        .with(ipv4("10.1.0.11"))
        .with(
            Element::new("bridge")
                .with_attr("stp", "off")
                .with_attr("delay", "0")
                .with(
                    Element::new("interface")
                        .with_attr("type", "ethernet")
                        .with_attr("name", "eth1")
                        .with(mac("02:00:00:00:00:02")),
                ),
        );
    [eth0, br0].into_iter()
}

pub(super) fn host_cpu(cpus: u32) -> Element {
    let (sockets, threads) = (2, 2);
    let cores = (cpus / (sockets * threads)).max(1);
    let mut cpu = Element::new("cpu");
    for (k, v) in [
        ("nodes", "1".to_owned()),
        ("sockets", sockets.to_string()),
        ("cores", cores.to_string()),
        ("threads", threads.to_string()),
        ("active", (sockets * cores * threads).to_string()),
        ("mhz", "2600".to_owned()),
        ("model", "x86_64".to_owned()),
    ] {
        cpu.children.push(Node::Element(text_el(k, v)));
    }
    cpu
}
