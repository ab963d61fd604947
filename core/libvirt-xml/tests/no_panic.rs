//! The parsers never panic, whatever bytes they get: a deterministic mutation sweep over the
//! corpus that runs in every `make test` (the cargo-fuzz target in fuzz/ explores further).

mod common;
use common::Rng;
use virtumancer_libvirt_xml::{
    Capabilities, DomainDocument, Element, Network, StoragePool, StorageVolume,
};

fn parse_all(s: &str) {
    let _ = DomainDocument::parse(s);
    let _ = Network::from_xml(s);
    let _ = StoragePool::from_xml(s);
    let _ = StorageVolume::from_xml(s);
    let _ = Capabilities::from_xml(s);
    if let Ok(t) = Element::parse(s) {
        // Whatever parsed must write and parse again.
        Element::parse(&t.to_xml()).expect("a parsed tree must survive its own writer");
    }
}

#[test]
fn mutated_corpus_documents_never_panic() {
    let dir = format!("{}/tests/corpus", env!("CARGO_MANIFEST_DIR"));
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let specials = [
        "<",
        ">",
        "&",
        "'",
        "\"",
        "</",
        "/>",
        "&#0;",
        "&#xFFFFFF;",
        "]]>",
        "<!--",
        "\u{0}",
        "é",
        "=",
        " ",
    ];
    let mut cases = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "xml") {
            continue;
        }
        let xml = std::fs::read_to_string(&path).unwrap();
        let chars: Vec<char> = xml.chars().collect();
        for _ in 0..60 {
            let mut m = chars.clone();
            for _ in 0..(1 + rng.next() % 4) {
                let at = (rng.next() as usize) % m.len().max(1);
                match rng.next() % 4 {
                    0 => m.truncate(at),
                    1 if at < m.len() => {
                        m.remove(at);
                    }
                    _ => {
                        let s = specials[(rng.next() as usize) % specials.len()];
                        for (i, c) in s.chars().enumerate() {
                            m.insert((at + i).min(m.len()), c);
                        }
                    }
                }
            }
            parse_all(&m.into_iter().collect::<String>());
            cases += 1;
        }
    }
    assert!(cases > 1000, "only {cases} mutations ran");
}
