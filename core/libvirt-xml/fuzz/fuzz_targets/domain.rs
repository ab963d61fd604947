//! Fuzz target: the domain parser (typed view + lossless tree) must never panic, and a tree
//! it accepts must survive its own writer.
#![no_main]

use libfuzzer_sys::fuzz_target;
use virtumancer_libvirt_xml::{DomainDocument, Element};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let _ = DomainDocument::parse(s);
    if let Ok(tree) = Element::parse(s) {
        Element::parse(&tree.to_xml()).expect("a parsed tree must survive its own writer");
    }
});
