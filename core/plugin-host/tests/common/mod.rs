//! Helpers shared by the plugin host's tests: the built example plugins and NIC specs.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use virtumancer_plugin_host::bindings::exports::virtumancer::plugin::network_driver::NicSpec;
use virtumancer_plugin_host::bindings::virtumancer::plugin::types::Param;

/// The directory of built plugin directories (built once per test binary).
pub fn built() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/build-plugins.sh");
        let out = std::process::Command::new("bash")
            .arg(script)
            .output()
            .expect("run build-plugins.sh");
        assert!(
            out.status.success(),
            "build-plugins.sh: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
    })
}

pub fn params(pairs: &[(&str, &str)]) -> Vec<Param> {
    pairs
        .iter()
        .map(|(k, v)| Param {
            key: (*k).into(),
            value: (*v).into(),
        })
        .collect()
}

pub fn nic(kind: &str, pairs: &[(&str, &str)]) -> NicSpec {
    NicSpec {
        kind: kind.into(),
        mac: Some("52:54:00:aa:00:01".into()),
        model: None,
        params: params(pairs),
    }
}
