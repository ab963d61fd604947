//! The catalog of installed plugins: uploads, directories dropped in, state kept across
//! restarts (a new catalog over the same directory), reloads, grants and removal.

mod common;

use common::{built, nic};
use std::collections::BTreeSet;
use std::sync::Arc;
use virtumancer_plugin_host::{
    CallError, Capability, CatalogError, Installed, MemoryKv, PluginCatalog, PluginEngine,
};

fn catalog(dir: &std::path::Path) -> PluginCatalog {
    let engine = Arc::new(PluginEngine::new(Some(dir.join("cache"))).unwrap());
    PluginCatalog::new(
        dir.join("plugins"),
        engine,
        Arc::new(MemoryKv::default()),
        None,
    )
    .unwrap()
}

fn files(name: &str) -> (String, Vec<u8>) {
    let d = built().join(name);
    (
        std::fs::read_to_string(d.join("plugin.toml")).unwrap(),
        std::fs::read(d.join(format!("{name}.wasm"))).unwrap(),
    )
}

#[test]
fn an_uploaded_plugin_is_installed_kept_and_found_again_by_the_next_server() {
    let dir = tempfile::tempdir().unwrap();
    let c = catalog(dir.path());
    let (manifest, wasm) = files("hostile");
    let p = c.install(&manifest, &wasm).unwrap();
    assert_eq!(p.manifest().id, "org.virtumancer.test.hostile");
    assert!(matches!(
        c.install(&manifest, &wasm),
        Err(CatalogError::AlreadyInstalled(_))
    ));
    let id = "org.virtumancer.test.hostile";
    c.set_grants(id, &BTreeSet::from([Capability::Kv])).unwrap();
    // Only what a manifest asks for can be granted (macvtap asks for nothing).
    let (manifest, wasm) = files("macvtap");
    c.install(&manifest, &wasm).unwrap();
    assert!(matches!(
        c.set_grants(
            "org.virtumancer.example.macvtap",
            &BTreeSet::from([Capability::Kv])
        ),
        Err(CatalogError::Refused(_))
    ));
    c.remove("org.virtumancer.example.macvtap").unwrap();
    c.set_enabled(id, false).unwrap();
    assert!(c.callable().is_empty());

    // A new server over the same directory: the plugin, its grant and its state come back.
    let again = catalog(dir.path());
    assert_eq!(again.load_all(), (1, 0));
    let p = again.get(id).unwrap();
    assert_eq!(p.grants(), BTreeSet::from([Capability::Kv]));
    assert!(matches!(
        p.callable(),
        Err(CallError::NotCallable {
            state: "disabled",
            ..
        })
    ));
    again.set_enabled(id, true).unwrap();
    let out = p
        .render_interface(&nic("hostile", &[("do", "kv")]))
        .unwrap();
    assert!(out.contains("visits"), "{out}");

    again.remove(id).unwrap();
    assert!(matches!(again.get(id), Err(CatalogError::NotFound(_))));
    assert!(!dir.path().join("plugins").join(id).exists());
    assert!(matches!(again.remove(id), Err(CatalogError::NotFound(_))));
}

#[test]
fn a_bad_upload_installs_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let c = catalog(dir.path());
    let (manifest, wasm) = files("macvtap");
    for (m, w) in [
        (
            manifest.replace("api-version = \"0.1.0\"", "api-version = \"9.0.0\""),
            wasm.clone(),
        ),
        (manifest.clone(), b"not wasm".to_vec()),
        (
            manifest.replace("org.virtumancer.example.macvtap", "org.example.liar"),
            wasm.clone(),
        ),
    ] {
        assert!(c.install(&m, &w).is_err());
    }
    assert!(c.list().is_empty());
    let left: Vec<_> = std::fs::read_dir(dir.path().join("plugins"))
        .unwrap()
        .collect();
    assert!(left.is_empty(), "no staging leftovers: {left:?}");
}

#[test]
fn directories_dropped_in_load_and_a_broken_one_is_listed_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let plugins = dir.path().join("plugins");
    let c = catalog(dir.path());
    let copy = |name: &str, as_dir: &str| {
        let to = plugins.join(as_dir);
        std::fs::create_dir_all(&to).unwrap();
        for f in std::fs::read_dir(built().join(name)).unwrap() {
            let f = f.unwrap();
            std::fs::copy(f.path(), to.join(f.file_name())).unwrap();
        }
        to
    };
    let macvtap = copy("macvtap", "org.virtumancer.example.macvtap");
    copy("hostile", "wrong-name");
    assert_eq!(c.load_all(), (1, 1));
    let broken: Vec<String> = c
        .list()
        .into_iter()
        .filter_map(|i| match i {
            Installed::Broken { id, reason } => Some(format!("{id}: {reason}")),
            Installed::Loaded(_) => None,
        })
        .collect();
    assert_eq!(broken.len(), 1);
    assert!(broken[0].contains("must be named after it"), "{broken:?}");

    // A new version of the manifest takes effect on reload, without a restart.
    let toml = macvtap.join("plugin.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, text.replace("memory-mib = 64", "memory-mib = 16")).unwrap();
    let id = "org.virtumancer.example.macvtap";
    assert_eq!(c.get(id).unwrap().manifest().limits.memory_mib, 64);
    assert!(matches!(c.reload(id).unwrap(), Installed::Loaded(_)));
    assert_eq!(c.get(id).unwrap().manifest().limits.memory_mib, 16);
    assert!(matches!(c.reload("../etc"), Err(CatalogError::NotFound(_))));
}

#[test]
fn a_new_version_dropped_over_the_old_one_takes_effect_on_reload() {
    let dir = tempfile::tempdir().unwrap();
    let c = catalog(dir.path());
    let (manifest, wasm) = files("nic-models");
    let id = "org.virtumancer.example.nic-models";
    c.install(&manifest, &wasm).unwrap();
    let e1000 = r#"{"kind":"nic.attach","vm":{},"nic":{"network":"n","model":"e1000"}}"#;
    assert_eq!(c.get(id).unwrap().validate_vm(e1000).unwrap().len(), 1);

    let v2 = built().join("nic-models-0.2.0");
    let installed = dir.path().join("plugins").join(id);
    for f in ["plugin.toml", "nic-models.wasm"] {
        std::fs::copy(v2.join(f), installed.join(f)).unwrap();
    }
    // Until reloaded, the loaded version keeps answering.
    assert_eq!(c.get(id).unwrap().manifest().version, "0.1.0");
    assert!(matches!(c.reload(id).unwrap(), Installed::Loaded(_)));
    let p = c.get(id).unwrap();
    assert_eq!(
        (
            p.manifest().version.as_str(),
            p.description().version.as_str()
        ),
        ("0.2.0", "0.2.0")
    );
    assert!(
        p.validate_vm(e1000).unwrap().is_empty(),
        "0.2.0 allows e1000"
    );
}
