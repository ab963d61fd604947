//! `make bench` (third part): the cost of WASM plugins.
//!
//! 1. One call through a built-in (native Rust) against the same logic as a WASM plugin, each
//!    call in a fresh instance as the server makes it: the macvtap NIC renderer (Rust plugin)
//!    and the allowed-NIC-models check (C plugin). Median of many calls, and their ratio.
//! 2. Instantiation plus the smallest call (`describe`), for each plugin.
//! 3. Compiling each component cold against loading it from the compile cache.

use std::collections::BTreeSet;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use virtumancer_plugin_host::bindings::exports::virtumancer::plugin::network_driver::NicSpec;
use virtumancer_plugin_host::bindings::virtumancer::plugin::types::Param;
use virtumancer_plugin_host::{MemoryKv, PluginEngine, WasmPlugin};

fn built() -> PathBuf {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/build-plugins.sh");
    let out = std::process::Command::new("bash")
        .arg(script)
        .output()
        .expect("run build-plugins.sh");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}

/// Median time of `f` over `n` runs (after a few warm-up runs).
fn median(n: usize, mut f: impl FnMut()) -> Duration {
    for _ in 0..5 {
        f();
    }
    let mut times: Vec<Duration> = (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[n / 2]
}

/// The macvtap example's logic as a built-in would run it: check dev and mode, write the XML.
fn native_macvtap(dev: &str, mode: &str, mac: &str) -> Result<String, String> {
    let ok_dev = !dev.is_empty()
        && dev.len() <= 15
        && dev
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-'));
    if !ok_dev {
        return Err(format!("dev: '{dev}' is not a host interface name"));
    }
    if !["bridge", "vepa", "private", "passthrough"].contains(&mode) {
        return Err(format!("mode: '{mode}'"));
    }
    Ok(format!(
        "<interface type='direct'><mac address='{mac}'/><source dev='{dev}' mode='{mode}'/>\
         <model type='virtio'/></interface>"
    ))
}

/// The C example's check as a built-in would run it.
fn native_models(change: &str, allowed: &[&str]) -> Vec<String> {
    let Some(nic) = change.find("\"nic\":{").map(|i| &change[i..]) else {
        return Vec::new();
    };
    let Some(model) = nic.find("\"model\":\"").map(|i| &nic[i + 9..]) else {
        return Vec::new();
    };
    let model = &model[..model.find('"').unwrap_or(0)];
    if allowed.contains(&model) {
        Vec::new()
    } else {
        vec![format!("NIC model '{model}' is not allowed here")]
    }
}

fn load(engine: &Arc<PluginEngine>, dir: &Path) -> WasmPlugin {
    WasmPlugin::load(
        engine,
        dir,
        BTreeSet::new(),
        Arc::new(MemoryKv::default()),
        None,
    )
    .unwrap()
}

fn us(d: Duration) -> String {
    format!("{:9.2} µs", d.as_secs_f64() * 1e6)
}

fn main() {
    let dir = built();
    let engine = Arc::new(PluginEngine::new(None).unwrap());
    let macvtap = load(&engine, &dir.join("macvtap"));
    let models = load(&engine, &dir.join("nic-models"));
    let spec = NicSpec {
        kind: "macvtap".into(),
        mac: Some("52:54:00:aa:00:01".into()),
        model: None,
        params: vec![
            Param {
                key: "dev".into(),
                value: "eth0".into(),
            },
            Param {
                key: "mode".into(),
                value: "vepa".into(),
            },
        ],
    };
    let change =
        r#"{"kind":"nic.attach","vm":{"name":"db1"},"nic":{"network":"default","model":"e1000"}}"#;
    assert_eq!(
        native_macvtap("eth0", "vepa", "52:54:00:aa:00:01").unwrap(),
        macvtap.render_interface(&spec).unwrap(),
        "the built-in and the plugin do the same"
    );
    assert_eq!(
        native_models(change, &["virtio"]).len(),
        models.validate_vm(change).unwrap().len()
    );

    let n = 2000;
    let native_r = median(n, || {
        black_box(native_macvtap(black_box("eth0"), "vepa", "52:54:00:aa:00:01").unwrap());
    });
    let wasm_r = median(n, || {
        black_box(macvtap.render_interface(black_box(&spec)).unwrap());
    });
    let native_c = median(n, || {
        black_box(native_models(black_box(change), &["virtio"]));
    });
    let wasm_c = median(n, || {
        black_box(models.validate_vm(black_box(change)).unwrap());
    });
    println!(
        "one call (median of {n}; the plugin gets a fresh instance per call, as in the server)"
    );
    println!("  logic                         built-in           WASM      ratio");
    println!(
        "  macvtap render (Rust plugin)  {}  {}  {:8.0}x",
        us(native_r),
        us(wasm_r),
        wasm_r.as_secs_f64() / native_r.as_secs_f64()
    );
    println!(
        "  NIC model check (C plugin)    {}  {}  {:8.0}x",
        us(native_c),
        us(wasm_c),
        wasm_c.as_secs_f64() / native_c.as_secs_f64()
    );
    let describe_r = median(n, || {
        black_box(macvtap.nic_kinds().unwrap());
    });
    let describe_c = median(n, || {
        black_box(models.nic_kinds().unwrap());
    });
    println!("instantiate + smallest call (nic-kinds)");
    println!("  Rust {}   C {}", us(describe_r), us(describe_c));

    println!("compile: cold, and from the compile cache");
    for name in ["macvtap", "nic-models"] {
        let bytes = std::fs::read(dir.join(name).join(format!("{name}.wasm"))).unwrap();
        let cache = tempfile::tempdir().unwrap();
        let cached = PluginEngine::new(Some(cache.path().to_owned())).unwrap();
        let t = Instant::now();
        cached.compile(&bytes).unwrap();
        let cold = t.elapsed();
        let warm = median(20, || {
            black_box(cached.compile(&bytes).unwrap());
        });
        println!(
            "  {name:11} {:7} KB   cold {:8.1} ms   cached {:7.2} ms   {:6.0}x",
            bytes.len() / 1024,
            cold.as_secs_f64() * 1e3,
            warm.as_secs_f64() * 1e3,
            cold.as_secs_f64() / warm.as_secs_f64()
        );
    }
}
