//! Generator for libvirt *test driver* node files (`test:///ABS/PATH/node.xml`).
//!
//! A node file describes one fake host: `<cpu>` and `<memory>` (nodeinfo), inline `<domain>`s,
//! `<network>`s, host `<interface>`s and `<pool>`s with embedded `<volume>`s. Per domain the
//! test namespace `xmlns:test='http://libvirt.org/schemas/domain/test/1.0'` adds
//! `<test:runstate>` (1 running, 3 paused, 5 shut off) and `<test:domainsnapshot>`s.
//!
//! Every document is built from the typed views of `virtumancer-libvirt-xml` (`Domain`,
//! `Network`, `StoragePool`, `StorageVolume`), serialized, re-read as a lossless [`Element`]
//! and attached to the `<node>` tree; the parts the views do not model (`<node>`, host
//! `<cpu>`, host interfaces, `<metadata>`, the `test:` elements) are [`Element`] trees. No XML
//! is ever assembled from strings, so names such as `vm-<&>'"-ünï-00097` are escaped by the
//! writer.
//!
//! # What libvirt 9.0's test driver refused (found by loading generated files with `virsh`)
//!
//! The whole file is parsed when the connection opens; one bad element fails the open with
//! `failed to connect to the hypervisor`, so the generator stays inside these rules:
//!
//! - **Namespace URI**: the test driver matches `test:runstate` by namespace URI, and only
//!   `http://libvirt.org/schemas/domain/test/1.0` works. With `…/domain/test` (no `/1.0`) the
//!   elements are silently ignored and every domain comes up *running* (the default state of
//!   node-file domains). An out-of-range runstate is refused (`runstate '9' out of range`).
//! - `<interface type='vhostuser'>` without `<model type='virtio'/>` (or with `e1000`):
//!   `vhostuser requires the virtio-net* frontend` → vhostuser NICs always get virtio.
//! - A floppy on any bus but `fdc` (`Invalid bus type 'virtio' for floppy disk`).
//! - Two disks with the same `<target dev>` (`target 'vda' duplicated …`) → fixed targets
//!   vda/vdb (virtio), sda (sata CD-ROM), fda (fdc floppy).
//! - A newline in `<title>` (`Domain title can't contain newlines`); `<description>` may be
//!   multi-line.
//! - `/` in a domain name; an empty name; the same name or UUID twice.
//! - `<vcpu current>` greater than the maximum → `current` is always half the maximum.
//! - `<interface type='direct'>` without `<source dev>`.
//! - Two `<volume>`s with the same name in one pool fails the open with the unhelpful
//!   `An error occurred, but the cause is unknown` → volume names derive from the (unique)
//!   domain name plus the target dev.
//!
//! Not refused, but wrong unless worked around:
//!
//! - A pool's own `<capacity>`/`<allocation>`/`<available>` are ignored: the test driver
//!   reports 100 GiB capacity for every pool, sums the volumes' allocations and computes
//!   `available` = 100 GiB − allocation *unsigned*, so realistic volume sizes on a
//!   thousand-domain host wrapped it to 16 EiB. Allocations are scaled per pool to fit 90 GiB
//!   (`fit_allocations`); capacities stay realistic (8–200 GiB).
//! - A domain without `<test:runstate>` comes up running.
//!
//! Accepted, and therefore used: names with `<&>'"` and non-ASCII characters; a
//! 255-character name (the test driver has no length limit at all: 256, 1,000 and 20,000
//! characters also load);
//! `type='volume'` disks naming pool volumes; an empty read-only CD-ROM; a `<vlan>` on a
//! `type='bridge'` NIC on a Linux bridge (QEMU would refuse it at start, the test driver never
//! starts anything); NICs on networks that have no host bridge. Forward-mode-bridge networks
//! need nothing else in the file: the test driver never checks that `br0`/`ovsbr0` exist, the
//! host interfaces `eth0`/`br0` are there for `iface-list` only. Duplicate MAC addresses would
//! also be accepted; the generator keeps MACs unique anyway.

use crate::rng::{XorShift64, mix64};
use virtumancer_libvirt_xml::{
    BalloonStats, BootDevice, CharDevice, CharTarget, Clock, DhcpRange, Disk, DiskDriver,
    DiskSource, DiskSourceHost, DiskTarget, Domain, Element, Features, Flag, Forward, Graphics,
    GraphicsListen, Interface, InterfaceSource, LinkState, MacElement, Memballoon, Network,
    NetworkBridge, NetworkIp, Node, Os, OsType, PathAttr, PoolSource, PoolTarget, Portgroup, Size,
    StoragePool, StorageVolume, Timer, TreeError, TypeAttr, Vcpu, Video, VideoModel, VirtualPort,
    Vlan, VlanTag, VolumeTarget,
};

/// The test driver's domain namespace (exactly this URI; see the module docs).
pub const TEST_NAMESPACE: &str = "http://libvirt.org/schemas/domain/test/1.0";
/// Namespace of the custom `<metadata>` some domains carry.
pub const METADATA_NAMESPACE: &str = "https://virtumancer.example/xmlns/inventory/1";
/// Every this-many-th domain (97, 194, …) gets a name with XML metacharacters and unicode.
pub const SPECIAL_NAME_EVERY: usize = 97;
/// The index of the one domain with a [`LONG_NAME_LEN`]-character name.
pub const LONG_NAME_INDEX: usize = 50;
/// Length in characters of the long name.
pub const LONG_NAME_LEN: usize = 255;
/// The ISO image in pool `default` that some CD-ROMs hold.
pub const ISO_VOLUME: &str = "debian-12.9.0-amd64-netinst.iso";
/// Largest supported domain count (MACs stay unique up to 2 NICs × 8,388,608 domains).
pub const MAX_DOMAINS: usize = 1 << 23;

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeSpec {
    /// Number of domains.
    pub domains: usize,
    /// Seed for everything random (UUIDs, sizes, MACs, run states).
    pub seed: u64,
    /// Share of running domains, 0–100.
    pub running_percent: u8,
    /// Share of paused domains, 0–100 (running + paused ≤ 100; the rest are shut off).
    pub paused_percent: u8,
    /// Give every K-th domain (0, K, 2K, …) two snapshots; `None` for none.
    pub snapshots_every: Option<usize>,
    /// Name prefix of the ordinary domains (`vm` → `vm00000`).
    pub prefix: String,
    /// Indent the output (two spaces per level).
    pub pretty: bool,
}

impl Default for NodeSpec {
    fn default() -> Self {
        Self {
            domains: 1000,
            seed: 42,
            running_percent: 60,
            paused_percent: 5,
            snapshots_every: None,
            prefix: "vm".to_owned(),
            pretty: true,
        }
    }
}

impl NodeSpec {
    fn validate(&self) -> Result<(), GenError> {
        let bad = |m: String| Err(GenError::InvalidSpec(m));
        if self.domains > MAX_DOMAINS {
            return bad(format!("at most {MAX_DOMAINS} domains"));
        }
        if u16::from(self.running_percent) + u16::from(self.paused_percent) > 100 {
            return bad(format!(
                "running ({}) + paused ({}) percent exceed 100",
                self.running_percent, self.paused_percent
            ));
        }
        if self.snapshots_every == Some(0) {
            return bad("snapshots-every must be at least 1".into());
        }
        if self.prefix.is_empty() || self.prefix.contains('/') {
            return bad("the prefix must be non-empty and without '/'".into());
        }
        Ok(())
    }
}

/// Counts of what a node file contains.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeStats {
    /// Domains.
    pub domains: usize,
    /// Domains with runstate 1.
    pub running: usize,
    /// Domains with runstate 3.
    pub paused: usize,
    /// Domains with runstate 5.
    pub shutoff: usize,
    /// `<disk>` elements over all domains.
    pub disks: usize,
    /// `<interface>` elements over all domains.
    pub interfaces: usize,
    /// `<volume>` elements over all pools.
    pub volumes: usize,
    /// `<test:domainsnapshot>` elements.
    pub snapshots: usize,
}

/// A generated node file.
#[derive(Debug, Clone)]
pub struct GeneratedNode {
    /// The document (XML declaration, `<node>`, trailing newline).
    pub xml: String,
    /// What is in it.
    pub stats: NodeStats,
}

/// Generation failed.
#[derive(Debug, thiserror::Error)]
pub enum GenError {
    /// The options contradict each other.
    #[error("invalid options: {0}")]
    InvalidSpec(String),
    /// A typed view could not be serialized.
    #[error("serializing a {what}: {message}")]
    Serialize {
        /// Which document.
        what: &'static str,
        /// The serializer's message.
        message: String,
    },
    /// A serialized typed view could not be re-read as a tree.
    #[error("re-reading a generated {what}: {source}")]
    Tree {
        /// Which document.
        what: &'static str,
        /// The reader's error.
        #[source]
        source: TreeError,
    },
}

/// Generates a node file.
pub fn generate(spec: &NodeSpec) -> Result<GeneratedNode, GenError> {
    let (tree, stats) = generate_tree(spec)?;
    let mut xml = tree.to_document();
    // A line break after the declaration (whitespace between prolog and root, not markup).
    if let Some(end) = xml.find("?>") {
        xml.insert(end + 2, '\n');
    }
    xml.push('\n');
    Ok(GeneratedNode { xml, stats })
}

/// Generates the `<node>` tree.
pub fn generate_tree(spec: &NodeSpec) -> Result<(Element, NodeStats), GenError> {
    spec.validate()?;
    let mut g = Generator {
        spec,
        mac_base: mix64(spec.seed ^ 0x6d61_6373) & 0xFF_FFFF,
        volumes: [Vec::new(), Vec::new(), Vec::new()],
        stats: NodeStats::default(),
    };
    let mut node = Element::new("node");
    node.children.push(Node::Element(host_cpu(64)));
    node.children
        .push(Node::Element(text_el("memory", (512u64 << 20).to_string())));
    for i in 0..spec.domains {
        let dom = g.domain(i)?;
        node.children.push(Node::Element(dom));
    }
    for net in networks(spec.seed) {
        node.children
            .push(Node::Element(embed("network", net.to_xml())?));
    }
    node.children.extend(host_interfaces().map(Node::Element));
    for (pool, vols) in g.volumes.iter_mut().enumerate() {
        let budget = POOL_ALLOCATION_BUDGET - if pool == 0 { ISO_BYTES } else { 0 };
        fit_allocations(vols, budget);
    }
    g.volumes[0].push(VolumeSpec {
        name: ISO_VOLUME.to_owned(),
        format: "iso",
        capacity: ISO_BYTES,
        allocation: ISO_BYTES,
    });
    for (p, vols) in POOLS.iter().zip(&g.volumes) {
        node.children.push(Node::Element(pool(p, vols, spec.seed)?));
        g.stats.volumes += vols.len();
    }
    if spec.pretty {
        indent(&mut node, 0);
    }
    Ok((node, g.stats))
}

/// The name of domain `index`: `{prefix}{index:05}`, except every [`SPECIAL_NAME_EVERY`]-th
/// (`{prefix}-<&>'"-ünï-{index:05}`) and [`LONG_NAME_INDEX`] (exactly [`LONG_NAME_LEN`]
/// characters).
pub fn domain_name(prefix: &str, index: usize) -> String {
    let mut name = prefix.to_owned();
    if index > 0 && index.is_multiple_of(SPECIAL_NAME_EVERY) {
        name.push_str("-<&>'\"-ünï-");
        name.push_str(&format!("{index:05}"));
    } else if index == LONG_NAME_INDEX {
        name.push_str(&format!("{index:05}-long-"));
        let filler = "abcdefghijklmnopqrstuvwxyz0123456789";
        while name.chars().count() < LONG_NAME_LEN {
            let at = name.chars().count() % filler.len();
            name.push_str(&filler[at..=at]);
        }
    } else {
        name.push_str(&format!("{index:05}"));
    }
    name
}

// ----------------------------------------------------------------------------------------------
// Pools and volumes

struct PoolDef {
    name: &'static str,
    kind: &'static str,
    path: &'static str,
}

const POOLS: [PoolDef; 3] = [
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
const VG0: usize = 2;

/// What the test driver reports as every pool's capacity, whatever the file says.
pub const TEST_DRIVER_POOL_CAPACITY: u64 = 100 << 30;
/// Volume allocations of one pool add up to at most this much (see [`fit_allocations`]).
const POOL_ALLOCATION_BUDGET: u64 = 90 << 30;
const ISO_BYTES: u64 = 658_505_728;

/// The test driver computes a pool's `available` as 100 GiB minus the sum of its volumes'
/// allocations, in unsigned arithmetic: past 100 GiB it wraps to ~16 EiB. So the (realistic,
/// random) allocations of one pool are scaled down proportionally until they fit `budget`.
/// They stay proportional to each other and below the capacity; the volumes just look thin.
fn fit_allocations(vols: &mut [VolumeSpec], budget: u64) {
    let total: u128 = vols.iter().map(|v| u128::from(v.allocation)).sum();
    if total <= u128::from(budget) {
        return;
    }
    for v in vols {
        let scaled = u128::from(v.allocation) * u128::from(budget) / total;
        v.allocation = u64::try_from(scaled).unwrap_or(u64::MAX).max(4096);
    }
}

struct VolumeSpec {
    name: String,
    format: &'static str,
    capacity: u64,
    allocation: u64,
}

fn volume_path(pool: &PoolDef, name: &str) -> String {
    let mut p = pool.path.to_owned();
    p.push('/');
    p.push_str(name);
    p
}

fn pool(def: &PoolDef, vols: &[VolumeSpec], seed: u64) -> Result<Element, GenError> {
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

const VLANS: [u16; 3] = [10, 20, 30];
const PORTGROUPS: [Option<&str>; 5] = [
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

fn tag(id: u16) -> VlanTag {
    VlanTag {
        id,
        native_mode: None,
    }
}

/// `trunk='yes'` with 10, 20 and 30, where 30 is the untagged native VLAN.
fn trunk_vlan() -> Vlan {
    let mut tags: Vec<VlanTag> = VLANS.iter().map(|&v| tag(v)).collect();
    tags[2].native_mode = Some("untagged".to_owned());
    Vlan {
        trunk: Some("yes".to_owned()),
        tags,
    }
}

fn openvswitch() -> VirtualPort {
    VirtualPort {
        kind: Some("openvswitch".to_owned()),
        parameters: None,
    }
}

fn networks(seed: u64) -> [Network; 3] {
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

fn host_interfaces() -> impl Iterator<Item = Element> {
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

fn host_cpu(cpus: u32) -> Element {
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

// ----------------------------------------------------------------------------------------------
// Domains

/// The disk kinds the generator cycles through for `vda`/`vdb`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DiskKind {
    /// `type='file'` qcow2 in pool `default` or `fast`.
    File,
    /// `type='volume'`: pool + volume.
    Volume,
    /// `type='block'`: an LV in `vg0`.
    Block,
    /// `type='network'`: NBD.
    Network,
}
const DISK_KINDS: [DiskKind; 4] = [
    DiskKind::File,
    DiskKind::Volume,
    DiskKind::Block,
    DiskKind::Network,
];

/// The NIC kinds the generator cycles through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NicKind {
    /// `type='network'` on `ovs-net`, with a portgroup (or the default one).
    OvsNetwork,
    /// `type='network'` on `isolated`.
    Isolated,
    /// `type='network'` on `br-lan`.
    BrLanNetwork,
    /// `type='bridge'` on `br0` (the bridge of `br-lan`).
    Bridge,
    /// `type='bridge'` on `br0` with an explicit `<vlan><tag/></vlan>`.
    BridgeVlan,
    /// `type='bridge'` on `ovsbr0` with `<virtualport type='openvswitch'/>` and a trunk.
    OvsBridgeTrunk,
    /// `type='direct'`: macvtap on eth0, mode bridge.
    Direct,
    /// `type='ethernet'`.
    Ethernet,
    /// `type='user'`.
    User,
    /// `type='vhostuser'` with a unix socket: a kind no Virtumancer driver knows.
    VhostUser,
}
const NIC_KINDS: [NicKind; 10] = [
    NicKind::OvsNetwork,
    NicKind::Isolated,
    NicKind::Bridge,
    NicKind::Direct,
    NicKind::BrLanNetwork,
    NicKind::Ethernet,
    NicKind::BridgeVlan,
    NicKind::User,
    NicKind::VhostUser,
    NicKind::OvsBridgeTrunk,
];

struct Generator<'a> {
    spec: &'a NodeSpec,
    mac_base: u64,
    volumes: [Vec<VolumeSpec>; 3],
    stats: NodeStats,
}

impl Generator<'_> {
    fn domain(&mut self, i: usize) -> Result<Element, GenError> {
        let mut rng = XorShift64::for_item(self.spec.seed, i as u64);
        let name = domain_name(&self.spec.prefix, i);
        // Volume names derive from the domain name (unique, so are they), except for the
        // 255-character one, whose volumes would get absurd paths.
        let base = if name.chars().count() > 64 {
            let mut b = self.spec.prefix.clone();
            b.push_str(&format!("{i:05}"));
            b
        } else {
            name.clone()
        };
        let uuid = rng.uuid();
        let mem_mib: u64 = *rng.pick(&[512, 1024, 2048, 4096, 8192, 16384]);
        let vcpus: u32 = *rng.pick(&[1, 2, 4, 8]);
        let current_vcpus = (vcpus > 1 && rng.chance(30)).then_some(vcpus / 2);

        // Disks.
        let mut disks = vec![self.disk(DISK_KINDS[i % 4], "vda", &base, false, &mut rng)];
        if i.is_multiple_of(3) {
            let kind = DISK_KINDS[(i / 3 + 1) % 4];
            disks.push(self.disk(kind, "vdb", &base, i.is_multiple_of(15), &mut rng));
        }
        let cdrom = match i % 5 {
            1 => Some(cdrom(None)),
            3 => Some(cdrom(Some(volume_path(&POOLS[0], ISO_VOLUME)))),
            _ => None,
        };
        let has_cdrom = cdrom.is_some();
        disks.extend(cdrom);
        if i % 20 == 7 {
            disks.push(self.floppy(&base));
        }
        for (n, d) in disks.iter_mut().enumerate() {
            if d.device() == "disk" && n == 0 && i % 8 == 4 {
                d.serial = Some(format!("SN-{i:05}"));
            }
        }

        // NICs.
        let mut interfaces = vec![self.nic(NIC_KINDS[i % NIC_KINDS.len()], i, 0, &mut rng)];
        if i % 4 == 2 {
            let kind = NIC_KINDS[(i / 4 + 3) % NIC_KINDS.len()];
            interfaces.push(self.nic(kind, i, 1, &mut rng));
        }

        // Graphics and video.
        let vnc = i % 10 != 9;
        let spice = i % 10 == 9 || i.is_multiple_of(7);
        let mut graphics = Vec::new();
        if vnc {
            graphics.push(Graphics {
                kind: "vnc".to_owned(),
                port: Some(-1),
                tls_port: None,
                autoport: Some("yes".to_owned()),
                listen: Some("127.0.0.1".to_owned()),
                passwd: (i.is_multiple_of(11)).then(|| "s3cr&t<'\">".to_owned()),
                listens: vec![GraphicsListen {
                    kind: Some("address".to_owned()),
                    address: Some("127.0.0.1".to_owned()),
                    ..GraphicsListen::default()
                }],
            });
        }
        if spice {
            graphics.push(Graphics {
                kind: "spice".to_owned(),
                port: None,
                tls_port: None,
                autoport: Some("yes".to_owned()),
                listen: None,
                passwd: None,
                listens: Vec::new(),
            });
        }
        let videos = vec![Video {
            model: VideoModel {
                kind: if spice { "qxl" } else { "vga" }.to_owned(),
                vram: Some(16384),
                heads: Some(1),
                primary: Some("yes".to_owned()),
            },
            alias: None,
        }];

        let pty = |target: CharTarget| CharDevice {
            kind: "pty".to_owned(),
            source: None,
            target: Some(target),
            alias: None,
        };
        let mut boot = vec![BootDevice {
            dev: "hd".to_owned(),
        }];
        if has_cdrom {
            boot.push(BootDevice {
                dev: "cdrom".to_owned(),
            });
        }
        if i % 10 == 5 {
            boot.push(BootDevice {
                dev: "network".to_owned(),
            });
        }
        let localtime = i % 9 == 4;

        self.stats.disks += disks.len();
        self.stats.interfaces += interfaces.len();

        let domain = Domain {
            kind: "test".to_owned(),
            id: None,
            name: name.clone(),
            uuid: Some(uuid.clone()),
            title: match i % 3 {
                0 => Some(format!("Title #{i}: <web> & \"db\" 'tier' ✓")),
                1 => Some(format!("{} server", base)),
                _ => None,
            },
            description: match i % 5 {
                0 => Some(format!(
                    "Generated by `xtask gen-node` (seed {}).\nOwner: ops <ops@example.org> & \"friends\"\n  indented line with 'quotes' ünïcødé ✓\n",
                    self.spec.seed
                )),
                2 => Some(format!("single-line description of domain #{i}")),
                _ => None,
            },
            max_memory: None,
            memory: Size::new(mem_mib, "MiB"),
            current_memory: Some(Size::new(
                if i % 6 == 5 { mem_mib / 2 } else { mem_mib },
                "MiB",
            )),
            vcpu: Vcpu {
                placement: Some("static".to_owned()),
                cpuset: None,
                current: current_vcpus,
                count: vcpus,
            },
            os: Os {
                firmware: None,
                os_type: OsType {
                    arch: Some("x86_64".to_owned()),
                    machine: Some("pc".to_owned()),
                    value: "hvm".to_owned(),
                },
                loader: None,
                nvram: None,
                kernel: None,
                initrd: None,
                cmdline: None,
                boot,
            },
            features: Some(Features {
                acpi: Some(Flag {}),
                apic: Some(Flag {}),
                ..Features::default()
            }),
            cpu: None,
            clock: Some(Clock {
                offset: if localtime { "localtime" } else { "utc" }.to_owned(),
                timers: if i.is_multiple_of(2) {
                    vec![
                        Timer {
                            name: "rtc".to_owned(),
                            tickpolicy: Some("catchup".to_owned()),
                            present: None,
                        },
                        Timer {
                            name: "hpet".to_owned(),
                            tickpolicy: None,
                            present: Some("no".to_owned()),
                        },
                    ]
                } else {
                    Vec::new()
                },
            }),
            on_poweroff: Some("destroy".to_owned()),
            on_reboot: Some("restart".to_owned()),
            on_crash: Some(if i % 13 == 6 { "restart" } else { "destroy" }.to_owned()),
            devices: virtumancer_libvirt_xml::Devices {
                emulator: None,
                disks,
                interfaces,
                graphics,
                videos,
                serials: vec![pty(CharTarget {
                    port: Some(0),
                    ..CharTarget::default()
                })],
                consoles: vec![pty(CharTarget {
                    kind: Some("serial".to_owned()),
                    port: Some(0),
                    ..CharTarget::default()
                })],
                channels: Vec::new(),
                tpms: Vec::new(),
                hostdevs: Vec::new(),
                memballoon: Some(Memballoon {
                    model: "virtio".to_owned(),
                    stats: (i.is_multiple_of(2)).then_some(BalloonStats { period: 10 }),
                }),
            },
        };

        let mut el = embed("domain", domain.to_xml())?;
        el.set_attr("xmlns:test", Some(TEST_NAMESPACE));
        if i.is_multiple_of(4) {
            let at = el
                .children
                .iter()
                .position(|c| matches!(c, Node::Element(e) if e.name == "memory"))
                .unwrap_or(el.children.len());
            el.children.insert(at, Node::Element(metadata(i)));
        }

        let state = {
            let r = rng.below(100);
            let running = u64::from(self.spec.running_percent);
            if r < running {
                self.stats.running += 1;
                1
            } else if r < running + u64::from(self.spec.paused_percent) {
                self.stats.paused += 1;
                3
            } else {
                self.stats.shutoff += 1;
                5
            }
        };
        el.children
            .push(Node::Element(text_el("test:runstate", state.to_string())));
        if let Some(k) = self.spec.snapshots_every
            && i.is_multiple_of(k)
        {
            let inner = Domain {
                kind: "test".to_owned(),
                id: None,
                name,
                uuid: Some(uuid),
                title: None,
                description: None,
                max_memory: None,
                memory: domain.memory.clone(),
                current_memory: None,
                vcpu: Vcpu {
                    placement: Some("static".to_owned()),
                    cpuset: None,
                    current: None,
                    count: vcpus,
                },
                os: Os {
                    boot: vec![BootDevice {
                        dev: "hd".to_owned(),
                    }],
                    ..domain.os.clone()
                },
                features: None,
                cpu: None,
                clock: None,
                on_poweroff: None,
                on_reboot: None,
                on_crash: None,
                devices: virtumancer_libvirt_xml::Devices::default(),
            };
            let inner = embed("snapshot domain", inner.to_xml())?;
            let created = 1_700_000_000 + (i as u64) * 60;
            let base_snap = Element::new("test:domainsnapshot")
                .with(text_el("name", "base"))
                .with(text_el(
                    "description",
                    "before the <update> & \"reboot\"".to_owned(),
                ))
                .with(text_el("state", "shutoff"))
                .with(text_el("creationTime", created.to_string()))
                .with(text_el("active", "0"))
                .with(inner.clone());
            let after = Element::new("test:domainsnapshot")
                .with(text_el("name", "after-update"))
                .with(text_el("state", "running"))
                .with(Element::new("parent").with(text_el("name", "base")))
                .with(text_el("creationTime", (created + 3600).to_string()))
                .with(text_el("active", "1"))
                .with(inner);
            el.children.push(Node::Element(base_snap));
            el.children.push(Node::Element(after));
            self.stats.snapshots += 2;
        }
        self.stats.domains += 1;
        Ok(el)
    }

    fn add_volume(
        &mut self,
        pool: usize,
        name: String,
        format: &'static str,
        rng: &mut XorShift64,
    ) {
        let gib: u64 = *rng.pick(&[8, 10, 16, 20, 32, 40, 64, 80, 100, 200]);
        let capacity = (gib << 30) + (rng.below(1024) << 20);
        let allocation = if POOLS[pool].kind == "logical" {
            capacity
        } else {
            // A thin image: 1–95 % used, in 64 KiB clusters.
            (capacity / 100 * (1 + rng.below(95))) & !0xFFFF
        };
        self.volumes[pool].push(VolumeSpec {
            name,
            format,
            capacity,
            allocation,
        });
    }

    fn disk(
        &mut self,
        kind: DiskKind,
        dev: &str,
        base: &str,
        shareable: bool,
        rng: &mut XorShift64,
    ) -> Disk {
        let mut vol_name = base.to_owned();
        vol_name.push('-');
        vol_name.push_str(dev);
        let (disk_type, source, format) = match kind {
            DiskKind::File => {
                let pool = *rng.pick(&[0, 1]);
                let format = if shareable { "raw" } else { "qcow2" };
                vol_name.push('.');
                vol_name.push_str(format);
                let path = volume_path(&POOLS[pool], &vol_name);
                self.add_volume(pool, vol_name, format, rng);
                (
                    "file",
                    DiskSource {
                        file: Some(path),
                        ..DiskSource::default()
                    },
                    format,
                )
            }
            DiskKind::Volume => {
                let pool = *rng.pick(&[0, 1, VG0]);
                let format = if pool == VG0 || shareable {
                    "raw"
                } else {
                    "qcow2"
                };
                if pool != VG0 {
                    vol_name.push('.');
                    vol_name.push_str(format);
                }
                self.add_volume(pool, vol_name.clone(), format, rng);
                (
                    "volume",
                    DiskSource {
                        pool: Some(POOLS[pool].name.to_owned()),
                        volume: Some(vol_name),
                        ..DiskSource::default()
                    },
                    format,
                )
            }
            DiskKind::Block => {
                let path = volume_path(&POOLS[VG0], &vol_name);
                self.add_volume(VG0, vol_name, "raw", rng);
                (
                    "block",
                    DiskSource {
                        dev: Some(path),
                        ..DiskSource::default()
                    },
                    "raw",
                )
            }
            DiskKind::Network => (
                "network",
                DiskSource {
                    protocol: Some("nbd".to_owned()),
                    name: Some(vol_name),
                    hosts: vec![DiskSourceHost {
                        name: Some("nbd.lab.example".to_owned()),
                        port: Some("10809".to_owned()),
                        ..DiskSourceHost::default()
                    }],
                    ..DiskSource::default()
                },
                "raw",
            ),
        };
        let block_like = matches!(kind, DiskKind::Block | DiskKind::Network);
        Disk {
            kind: disk_type.to_owned(),
            device: Some("disk".to_owned()),
            driver: Some(DiskDriver {
                name: Some("qemu".to_owned()),
                format: Some(format.to_owned()),
                cache: (block_like || shareable).then(|| "none".to_owned()),
                io: block_like.then(|| "native".to_owned()),
                discard: (format == "qcow2").then(|| "unmap".to_owned()),
            }),
            source: Some(source),
            target: DiskTarget {
                dev: dev.to_owned(),
                bus: Some("virtio".to_owned()),
                tray: None,
            },
            readonly: None,
            shareable: shareable.then_some(Flag {}),
            serial: None,
            boot: None,
            alias: None,
        }
    }

    fn floppy(&mut self, base: &str) -> Disk {
        let mut name = base.to_owned();
        name.push_str("-fda.img");
        let path = volume_path(&POOLS[0], &name);
        self.volumes[0].push(VolumeSpec {
            name,
            format: "raw",
            capacity: 1_474_560,
            allocation: 1_474_560,
        });
        Disk {
            kind: "file".to_owned(),
            device: Some("floppy".to_owned()),
            driver: Some(DiskDriver {
                name: Some("qemu".to_owned()),
                format: Some("raw".to_owned()),
                ..DiskDriver::default()
            }),
            source: Some(DiskSource {
                file: Some(path),
                ..DiskSource::default()
            }),
            target: DiskTarget {
                dev: "fda".to_owned(),
                bus: Some("fdc".to_owned()),
                tray: None,
            },
            readonly: None,
            shareable: None,
            serial: None,
            boot: None,
            alias: None,
        }
    }

    fn nic(&self, kind: NicKind, i: usize, n: usize, rng: &mut XorShift64) -> Interface {
        let mac = {
            let v = (self.mac_base + (2 * i + n) as u64) & 0xFF_FFFF;
            format!(
                "52:54:00:{:02x}:{:02x}:{:02x}",
                v >> 16,
                (v >> 8) & 0xFF,
                v & 0xFF
            )
        };
        let model = if kind != NicKind::VhostUser && rng.chance(20) {
            "e1000"
        } else {
            "virtio"
        };
        let mut nic = Interface {
            kind: String::new(),
            trust_guest_rx_filters: None,
            mac: Some(MacElement { address: mac }),
            source: None,
            vlan: None,
            virtualport: None,
            bandwidth: None,
            target: None,
            model: Some(TypeAttr {
                kind: model.to_owned(),
            }),
            link: (i % 50 == 3).then(|| LinkState {
                state: "down".to_owned(),
            }),
            boot: None,
            alias: None,
        };
        let network = |net: &str, portgroup: Option<&str>| InterfaceSource {
            network: Some(net.to_owned()),
            portgroup: portgroup.map(str::to_owned),
            ..InterfaceSource::default()
        };
        let bridge = |br: &str| InterfaceSource {
            bridge: Some(br.to_owned()),
            ..InterfaceSource::default()
        };
        let (type_, source) = match kind {
            NicKind::OvsNetwork => (
                "network",
                network("ovs-net", PORTGROUPS[(i / NIC_KINDS.len() + n) % 5]),
            ),
            NicKind::Isolated => ("network", network("isolated", None)),
            NicKind::BrLanNetwork => ("network", network("br-lan", None)),
            NicKind::Bridge => ("bridge", bridge("br0")),
            NicKind::BridgeVlan => {
                nic.vlan = Some(Vlan {
                    trunk: None,
                    tags: vec![tag(VLANS[(i / NIC_KINDS.len()) % 3])],
                });
                ("bridge", bridge("br0"))
            }
            NicKind::OvsBridgeTrunk => {
                nic.virtualport = Some(openvswitch());
                nic.vlan = Some(trunk_vlan());
                ("bridge", bridge("ovsbr0"))
            }
            NicKind::Direct => (
                "direct",
                InterfaceSource {
                    dev: Some("eth0".to_owned()),
                    mode: Some("bridge".to_owned()),
                    ..InterfaceSource::default()
                },
            ),
            NicKind::Ethernet => ("ethernet", InterfaceSource::default()),
            NicKind::User => ("user", InterfaceSource::default()),
            NicKind::VhostUser => {
                let mut path = "/run/vhost-user/".to_owned();
                path.push_str(&format!("vm{i:05}-{n}.sock"));
                (
                    "vhostuser",
                    InterfaceSource {
                        kind: Some("unix".to_owned()),
                        path: Some(path),
                        mode: Some("client".to_owned()),
                        ..InterfaceSource::default()
                    },
                )
            }
        };
        nic.kind = type_.to_owned();
        if source != InterfaceSource::default() {
            nic.source = Some(source);
        }
        nic
    }
}

fn cdrom(iso: Option<String>) -> Disk {
    Disk {
        kind: "file".to_owned(),
        device: Some("cdrom".to_owned()),
        driver: Some(DiskDriver {
            name: Some("qemu".to_owned()),
            format: Some("raw".to_owned()),
            ..DiskDriver::default()
        }),
        source: iso.map(|file| DiskSource {
            file: Some(file),
            ..DiskSource::default()
        }),
        target: DiskTarget {
            dev: "sda".to_owned(),
            bus: Some("sata".to_owned()),
            tray: None,
        },
        readonly: Some(Flag {}),
        shareable: None,
        serial: None,
        boot: None,
        alias: None,
    }
}

/// `<metadata>` with an inventory element in [`METADATA_NAMESPACE`] (and, on some, a second
/// tool's namespace).
fn metadata(i: usize) -> Element {
    let mut tags = Element::new("vmx:tags");
    for t in ["web", "tier<1>", "a&b"].iter().take(1 + i % 3) {
        tags.children.push(Node::Element(text_el("vmx:tag", *t)));
    }
    let inventory = Element::new("vmx:inventory")
        .with_attr("xmlns:vmx", METADATA_NAMESPACE)
        .with(text_el(
            "vmx:owner",
            format!("team-{} <ops@example.org>", i % 7),
        ))
        .with(text_el(
            "vmx:environment",
            ["prod", "staging", "dev"][i % 3],
        ))
        .with(tags);
    let mut md = Element::new("metadata").with(inventory);
    if i.is_multiple_of(8) {
        md.children.push(Node::Element(
            Element::new("other:note")
                .with_attr("xmlns:other", "urn:example:other-tool")
                .with_attr("other:rev", "3")
                .with(text_el("other:text", "kept by \"other tool\" & co")),
        ));
    }
    md
}

// ----------------------------------------------------------------------------------------------
// Tree helpers

trait ElementExt {
    fn with_attr(self, key: &str, value: &str) -> Self;
    fn with(self, child: Element) -> Self;
}

impl ElementExt for Element {
    fn with_attr(mut self, key: &str, value: &str) -> Self {
        self.set_attr(key, Some(value));
        self
    }

    fn with(mut self, child: Element) -> Self {
        self.children.push(Node::Element(child));
        self
    }
}

fn text_el(name: &str, text: impl Into<String>) -> Element {
    let mut e = Element::new(name);
    e.children.push(Node::Text(text.into()));
    e
}

/// A serialized typed document as a tree, ready to be attached to the node.
fn embed<E: std::fmt::Display>(
    what: &'static str,
    xml: Result<String, E>,
) -> Result<Element, GenError> {
    let xml = xml.map_err(|e| GenError::Serialize {
        what,
        message: e.to_string(),
    })?;
    Element::parse(&xml).map_err(|source| GenError::Tree { what, source })
}

/// Indents elements whose children are all elements (text-bearing ones are left alone).
fn indent(el: &mut Element, depth: usize) {
    // libvirt re-indents `<metadata>` content itself; whitespace there would show up twice.
    if el.name == "metadata"
        || el.children.is_empty()
        || !el.children.iter().all(|c| matches!(c, Node::Element(_)))
    {
        return;
    }
    let pad = |d: usize| {
        let mut s = String::with_capacity(1 + 2 * d);
        s.push('\n');
        s.extend(std::iter::repeat_n(' ', 2 * d));
        s
    };
    let inner = pad(depth + 1);
    let old = std::mem::take(&mut el.children);
    el.children.reserve(old.len() * 2 + 1);
    for child in old {
        el.children.push(Node::Text(inner.clone()));
        if let Node::Element(mut e) = child {
            indent(&mut e, depth + 1);
            el.children.push(Node::Element(e));
        }
    }
    el.children.push(Node::Text(pad(depth)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_pattern() {
        assert_eq!(domain_name("vm", 0), "vm00000");
        assert_eq!(domain_name("vm", 1), "vm00001");
        assert_eq!(domain_name("vm", 97), "vm-<&>'\"-ünï-00097");
        let long = domain_name("vm", LONG_NAME_INDEX);
        assert_eq!(long.chars().count(), LONG_NAME_LEN);
        assert!(long.starts_with("vm00050-long-"));
    }

    #[test]
    fn invalid_specs_are_refused() {
        let bad = [
            NodeSpec {
                running_percent: 90,
                paused_percent: 20,
                ..NodeSpec::default()
            },
            NodeSpec {
                snapshots_every: Some(0),
                ..NodeSpec::default()
            },
            NodeSpec {
                prefix: "a/b".into(),
                ..NodeSpec::default()
            },
        ];
        for spec in bad {
            assert!(
                matches!(generate(&spec), Err(GenError::InvalidSpec(_))),
                "{spec:?}"
            );
        }
    }

    #[test]
    fn macs_are_unique_and_volume_names_unique_per_pool() {
        let (tree, stats) = generate_tree(&NodeSpec {
            domains: 500,
            ..NodeSpec::default()
        })
        .unwrap();
        let mut macs = std::collections::HashSet::new();
        for d in tree.elements().filter(|e| e.name == "domain") {
            let devices = d.child("devices").unwrap();
            for nic in devices.elements().filter(|e| e.name == "interface") {
                let mac = nic
                    .child("mac")
                    .unwrap()
                    .attr("address")
                    .unwrap()
                    .to_owned();
                assert!(mac.starts_with("52:54:00:"), "{mac}");
                assert!(macs.insert(mac.clone()), "duplicate MAC {mac}");
            }
        }
        assert_eq!(macs.len(), stats.interfaces);
        let mut volumes = 0;
        for p in tree.elements().filter(|e| e.name == "pool") {
            let mut names = std::collections::HashSet::new();
            for v in p.elements().filter(|e| e.name == "volume") {
                assert!(names.insert(v.child("name").unwrap().text()));
                volumes += 1;
            }
        }
        assert_eq!(volumes, stats.volumes);
        assert_eq!(stats.running + stats.paused + stats.shutoff, 500);
    }

    #[test]
    fn zero_domains_is_a_valid_empty_host() {
        let g = generate(&NodeSpec {
            domains: 0,
            ..NodeSpec::default()
        })
        .unwrap();
        assert_eq!(g.stats.domains, 0);
        assert_eq!(g.stats.volumes, 1, "only the ISO");
        assert!(Element::parse(&g.xml).is_ok());
    }
}
