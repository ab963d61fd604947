//! The plugin host with real components: the Rust macvtap example and the hostile fixture,
//! built from source by scripts/build-plugins.sh (wasm32-wasip2), loaded through manifests.

mod common;

use common::{built, nic, params};
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use virtumancer_plugin_host::bindings::virtumancer::plugin::types::ExtensionPoint;
use virtumancer_plugin_host::{
    CallError, Capability, CompileSource, LoadError, MemoryKv, PluginEngine, UNHEALTHY_AFTER,
    WasmPlugin,
};

fn engine() -> Arc<PluginEngine> {
    Arc::new(PluginEngine::new(None).unwrap())
}

fn load(
    engine: &Arc<PluginEngine>,
    dir: &Path,
    grants: &[Capability],
) -> Result<WasmPlugin, LoadError> {
    WasmPlugin::load(
        engine,
        dir,
        grants.iter().copied().collect::<BTreeSet<_>>(),
        Arc::new(MemoryKv::default()),
        None,
    )
}

/// A copy of a built plugin directory whose manifest is edited by `edit`.
fn variant(name: &str, edit: impl Fn(String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = built().join(name);
    for f in std::fs::read_dir(&src).unwrap() {
        let f = f.unwrap();
        std::fs::copy(f.path(), dir.path().join(f.file_name())).unwrap();
    }
    let toml = dir.path().join("plugin.toml");
    std::fs::write(&toml, edit(std::fs::read_to_string(&toml).unwrap())).unwrap();
    dir
}

#[test]
fn the_macvtap_plugin_renders_validates_and_recognizes_direct_nics() {
    let e = engine();
    let p = load(&e, &built().join("macvtap"), &[]).unwrap();
    let d = p.description();
    assert_eq!(
        (d.id.as_str(), d.version.as_str()),
        ("org.virtumancer.example.macvtap", "0.1.0")
    );
    assert!(matches!(
        d.extension_points.as_slice(),
        [ExtensionPoint::NetworkDriver]
    ));
    let kinds = p.nic_kinds().unwrap();
    assert_eq!(kinds.len(), 1);
    assert_eq!(kinds[0].name, "macvtap");
    let schema: serde_json::Value = serde_json::from_str(&kinds[0].params_schema).unwrap();
    assert_eq!(schema["required"], serde_json::json!(["dev"]));

    let spec = nic("macvtap", &[("dev", "eth0"), ("mode", "vepa")]);
    p.validate_nic(&spec).unwrap();
    let xml = p.render_interface(&spec).unwrap();
    assert_eq!(
        xml,
        "<interface type='direct'><mac address='52:54:00:aa:00:01'/>\
         <source dev='eth0' mode='vepa'/><model type='virtio'/></interface>"
    );
    // What it renders it recognizes again, and libvirt's own spelling of it too.
    let back = p.recognize_interface(&xml).unwrap().expect("recognized");
    assert_eq!(
        (back.kind.as_str(), back.params),
        ("macvtap", params(&[("dev", "eth0"), ("mode", "vepa")]))
    );
    let libvirt = "<interface type=\"direct\">\n  <mac address=\"52:54:00:aa:00:02\"/>\n  \
                   <source dev=\"enp1s0\" mode=\"bridge\"/>\n  <target dev=\"macvtap0\"/>\n</interface>";
    let back = p.recognize_interface(libvirt).unwrap().expect("recognized");
    assert_eq!(
        back.params,
        params(&[("dev", "enp1s0"), ("mode", "bridge")])
    );
    for other in [
        "<interface type='network'><source network='default'/></interface>",
        "<interface type='bridge'><source bridge='br0'/></interface>",
        "not xml at all",
    ] {
        assert_eq!(p.recognize_interface(other).unwrap(), None, "{other}");
    }

    for (bad, why) in [
        (nic("macvtap", &[]), "dev: the host device is required"),
        (
            nic("macvtap", &[("dev", "eth0'/><evil")]),
            "not a host interface name",
        ),
        (
            nic("macvtap", &[("dev", "eth0"), ("mode", "bogus")]),
            "mode: 'bogus'",
        ),
        (
            nic("macvtap", &[("dev", "eth0"), ("vlan", "5")]),
            "unknown setting 'vlan'",
        ),
    ] {
        match p.validate_nic(&bad) {
            Err(CallError::Refused(r)) => {
                assert_eq!(r.kind, "invalid-spec");
                assert!(r.message.contains(why), "{why:?} not in {r}");
            }
            other => panic!("{bad:?}: {other:?}"),
        }
        assert!(p.render_interface(&bad).is_err());
    }
    match p.render_interface(&nic("veth", &[("dev", "eth0")])) {
        Err(CallError::Refused(r)) => assert_eq!(r.kind, "unsupported"),
        other => panic!("{other:?}"),
    }
    // Host hooks it does not implement answer with the SDK's defaults.
    assert_eq!(p.validate_vm("{}").unwrap(), Vec::new());
    let stats = p.stats();
    assert_eq!((stats.faults, stats.recent_faults), (0, 0));
    assert!(stats.calls >= 15, "{stats:?}");
}

#[test]
fn compiled_components_are_cached_and_the_cache_is_used_by_the_next_engine() {
    let cache = tempfile::tempdir().unwrap();
    let first = Arc::new(PluginEngine::new(Some(cache.path().join("cwasm"))).unwrap());
    let p = load(&first, &built().join("macvtap"), &[]).unwrap();
    assert_eq!(p.compiled(), CompileSource::Compiled);
    let files: Vec<_> = std::fs::read_dir(cache.path().join("cwasm"))
        .unwrap()
        .collect();
    assert_eq!(files.len(), 1, "one compiled component");
    let second = Arc::new(PluginEngine::new(Some(cache.path().join("cwasm"))).unwrap());
    let p = load(&second, &built().join("macvtap"), &[]).unwrap();
    assert_eq!(p.compiled(), CompileSource::Cache);
    assert!(
        p.render_interface(&nic("macvtap", &[("dev", "eth1")]))
            .is_ok()
    );
    // A damaged cache file is ignored and replaced.
    let file = std::fs::read_dir(cache.path().join("cwasm"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    std::fs::write(&file, b"garbage").unwrap();
    let third = Arc::new(PluginEngine::new(Some(cache.path().join("cwasm"))).unwrap());
    let p = load(&third, &built().join("macvtap"), &[]).unwrap();
    assert_eq!(p.compiled(), CompileSource::Compiled);
}

#[test]
fn hostile_calls_are_stopped_within_their_limits_and_only_fail_themselves() {
    let e = engine();
    let hostile = load(&e, &built().join("hostile"), &[]).unwrap();
    let good = load(&e, &built().join("macvtap"), &[]).unwrap();
    let act = |what: &str| hostile.render_interface(&nic("hostile", &[("do", what)]));

    // An endless loop, stopped by the 500 ms deadline while another plugin keeps answering.
    let looping = std::thread::scope(|s| {
        let h = s.spawn(|| act("loop"));
        let mut answered = 0;
        while !h.is_finished() {
            good.render_interface(&nic("macvtap", &[("dev", "eth0")]))
                .unwrap();
            answered += 1;
        }
        (h.join().unwrap(), answered)
    });
    assert!(
        matches!(looping.0, Err(CallError::Timeout { ms: 500, .. })),
        "{:?}",
        looping.0
    );
    assert!(looping.1 > 0, "the other plugin answered meanwhile");
    assert!(
        matches!(act("alloc"), Err(CallError::OutOfMemory { mib: 32, .. })),
        "{:?}",
        act("alloc")
    );
    assert_eq!(hostile.stats().recent_faults, 2);
    // Good calls in between do not hide a plugin that keeps faulting.
    assert_eq!(act("nothing").unwrap(), "<interface type='user'/>");
    assert_eq!(hostile.stats().recent_faults, 2);
    match act("trap") {
        Err(CallError::Trap { message, .. }) => {
            assert!(message.contains("unreachable"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        act("nothing"),
        Err(CallError::NotCallable {
            state: "unhealthy",
            ..
        })
    ));
    hostile.set_enabled(true);
    // Asking for a capability it was not granted: the host says so, the plugin reports it;
    // an answer, not a fault.
    match act("kv") {
        Err(CallError::Refused(r)) => {
            assert_eq!(r.kind, "failed");
            assert!(r.message.contains("capability 'kv' is not granted"), "{r}");
        }
        other => panic!("{other:?}"),
    }
    let stats = hostile.stats();
    assert_eq!((stats.faults, stats.recent_faults), (3, 0), "{stats:?}");
    assert!(
        stats.last_fault.as_deref().unwrap().contains("crashed"),
        "{stats:?}"
    );
}

#[test]
fn repeated_faults_make_a_plugin_unhealthy_until_it_is_enabled_again() {
    let e = engine();
    let p = load(&e, &built().join("hostile"), &[]).unwrap();
    for _ in 0..UNHEALTHY_AFTER {
        assert!(matches!(
            p.render_interface(&nic("hostile", &[("do", "trap")])),
            Err(CallError::Trap { .. })
        ));
    }
    let calls = p.stats().calls;
    assert!(matches!(
        p.render_interface(&nic("hostile", &[])),
        Err(CallError::NotCallable {
            state: "unhealthy",
            ..
        })
    ));
    assert_eq!(p.stats().calls, calls, "an unhealthy plugin is not called");
    p.set_enabled(true);
    assert!(p.render_interface(&nic("hostile", &[])).is_ok());
    p.set_enabled(false);
    assert!(matches!(
        p.render_interface(&nic("hostile", &[])),
        Err(CallError::NotCallable {
            state: "disabled",
            ..
        })
    ));
}

#[test]
fn granted_capabilities_work_and_revoking_takes_effect_on_the_next_call() {
    let e = engine();
    let p = load(&e, &built().join("hostile"), &[Capability::Kv]).unwrap();
    let kv = nic("hostile", &[("do", "kv")]);
    let out = p.render_interface(&kv).unwrap();
    assert!(out.contains("visits Some(\"1\")"), "{out}");
    p.set_grant(Capability::Kv, false).unwrap();
    assert!(matches!(
        p.render_interface(&kv),
        Err(CallError::Refused(_))
    ));
    // Only what the manifest asks for can be granted (macvtap asks for nothing).
    let macvtap = load(&e, &built().join("macvtap"), &[Capability::Kv]).unwrap();
    assert!(macvtap.set_grant(Capability::Kv, true).is_err());
    assert!(
        macvtap.grants().is_empty(),
        "a grant the manifest does not ask for is dropped"
    );
}

#[test]
fn fuel_stops_a_loop_before_a_long_deadline() {
    let dir = variant("hostile", |t| {
        t.replace("call-timeout-ms = 500", "call-timeout-ms = 60000")
            .replace("fuel-millions = 100000", "fuel-millions = 50")
    });
    let p = load(&engine(), dir.path(), &[]).unwrap();
    assert!(matches!(
        p.render_interface(&nic("hostile", &[("do", "loop")])),
        Err(CallError::OutOfFuel { millions: 50, .. })
    ));
}

#[test]
fn a_component_that_disagrees_with_its_manifest_or_is_not_a_component_is_refused() {
    let e = engine();
    let renamed = variant("macvtap", |t| {
        t.replace("org.virtumancer.example.macvtap", "org.example.other")
    });
    assert!(matches!(
        load(&e, renamed.path(), &[]),
        Err(LoadError::Mismatch(_))
    ));
    let garbage = variant("macvtap", |t| t);
    std::fs::write(garbage.path().join("macvtap.wasm"), b"\0asm junk").unwrap();
    assert!(matches!(
        load(&e, garbage.path(), &[]),
        Err(LoadError::Compile(_))
    ));
    let unknown = variant("macvtap", |t| t + "\nsandbox = false\n");
    match load(&e, unknown.path(), &[]) {
        Err(LoadError::Manifest(m)) => assert!(m.0.contains("unknown field"), "{m}"),
        other => panic!("{other:?}"),
    }
    let missing = variant("macvtap", |t| t.replace("macvtap.wasm", "nothere.wasm"));
    assert!(matches!(
        load(&e, missing.path(), &[]),
        Err(LoadError::Io { .. })
    ));
}

#[test]
fn the_policy_plugin_objects_to_nics_on_protected_networks_as_configured() {
    let e = engine();
    let p = load(&e, &built().join("policy"), &[]).unwrap();
    let change = |net: &str, pg: Option<&str>| {
        serde_json::json!({"kind": "nic.attach", "vm": {"name": "web1"},
            "nic": {"network": net, "portgroup": pg}, "network": null})
        .to_string()
    };
    let v = p.validate_vm(&change("prod-a", None)).unwrap();
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].field, "nic.portgroup");
    assert!(v[0].message.contains("'prod-a'"), "{}", v[0].message);
    assert!(
        p.validate_vm(&change("prod-a", Some("vlan10")))
            .unwrap()
            .is_empty()
    );
    assert!(p.validate_vm(&change("lab", None)).unwrap().is_empty());
    // Configured once, every later call's fresh instance follows the new prefix.
    p.configure(r#"{"networkPrefix": "lab"}"#).unwrap();
    assert_eq!(p.validate_vm(&change("lab", None)).unwrap().len(), 1);
    assert!(p.validate_vm(&change("prod-a", None)).unwrap().is_empty());
    // A refused configuration keeps the one before.
    assert!(matches!(
        p.configure(r#"{"networkPrefix": ""}"#),
        Err(CallError::Refused(_))
    ));
    assert_eq!(p.validate_vm(&change("lab", None)).unwrap().len(), 1);
    let schema: serde_json::Value =
        serde_json::from_str(p.description().config_schema.as_deref().unwrap()).unwrap();
    assert_eq!(schema["properties"]["networkPrefix"]["default"], "prod");
}

#[test]
fn the_c_plugin_checks_nic_models_as_configured() {
    let e = engine();
    let p = load(&e, &built().join("nic-models"), &[]).unwrap();
    assert_eq!(p.description().name, "Allowed NIC models (C)");
    assert!(matches!(
        p.description().extension_points.as_slice(),
        [ExtensionPoint::HostHooks]
    ));
    let change = |model: Option<&str>| {
        serde_json::json!({"kind": "nic.attach", "vm": {"name": "db1"},
            "nic": {"network": "default", "model": model}})
        .to_string()
    };
    let v = p.validate_vm(&change(Some("e1000"))).unwrap();
    assert_eq!(v.len(), 1);
    assert_eq!(
        (v[0].field.as_str(), v[0].message.as_str()),
        (
            "nic.model",
            "NIC model 'e1000' is not allowed here; use one of: virtio"
        )
    );
    assert!(p.validate_vm(&change(Some("virtio"))).unwrap().is_empty());
    assert!(
        p.validate_vm(&change(None)).unwrap().is_empty(),
        "no model is virtio"
    );
    p.configure(r#"{"allowedModels":"virtio,e1000"}"#).unwrap();
    assert!(p.validate_vm(&change(Some("e1000"))).unwrap().is_empty());
    assert_eq!(p.validate_vm(&change(Some("rtl8139"))).unwrap().len(), 1);
    match p.configure(r#"{"other":1}"#) {
        Err(CallError::Refused(r)) => assert_eq!(r.kind, "invalid-spec"),
        other => panic!("{other:?}"),
    }
    // It adds no NIC kinds, and says so.
    assert!(p.nic_kinds().unwrap().is_empty());
    match p.render_interface(&nic("x", &[])) {
        Err(CallError::Refused(r)) => assert_eq!(r.kind, "unsupported"),
        other => panic!("{other:?}"),
    }
    assert_eq!(p.stats().faults, 0);
}

#[test]
fn the_sandbox_gives_no_files_no_network_no_environment_and_stopped_clocks_unless_granted() {
    let e = engine();
    let p = load(&e, &built().join("hostile"), &[]).unwrap();
    let act = |what: &str| p.render_interface(&nic("hostile", &[("do", what)]));
    assert_eq!(
        act("clock").unwrap(),
        "0",
        "the clock is stopped at the epoch"
    );
    assert_eq!(act("env").unwrap(), "0", "no environment variables");
    match act("file") {
        Err(CallError::Refused(r)) => {
            assert!(r.message.contains("cannot read /etc/hostname"), "{r}")
        }
        other => panic!("{other:?}"),
    }
    p.set_grant(Capability::Clock, true).unwrap();
    let now: u64 = act("clock").unwrap().parse().unwrap();
    assert!(now > 1_700_000_000, "the real clock once granted: {now}");
    assert_eq!(p.stats().faults, 0);
}

/// An inventory that answers one host's networks.
struct OneHost;

impl virtumancer_plugin_host::InventoryBackend for OneHost {
    fn list_networks(&self, host_id: &str) -> Result<String, String> {
        match host_id {
            "h1" => Ok(r#"{"items":[{"name":"default"}]}"#.into()),
            other => Err(format!("no host {other}")),
        }
    }
    fn get_vm(&self, vm_id: &str) -> Result<String, String> {
        Err(format!("no VM {vm_id}"))
    }
}

#[test]
fn inventory_questions_are_answered_only_when_granted() {
    let e = engine();
    let p = WasmPlugin::load(
        &e,
        &built().join("hostile"),
        BTreeSet::new(),
        Arc::new(MemoryKv::default()),
        Some(Arc::new(OneHost)),
    )
    .unwrap();
    let ask =
        |host: &str| p.render_interface(&nic("hostile", &[("do", "inventory"), ("host", host)]));
    match ask("h1") {
        Err(CallError::Refused(r)) => {
            assert!(r.message.contains("'inventory-read' is not granted"), "{r}")
        }
        other => panic!("{other:?}"),
    }
    p.set_grant(Capability::InventoryRead, true).unwrap();
    assert_eq!(ask("h1").unwrap(), r#"{"items":[{"name":"default"}]}"#);
    match ask("h2") {
        Err(CallError::Refused(r)) => assert_eq!(r.message, "no host h2"),
        other => panic!("{other:?}"),
    }
}
