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

mod domain;
mod host;
mod xml;

pub use host::TEST_DRIVER_POOL_CAPACITY;

use crate::rng::mix64;
use domain::Generator;
use host::{
    ISO_BYTES, POOL_ALLOCATION_BUDGET, POOLS, VolumeSpec, fit_allocations, host_cpu,
    host_interfaces, networks, pool,
};
use virtumancer_libvirt_xml::{Element, Node, TreeError};
use xml::{embed, indent, text_el};

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
