//! Fuzz target: the domain parser (typed view + lossless tree) must never panic, a tree it
//! accepts must survive its own writer, and the views' own reader (ADR 0008) must read every
//! document quick-xml's deserializer reads, to the same value. The inventory's view never
//! panics either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use virtumancer_libvirt_xml::{Domain, DomainDocument, DomainInventoryView, Element};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let _ = DomainDocument::parse(s);
    let _ = DomainInventoryView::from_xml(s);
    if let Ok(reference) = quick_xml::de::from_str::<Domain>(s) {
        match Domain::from_xml(s) {
            Ok(ours) => assert_eq!(ours, reference, "the readers disagree"),
            Err(e) => panic!("only quick-xml reads it; ours: {e}"),
        }
    }
    if let Ok(tree) = Element::parse(s) {
        Element::parse(&tree.to_xml()).expect("a parsed tree must survive its own writer");
    }
});
