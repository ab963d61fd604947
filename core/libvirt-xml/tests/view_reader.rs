//! The views' own reader (ADR 0008) against quick-xml's serde deserializer, the reference the
//! views were written for: the same value on every captured document, on tricky text, and on
//! a deterministic sweep of mutated documents.

mod common;
use common::Rng;
use serde::de::DeserializeOwned;
use std::fmt::Debug;
use virtumancer_libvirt_xml::{
    Capabilities, Domain, DomainInventoryView, InventoryDevices, Network, StoragePool,
    StorageVolume, XmlError,
};

/// Both readers on one document: when the reference reads it, ours must read the same value.
fn same<T: DeserializeOwned + PartialEq + Debug>(
    name: &str,
    xml: &str,
    ours: fn(&str) -> Result<T, XmlError>,
) -> bool {
    let reference = quick_xml::de::from_str::<T>(xml);
    match (reference, ours(xml)) {
        (Ok(r), Ok(o)) => {
            assert_eq!(o, r, "{name}: the readers disagree");
            true
        }
        (Ok(_), Err(e)) => panic!("{name}: only the reference reads it; ours: {e}\n{xml}"),
        (Err(_), _) => false,
    }
}

fn documents() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for dir in ["golden", "corpus"] {
        let path = format!("{}/tests/{dir}", env!("CARGO_MANIFEST_DIR"));
        for entry in std::fs::read_dir(path).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with(".xml") {
                out.push((name, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// What [`DomainInventoryView`] must read from a document [`Domain`] reads as `d`.
fn inventoried(d: Domain) -> DomainInventoryView {
    DomainInventoryView {
        kind: d.kind,
        id: d.id,
        name: d.name,
        uuid: d.uuid,
        title: d.title,
        description: d.description,
        max_memory: d.max_memory,
        memory: d.memory,
        current_memory: d.current_memory,
        vcpu: d.vcpu,
        os: d.os,
        cpu: d.cpu,
        on_poweroff: d.on_poweroff,
        on_reboot: d.on_reboot,
        on_crash: d.on_crash,
        devices: InventoryDevices {
            disks: d.devices.disks,
            interfaces: d.devices.interfaces,
            graphics: d.devices.graphics,
            serials: d.devices.serials,
            consoles: d.devices.consoles,
            videos: d.devices.videos,
            tpms: d.devices.tpms,
            hostdevs: d.devices.hostdevs,
        },
    }
}

/// A domain document through both readers, and the inventory's view of it: whenever the full
/// view reads it, the inventory's view reads the same fields.
fn same_domain(name: &str, xml: &str) -> bool {
    let read = same(name, xml, Domain::from_xml);
    if let Ok(full) = Domain::from_xml(xml) {
        match DomainInventoryView::from_xml(xml) {
            Ok(view) => assert_eq!(
                view,
                inventoried(full),
                "{name}: the inventory view differs"
            ),
            Err(e) => panic!("{name}: only the full view reads it; the inventory view: {e}\n{xml}"),
        }
    }
    read
}

/// Reads `xml` with the view its file name says; true when the reference could read it.
fn check(name: &str, xml: &str) -> bool {
    match name.split('-').next().unwrap_or("") {
        "domain" => same_domain(name, xml),
        "network" => same(name, xml, Network::from_xml),
        "pool" => same(name, xml, StoragePool::from_xml),
        "volume" => same(name, xml, StorageVolume::from_xml),
        "capabilities" => same(name, xml, Capabilities::from_xml),
        _ => false,
    }
}

#[test]
fn every_captured_document_reads_the_same_with_both_readers() {
    let mut read = 0;
    for (name, xml) in documents() {
        if check(&name, &xml) {
            read += 1;
        }
    }
    assert!(read >= 40, "only {read} documents were compared");
}

#[test]
fn entities_cdata_whitespace_and_unicode_read_the_same() {
    let long = "n".repeat(255);
    let cases = [
        "<domain type='kvm'><name>a&amp;b &lt;c&gt; &apos;d&apos; &quot;e&quot;</name><memory>1</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>".to_owned(),
        "<domain type='kvm'><name>Ωmega-虚拟机</name><title>  padded title \n </title><description><![CDATA[<raw> & text]]></description><memory unit='MiB'> 512 </memory><vcpu current='1'>2</vcpu><os><type arch='x86_64'>hvm</type></os></domain>".to_owned(),
        "<domain type='kvm'><name>x</name><title/><memory>1</memory><vcpu>1</vcpu><os><type>hvm</type><boot dev='hd'/><boot dev='network'/></os><devices><disk type='file' device='cdrom'><target dev='sdb' bus='sata'/><readonly/></disk></devices></domain>".to_owned(),
        format!("<?xml version='1.0'?>\n<!-- c --><domain type='qemu' id='7'><name>{long}</name><uuid>&#x36;695eb01-f6a4-8304-79aa-97f2502e193f</uuid><memory>1</memory><vcpu>1</vcpu><os><type>hvm</type></os><features><acpi/><apic/></features></domain>"),
    ];
    for (i, xml) in cases.iter().enumerate() {
        assert!(
            same(&format!("case {i}"), xml, Domain::from_xml),
            "case {i}: the reference refused it"
        );
    }
}

#[test]
fn markup_is_split_where_quick_xml_splits_it() {
    let body = "<name>n</name><memory>1</memory><vcpu>1</vcpu><os><type>hvm</type></os>";
    let read = [
        // A byte-order mark, a declaration, a DOCTYPE and comments around the root.
        format!(
            "\u{feff}<?xml version='1.0' encoding='UTF-8'?>\n<!DOCTYPE domain [<!ENTITY x 'y'>]>\n<!-- before --><domain type='kvm'>{body}</domain><!-- after -->"
        ),
        // Comments, processing instructions and CDATA inside elements and text.
        format!(
            "<domain type='kvm'><!-- c --><?pi data?>{body}<title>a<!-- x -->b<![CDATA[<c>&amp;]]>d</title></domain>"
        ),
        // Windows line ends in text and attributes, `>` and the other quote inside values.
        format!(
            "<domain type='kvm'>{body}<description>line 1\r\nline 2\rline 3</description><devices><disk type='file' device='disk'><source file=\"/a>b'c\r\nd\"/><target dev='vda' bus='virtio'/></disk></devices></domain>"
        ),
        // Whitespace before `>` of end and empty tags, references next to each other.
        format!(
            "<domain type='kvm' >{body}<title>&lt;&#x41;&#66;&gt;</title ><features ><acpi /></features></domain >"
        ),
        // Names ending in a character whose code point ends in a whitespace byte (U+0120,
        // U+010A): only ASCII whitespace is trimmed from end tags.
        format!("<domain type='kvm'>{body}<devices><diskĠ></diskĠ ><diskĊ/></devices></domain>"),
        // Mixed content: text around child elements.
        format!("<domain type='kvm'>{body}<features> a <acpi/> \n <apic/> b </features></domain>"),
        // Prefixed names match their local names (`xmlns` and `xml:` attributes keep theirs),
        // as quick-xml maps them; found by differential fuzzing.
        format!(
            "<domain type='kvm' xmlns:x='urn:x' xml:lang='en'>{body}<devices><disk x:type='file'><source :file='/a'/><target dev='vda'/></disk><x:interface type='user'/></devices></domain>"
        ),
        // What follows the root element is not read.
        format!("<domain type='kvm'>{body}</domain><trailing>&unknown;</broken>"),
        // Whitespace around `=`, tabs, line ends and references in values, `'` inside `"`.
        format!(
            "<domain type = 'kvm'>{body}<devices><disk\ttype\n=\t\"file\" device='disk'><source file='/a\tb\r\nc&amp;d&#x20;e✓\"'/><target dev='vda' bus='vir\ttio'/><serial>it&apos;s</serial></disk></devices></domain>"
        ),
    ];
    for (i, xml) in read.iter().enumerate() {
        assert!(
            same(&format!("case {i}"), xml, Domain::from_xml),
            "case {i}: the reference refused it"
        );
    }
    let refused = [
        format!("<domain type='kvm'>{body}</domian>"),
        format!("<domain type='kvm'>{body}<title>a & b</title></domain>"),
        format!("<domain type='kvm'>{body}<title>&amp</title></domain>"),
        format!("<domain type='kvm'>{body}<title>x</title>"),
        format!("<domain type='kvm'>{body}<title a='1>x</title></domain>"),
        format!("<domain type='kvm'>{body}<!-- unclosed </domain>"),
        format!("<domain type='kvm'>{body}<"),
        "&amp;<domain type='kvm'/>".to_owned(),
        // A name given twice, a value without quotes or without `=`, an unknown entity.
        format!("<domain type='kvm' type='qemu'>{body}</domain>"),
        format!("<domain type=kvm>{body}</domain>"),
        format!("<domain type>{body}</domain>"),
        format!("<domain type='&nope;'>{body}</domain>"),
    ];
    for (i, xml) in refused.iter().enumerate() {
        assert!(
            quick_xml::de::from_str::<Domain>(xml).is_err(),
            "refused case {i}: the reference reads it"
        );
        assert!(
            Domain::from_xml(xml).is_err(),
            "refused case {i}: ours reads it"
        );
    }
}

#[test]
fn mutated_documents_read_the_same_whenever_the_reference_reads_them() {
    let mut rng = Rng(0x0dd5_eed5_1234_5678);
    let edits = [
        "",
        " ",
        "x",
        "1",
        "&amp;",
        "é",
        "<a/>",
        "</a>",
        "'",
        "-1",
        "\r\n",
        ">",
        "\"",
        "&#x41;",
        "&bogus;",
        "<!-- c -->",
        "<![CDATA[<x>]]>",
        "<?pi?>",
        "/",
        "=",
    ];
    let (mut tried, mut compared) = (0, 0);
    for (name, xml) in documents() {
        let chars: Vec<char> = xml.chars().collect();
        for _ in 0..40 {
            let mut m = chars.clone();
            let at = (rng.next() as usize) % m.len();
            let cut = ((rng.next() as usize) % 4).min(m.len() - at);
            let edit = edits[(rng.next() as usize) % edits.len()];
            m.splice(at..at + cut, edit.chars());
            let mutated: String = m.into_iter().collect();
            tried += 1;
            if check(&name, &mutated) {
                compared += 1;
            }
        }
    }
    assert!(
        compared > tried / 4,
        "only {compared} of {tried} mutations were comparable"
    );
}
