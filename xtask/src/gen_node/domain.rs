//! The domains of a node file: the disk and NIC kinds the generator cycles through, the
//! per-domain [`Generator`], CD-ROMs and `<metadata>`.

use super::host::{
    POOLS, PORTGROUPS, VG0, VLANS, VolumeSpec, openvswitch, tag, trunk_vlan, volume_path,
};
use super::xml::{ElementExt, embed, text_el};
use super::{
    GenError, ISO_VOLUME, METADATA_NAMESPACE, NodeSpec, NodeStats, TEST_NAMESPACE, domain_name,
};
use crate::rng::XorShift64;
use virtumancer_libvirt_xml::{
    BalloonStats, BootDevice, CharDevice, CharTarget, Clock, Disk, DiskDriver, DiskSource,
    DiskSourceHost, DiskTarget, Domain, Element, Features, Flag, Graphics, GraphicsListen,
    Interface, InterfaceSource, LinkState, MacElement, Memballoon, Node, Os, OsType, Size, Timer,
    TypeAttr, Vcpu, Video, VideoModel, Vlan,
};

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

pub(super) struct Generator<'a> {
    pub(super) spec: &'a NodeSpec,
    pub(super) mac_base: u64,
    pub(super) volumes: [Vec<VolumeSpec>; 3],
    pub(super) stats: NodeStats,
}

impl Generator<'_> {
    pub(super) fn domain(&mut self, i: usize) -> Result<Element, GenError> {
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
