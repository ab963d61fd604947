//! The node-file generator: determinism, coverage of every disk and NIC kind, and loading the
//! result in libvirt's real test driver (skipped when `virsh` is not installed).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::process::Command;
use virtumancer_libvirt_xml::{Domain, DomainDocument, Element, StoragePool};
use xtask::gen_node::{LONG_NAME_LEN, METADATA_NAMESPACE, TEST_NAMESPACE};
use xtask::{NodeSpec, domain_name, generate};

fn spec(domains: usize, seed: u64) -> NodeSpec {
    NodeSpec {
        domains,
        seed,
        snapshots_every: Some(10),
        ..NodeSpec::default()
    }
}

/// Every `<domain>` of a node file, as the libvirt-xml crate reads it, with its runstate.
fn domains_of(xml: &str) -> Vec<(DomainDocument, String)> {
    let node = Element::parse(xml).expect("the node file is well-formed");
    assert_eq!(node.name, "node");
    node.elements()
        .filter(|e| e.name == "domain")
        .map(|e| {
            let doc = DomainDocument::parse(&e.to_xml())
                .unwrap_or_else(|err| panic!("{err}\n{}", e.to_xml()));
            let state = e
                .child("test:runstate")
                .expect("every domain has a runstate")
                .text();
            (doc, state)
        })
        .collect()
}

#[test]
fn same_seed_gives_identical_bytes_and_another_seed_does_not() {
    let a = generate(&spec(200, 7)).unwrap();
    let b = generate(&spec(200, 7)).unwrap();
    let c = generate(&spec(200, 8)).unwrap();
    assert_eq!(a.xml, b.xml);
    assert_eq!(a.stats, b.stats);
    assert_ne!(a.xml, c.xml);

    // Domains do not depend on how many follow them: domain 5 is the same in a 50- and a
    // 200-domain file.
    let small = domains_of(&generate(&spec(50, 7)).unwrap().xml);
    let large = domains_of(&a.xml);
    assert_eq!(small[5].0.tree(), large[5].0.tree());
}

#[test]
fn every_domain_parses_and_every_disk_and_nic_kind_is_covered() {
    for n in [100, 1000] {
        let node = generate(&spec(n, 42)).unwrap();
        let domains = domains_of(&node.xml);
        assert_eq!(domains.len(), n);
        assert_eq!(node.stats.domains, n);

        let mut disk_kinds = BTreeSet::new();
        let mut nic_kinds = BTreeSet::new();
        let mut portgroups = BTreeSet::new();
        let mut names = BTreeSet::new();
        let mut states: BTreeMap<String, usize> = BTreeMap::new();
        let (mut empty_cdrom, mut shareable, mut vcpu_current, mut multi_line) =
            (false, false, false, false);
        let (mut bridge_vlan, mut bridge_plain, mut spice, mut vnc, mut metadata) =
            (false, false, false, false, false);
        let (mut special_title, mut long_name, mut special_name) = (false, false, false);
        for (doc, state) in &domains {
            let d: &Domain = doc.domain();
            assert_eq!(d.kind, "test");
            assert!(names.insert(d.name.clone()), "duplicate name {}", d.name);
            assert_eq!(doc.tree().attr("xmlns:test"), Some(TEST_NAMESPACE));
            *states.entry(state.clone()).or_default() += 1;
            long_name |= d.name.chars().count() == LONG_NAME_LEN;
            special_name |= d.name.contains("<&>'\"") && d.name.contains("ünï");
            special_title |= d.title.as_deref().is_some_and(|t| t.contains("<web> & \""));
            multi_line |= d
                .description
                .as_deref()
                .is_some_and(|t| t.lines().count() > 2 && t.contains('&'));
            metadata |= doc
                .metadata_xml()
                .is_some_and(|m| m.contains(METADATA_NAMESPACE));
            vcpu_current |= d.vcpu.current() < d.vcpu.count;
            assert!(d.features.as_ref().is_some_and(|f| f.acpi.is_some()));
            assert!(d.devices.memballoon.is_some());
            assert_eq!(d.devices.serials.len(), 1);
            assert_eq!(d.devices.consoles.len(), 1);
            spice |= d.devices.graphics.iter().any(|g| g.kind == "spice");
            vnc |= d.devices.graphics.iter().any(|g| g.kind == "vnc");
            for disk in &d.devices.disks {
                disk_kinds.insert((disk.kind.clone(), disk.device().to_owned()));
                empty_cdrom |=
                    disk.device() == "cdrom" && disk.source.is_none() && disk.readonly.is_some();
                shareable |= disk.shareable.is_some();
            }
            for nic in &d.devices.interfaces {
                nic_kinds.insert(nic.kind.clone());
                let src = nic.source.as_ref();
                if nic.kind == "network"
                    && src.and_then(|s| s.network.as_deref()) == Some("ovs-net")
                {
                    portgroups.insert(
                        src.and_then(|s| s.portgroup.clone())
                            .unwrap_or_else(|| "(default)".into()),
                    );
                }
                if nic.kind == "bridge" && src.and_then(|s| s.bridge.as_deref()) == Some("br0") {
                    bridge_vlan |= nic.vlan.is_some();
                    bridge_plain |= nic.vlan.is_none();
                }
                if nic.kind == "vhostuser" {
                    assert_eq!(nic.model.as_ref().unwrap().kind, "virtio");
                }
            }
        }
        let expected_disks: BTreeSet<(String, String)> = [
            ("file", "disk"),
            ("volume", "disk"),
            ("block", "disk"),
            ("network", "disk"),
            ("file", "cdrom"),
            ("file", "floppy"),
        ]
        .iter()
        .map(|(t, d)| (t.to_string(), d.to_string()))
        .collect();
        assert_eq!(disk_kinds, expected_disks, "N={n}");
        let expected_nics: BTreeSet<String> = [
            "network",
            "bridge",
            "direct",
            "ethernet",
            "user",
            "vhostuser",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(nic_kinds, expected_nics, "N={n}");
        let expected_pgs: BTreeSet<String> = ["(default)", "vlan10", "vlan20", "vlan30", "trunk"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(portgroups, expected_pgs, "N={n}");
        assert!(
            empty_cdrom && shareable && vcpu_current && multi_line,
            "N={n}"
        );
        assert!(
            bridge_vlan && bridge_plain && spice && vnc && metadata,
            "N={n}"
        );
        assert!(special_title && long_name && special_name, "N={n}");
        assert_eq!(
            states.keys().map(String::as_str).collect::<Vec<_>>(),
            ["1", "3", "5"],
            "running, paused and shut off all occur (N={n})"
        );
        assert_eq!(states["1"], node.stats.running);
        assert_eq!(states["3"], node.stats.paused);
        assert_eq!(states["5"], node.stats.shutoff);
    }
}

#[test]
fn percentages_drive_the_run_states() {
    let all_running = generate(&NodeSpec {
        domains: 200,
        running_percent: 100,
        paused_percent: 0,
        ..NodeSpec::default()
    })
    .unwrap();
    assert_eq!(all_running.stats.running, 200);
    let none_running = generate(&NodeSpec {
        domains: 200,
        running_percent: 0,
        paused_percent: 0,
        ..NodeSpec::default()
    })
    .unwrap();
    assert_eq!(none_running.stats.shutoff, 200);
    let mix = generate(&spec(1000, 3)).unwrap().stats;
    assert!((500..700).contains(&mix.running), "{mix:?}");
    assert!((20..100).contains(&mix.paused), "{mix:?}");
}

// ----------------------------------------------------------------------------------------------
// The real test driver

fn virsh_available() -> bool {
    Command::new("virsh").arg("--version").output().is_ok()
}

/// Runs `virsh -c test:///<path> <args…>` (one process = one private copy of the node).
fn virsh(path: &std::path::Path, args: &[&str]) -> String {
    let mut uri = "test://".to_owned();
    uri.push_str(path.to_str().expect("UTF-8 temp path"));
    let out = Command::new("virsh")
        .arg("-q")
        .arg("-c")
        .arg(&uri)
        .args(args)
        .output()
        .expect("virsh runs");
    assert!(
        out.status.success(),
        "virsh {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("virsh prints UTF-8")
}

fn lines(s: &str) -> BTreeSet<String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_node_file_loads_in_the_real_test_driver() {
    if !virsh_available() {
        println!("SKIP the_node_file_loads_in_the_real_test_driver: virsh is not on PATH");
        return;
    }
    let n = 300;
    let node = generate(&spec(n, 42)).unwrap();
    let mut file = tempfile::Builder::new()
        .suffix(".xml")
        .tempfile()
        .expect("temp file");
    file.write_all(node.xml.as_bytes()).unwrap();
    file.flush().unwrap();
    let path = file.path().canonicalize().unwrap();

    let all = virsh(&path, &["list", "--all", "--name"]);
    let listed = lines(&all);
    assert_eq!(all.lines().filter(|l| !l.trim().is_empty()).count(), n);
    let expected: BTreeSet<String> = (0..n).map(|i| domain_name("vm", i)).collect();
    assert_eq!(listed, expected);

    let running = lines(&virsh(&path, &["list", "--state-running", "--name"]));
    let paused = lines(&virsh(&path, &["list", "--state-paused", "--name"]));
    let shutoff = lines(&virsh(&path, &["list", "--state-shutoff", "--name"]));
    assert_eq!(running.len(), node.stats.running);
    assert_eq!(paused.len(), node.stats.paused);
    assert_eq!(shutoff.len(), node.stats.shutoff);

    assert_eq!(
        lines(&virsh(&path, &["net-list", "--all", "--name"])),
        lines("br-lan\nisolated\novs-net")
    );
    assert_eq!(
        lines(&virsh(&path, &["pool-list", "--all", "--name"])),
        lines("default\nfast\nvg0")
    );
    let ifaces: BTreeSet<String> = virsh(&path, &["iface-list", "--all"])
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_owned)
        .collect();
    assert_eq!(ifaces, lines("br0\neth0"));

    // Every volume arrived, and no pool's `available` wrapped around.
    let mut volumes = 0;
    for pool in ["default", "fast", "vg0"] {
        volumes += virsh(&path, &["vol-list", pool])
            .lines()
            .filter(|l| !l.trim().is_empty())
            .count();
        let p = StoragePool::from_xml(&virsh(&path, &["pool-dumpxml", pool])).unwrap();
        let cap = p.capacity.unwrap().bytes("bytes").unwrap();
        let alloc = p.allocation.unwrap().bytes("bytes").unwrap();
        let avail = p.available.unwrap().bytes("bytes").unwrap();
        assert!(
            alloc <= cap && avail <= cap,
            "{pool}: {cap} {alloc} {avail}"
        );
    }
    assert_eq!(volumes, node.stats.volumes);

    // The metacharacter name round-trips through libvirt (argv, not virsh's own parser).
    let special = domain_name("vm", 97);
    let back = DomainDocument::parse(&virsh(&path, &["dumpxml", "--domain", &special])).unwrap();
    assert_eq!(back.domain().name, special);
    // Custom-namespace metadata survives libvirt's parse and re-format.
    let first = DomainDocument::parse(&virsh(&path, &["dumpxml", "--domain", "vm00000"])).unwrap();
    let md = first.metadata_xml().expect("vm00000 has metadata");
    assert!(
        md.contains(METADATA_NAMESPACE) && md.contains("team-0"),
        "{md}"
    );
    let long = domain_name("vm", 50);
    let back = DomainDocument::parse(&virsh(&path, &["dumpxml", "--domain", &long])).unwrap();
    assert_eq!(back.domain().name.chars().count(), LONG_NAME_LEN);

    // Snapshots from <test:domainsnapshot>.
    let snaps = lines(&virsh(
        &path,
        &["snapshot-list", "--domain", "vm00010", "--name"],
    ));
    assert_eq!(snaps, lines("after-update\nbase"));
}

#[test]
fn the_cli_writes_a_file_and_rejects_bad_percentages() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("node.xml");
    let status = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["gen-node", "--domains", "20", "--seed", "9", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(domains_of(&written).len(), 20);
    assert_eq!(
        written,
        generate(&NodeSpec {
            domains: 20,
            seed: 9,
            ..NodeSpec::default()
        })
        .unwrap()
        .xml
    );

    let bad = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args([
            "gen-node",
            "--domains",
            "5",
            "--running-percent",
            "90",
            "--paused-percent",
            "20",
            "--out",
        ])
        .arg(dir.path().join("bad.xml"))
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("exceed 100"));
    assert!(!dir.path().join("bad.xml").exists());
}
