//! `plugin.toml`: what an administrator installs next to a component, read before any of the
//! component's code runs. Unknown fields are refused, so a typo never silently weakens a limit.

use serde::Deserialize;

/// The contract version this host implements; a manifest must name a compatible one.
pub const API_VERSION: &str = "0.1.0";

/// A capability a plugin may ask for and an administrator may grant.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, serde::Serialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Capability {
    /// Its own key-value store.
    Kv,
    /// Read-only inventory queries.
    InventoryRead,
    /// The real clocks.
    Clock,
}

impl Capability {
    /// The name used in manifests and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Kv => "kv",
            Self::InventoryRead => "inventory-read",
            Self::Clock => "clock",
        }
    }
}

/// Per-call limits.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Limits {
    /// Linear memory cap, MiB (1–1024, default 64).
    #[serde(default = "default_memory")]
    pub memory_mib: u32,
    /// Wall-clock deadline of one call, ms (10–60000, default 1000).
    #[serde(default = "default_timeout")]
    pub call_timeout_ms: u32,
    /// Fuel (≈ WebAssembly instructions) of one call, millions (1–100000, default 2000).
    #[serde(default = "default_fuel")]
    pub fuel_millions: u32,
}

fn default_memory() -> u32 {
    64
}
fn default_timeout() -> u32 {
    1000
}
fn default_fuel() -> u32 {
    2000
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            memory_mib: default_memory(),
            call_timeout_ms: default_timeout(),
            fuel_millions: default_fuel(),
        }
    }
}

/// A plugin's manifest.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Manifest {
    /// Reverse-DNS style id: lower-case letters, digits, `.`, `-`, `_`; 3–100 characters.
    pub id: String,
    /// The plugin's version (semver `x.y.z`).
    pub version: String,
    /// The contract version it was built for (`0.1.x`).
    pub api_version: String,
    /// Human-readable name.
    pub name: String,
    /// The component's file name, next to the manifest.
    pub component: String,
    /// Capabilities it asks for.
    #[serde(default)]
    pub capabilities: Vec<Capability>,
    /// Per-call limits.
    #[serde(default)]
    pub limits: Limits,
}

/// The manifest is not one this host accepts.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("plugin.toml: {0}")]
pub struct ManifestError(pub String);

impl Manifest {
    /// Reads and checks a manifest.
    pub fn parse(text: &str) -> Result<Self, ManifestError> {
        let m: Self = toml::from_str(text).map_err(|e| ManifestError(e.message().to_owned()))?;
        m.validate()?;
        Ok(m)
    }

    fn validate(&self) -> Result<(), ManifestError> {
        let err = |m: String| Err(ManifestError(m));
        let id_ok = (3..=100).contains(&self.id.len())
            && self.id.chars().all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_')
            });
        if !id_ok {
            return err(format!(
                "id '{}' must be 3–100 lower-case letters, digits, '.', '-' or '_'",
                self.id
            ));
        }
        if !is_semver(&self.version) {
            return err(format!("version '{}' is not x.y.z", self.version));
        }
        if !compatible(&self.api_version) {
            return err(format!(
                "api-version '{}' is not compatible with this server's {API_VERSION}",
                self.api_version
            ));
        }
        if self.name.trim().is_empty() || self.name.chars().count() > 100 {
            return err("name must be 1–100 characters".into());
        }
        let file_ok = self.component.ends_with(".wasm")
            && !self.component.contains(['/', '\\'])
            && !self.component.starts_with('.');
        if !file_ok {
            return err(format!(
                "component '{}' must be a .wasm file name next to the manifest",
                self.component
            ));
        }
        let l = &self.limits;
        if !(1..=1024).contains(&l.memory_mib) {
            return err(format!("limits.memory-mib {} must be 1–1024", l.memory_mib));
        }
        if !(10..=60_000).contains(&l.call_timeout_ms) {
            return err(format!(
                "limits.call-timeout-ms {} must be 10–60000",
                l.call_timeout_ms
            ));
        }
        if !(1..=100_000).contains(&l.fuel_millions) {
            return err(format!(
                "limits.fuel-millions {} must be 1–100000",
                l.fuel_millions
            ));
        }
        Ok(())
    }
}

fn is_semver(v: &str) -> bool {
    let parts: Vec<&str> = v.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

/// Same major and minor as [`API_VERSION`] (0.x contracts change in minor versions).
fn compatible(v: &str) -> bool {
    is_semver(v) && {
        let mine: Vec<&str> = API_VERSION.split('.').collect();
        let theirs: Vec<&str> = v.split('.').collect();
        mine[..2] == theirs[..2]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
id = "org.example.macvtap"
version = "1.2.3"
api-version = "0.1.0"
name = "macvtap"
component = "macvtap.wasm"
capabilities = ["kv"]
[limits]
memory-mib = 32
"#;

    #[test]
    fn a_good_manifest_reads_with_defaults_for_missing_limits() {
        let m = Manifest::parse(GOOD).unwrap();
        assert_eq!(m.capabilities, [Capability::Kv]);
        assert_eq!(
            m.limits,
            Limits {
                memory_mib: 32,
                call_timeout_ms: 1000,
                fuel_millions: 2000
            }
        );
    }

    #[test]
    fn bad_manifests_are_refused_with_the_reason() {
        for (edit, why) in [
            (("memory-mib = 32", "memory-mb = 32"), "unknown field"),
            (
                ("capabilities = [\"kv\"]", "capabilities = [\"net\"]"),
                "unknown variant",
            ),
            (
                ("api-version = \"0.1.0\"", "api-version = \"0.2.0\""),
                "not compatible",
            ),
            (
                ("api-version = \"0.1.0\"", "api-version = \"1.1.0\""),
                "not compatible",
            ),
            (
                ("id = \"org.example.macvtap\"", "id = \"Org/Evil\""),
                "id 'Org/Evil'",
            ),
            (("version = \"1.2.3\"", "version = \"1.2\""), "not x.y.z"),
            (
                ("component = \"macvtap.wasm\"", "component = \"../x.wasm\""),
                "file name",
            ),
            (("memory-mib = 32", "memory-mib = 4096"), "memory-mib 4096"),
            (
                ("memory-mib = 32", "call-timeout-ms = 1"),
                "call-timeout-ms 1",
            ),
            (("name = \"macvtap\"\n", ""), "missing field `name`"),
        ] {
            let text = GOOD.replace(edit.0, edit.1);
            let e = Manifest::parse(&text).expect_err(&text);
            assert!(e.0.contains(why), "{why:?} not in {e}");
        }
    }
}
