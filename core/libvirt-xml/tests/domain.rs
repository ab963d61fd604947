//! The domain document on real libvirt XML: golden values, typed and lossless round trips.

use virtumancer_libvirt_xml::{Domain, DomainDocument, Element};

fn golden(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/golden/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn test_driver_domain_reads_every_field() {
    let d = Domain::from_xml(&golden("domain-test-driver.xml")).unwrap();
    assert_eq!(
        (d.kind.as_str(), d.id, d.name.as_str()),
        ("test", Some(1), "test")
    );
    assert_eq!(
        d.uuid.as_deref(),
        Some("6695eb01-f6a4-8304-79aa-97f2502e193f")
    );
    assert_eq!(d.memory_bytes(), Some(8 << 30));
    assert_eq!(d.current_memory_bytes(), Some(2 << 30));
    assert_eq!(
        (d.vcpu.count, d.vcpu.current(), d.vcpu.placement.as_deref()),
        (2, 2, Some("static"))
    );
    assert_eq!(d.os.os_type.value, "hvm");
    assert_eq!(d.os.os_type.arch.as_deref(), Some("i686"));
    assert_eq!(d.os.boot[0].dev, "hd");
    assert_eq!(d.os.firmware_kind(), "bios");
    assert_eq!(d.on_crash.as_deref(), Some("destroy"));
    let disk = &d.devices.disks[0];
    assert_eq!((disk.kind.as_str(), disk.device()), ("file", "disk"));
    assert_eq!(
        disk.source.as_ref().unwrap().location().as_deref(),
        Some("/guest/diskimage1")
    );
    assert_eq!(
        (disk.target.dev.as_str(), disk.target.bus.as_deref()),
        ("vda", Some("virtio"))
    );
    let nic = &d.devices.interfaces[0];
    assert_eq!(nic.kind, "network");
    assert_eq!(nic.mac.as_ref().unwrap().address, "aa:bb:cc:dd:ee:ff");
    assert_eq!(
        nic.source.as_ref().unwrap().network.as_deref(),
        Some("default")
    );
    assert_eq!(nic.target.as_ref().unwrap().dev, "testnet0");
    assert_eq!(d.devices.memballoon.as_ref().unwrap().model, "virtio");
}

/// Every captured document: the typed view survives write → read, and the lossless tree
/// survives write → read with the same content.
#[test]
fn every_golden_and_corpus_domain_round_trips() {
    let mut seen = 0;
    for dir in ["golden", "corpus"] {
        let Ok(entries) = std::fs::read_dir(format!("{}/tests/{dir}", env!("CARGO_MANIFEST_DIR")))
        else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if !name.starts_with("domain-") || !name.ends_with(".xml") {
                continue;
            }
            let xml = std::fs::read_to_string(&path).unwrap();
            let doc = DomainDocument::parse(&xml).unwrap_or_else(|e| panic!("{name}: {e}"));
            let typed = doc.domain();
            let written = typed.to_xml().unwrap_or_else(|e| panic!("{name}: {e}"));
            let again = Domain::from_xml(&written)
                .unwrap_or_else(|e| panic!("{name} rewritten: {e}\n{written}"));
            assert_eq!(&again, typed, "{name}: typed round trip changed the view");
            let tree_again = Element::parse(&doc.to_xml()).unwrap();
            assert!(
                tree_again.same_content(doc.tree()),
                "{name}: lossless round trip changed the document"
            );
            assert!(
                Element::parse(&xml).unwrap().same_content(doc.tree()),
                "{name}: tree differs from the input"
            );
            seen += 1;
        }
    }
    assert!(seen >= 1, "no domain documents found");
}

#[test]
fn edits_keep_unknown_elements_and_metadata() {
    let xml = golden("domain-test-driver.xml").replace(
        "<on_crash>destroy</on_crash>",
        "<on_crash>destroy</on_crash>\n  <metadata><app:info xmlns:app='urn:x'>&lt;v&gt;</app:info></metadata>\n  <future-feature level='9'/>",
    );
    let mut doc = DomainDocument::parse(&xml).unwrap();
    doc.edit(|t| {
        let nic = t
            .child_mut("devices")
            .unwrap()
            .child_mut("interface")
            .unwrap();
        nic.child_mut("source")
            .unwrap()
            .set_attr("portgroup", Some("vlan20"));
    })
    .unwrap();
    assert_eq!(
        doc.domain().devices.interfaces[0]
            .source
            .as_ref()
            .unwrap()
            .portgroup
            .as_deref(),
        Some("vlan20")
    );
    let out = doc.to_xml();
    assert!(out.contains("<future-feature level=\"9\"/>"), "{out}");
    assert!(doc.metadata_xml().unwrap().contains("&lt;v&gt;"));
    assert!(
        DomainDocument::parse(&out)
            .unwrap()
            .tree()
            .child("metadata")
            .is_some()
    );
}

#[test]
fn bad_documents_are_errors() {
    for xml in [
        "",
        "<domain/>",
        "<network><name>x</name></network>",
        "<domain type='kvm'><name>x</name>",
        "not xml",
    ] {
        assert!(DomainDocument::parse(xml).is_err(), "{xml:?}");
    }
}
