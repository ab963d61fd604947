//! The immutable registry of driver plugins linked into the binary.

use crate::{DriverError, HostConnector};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;
use utoipa::ToSchema;
use virtumancer_model::HostUri;

/// A driver trait a plugin provides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum ProvidedTrait {
    /// [`HostConnector`] / [`crate::HostConnection`].
    HostConnection,
}

/// How a plugin builds its host connector from its JSON configuration.
pub type HostConnectorCtor = fn(&serde_json::Value) -> Result<Arc<dyn HostConnector>, DriverError>;

/// What a plugin crate submits with `inventory::submit!`.
#[derive(Debug)]
pub struct DriverRegistration {
    /// Unique kind, e.g. `libvirt`.
    pub kind: &'static str,
    /// Human name.
    pub name: &'static str,
    /// The plugin's semver.
    pub version: &'static str,
    /// One sentence on what it does.
    pub description: &'static str,
    /// URI schemes its host connector accepts (informational).
    pub uri_schemes: &'static [&'static str],
    /// Constructor of its host connector, if it provides one.
    pub host_connector: Option<HostConnectorCtor>,
}

inventory::collect!(DriverRegistration);

/// A registered plugin, as `GET /api/v1/plugins` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PluginInfo {
    /// Unique kind.
    pub kind: String,
    /// Human name.
    pub name: String,
    /// Semver of the plugin.
    pub version: String,
    /// What it does.
    pub description: String,
    /// Driver traits it provides.
    pub provides: Vec<ProvidedTrait>,
    /// URI schemes it connects to.
    pub uri_schemes: Vec<String>,
    /// Linked into the binary (as opposed to a WASM plugin).
    pub builtin: bool,
}

/// Why the registry could not be built.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// Two plugins registered the same kind.
    #[error("plugin kind '{0}' is registered twice")]
    DuplicateKind(String),
    /// A plugin's constructor failed.
    #[error("plugin '{kind}' failed to start")]
    Construct {
        /// The plugin.
        kind: String,
        /// Its error.
        #[source]
        source: DriverError,
    },
}

/// All drivers available to the engine, built once at start-up.
pub struct Registry {
    plugins: Vec<PluginInfo>,
    connectors: Vec<(String, Arc<dyn HostConnector>)>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("plugins", &self.plugins)
            .finish_non_exhaustive()
    }
}

impl Registry {
    /// Builds the registry from every registration linked into the binary. `config` maps a
    /// plugin kind to its JSON configuration (missing kinds get `null`).
    pub fn from_inventory(
        config: &BTreeMap<String, serde_json::Value>,
    ) -> Result<Self, RegistryError> {
        Self::build(inventory::iter::<DriverRegistration>(), config)
    }

    /// Builds the registry from explicit registrations; refuses duplicate kinds.
    pub fn build<'a>(
        registrations: impl IntoIterator<Item = &'a DriverRegistration>,
        config: &BTreeMap<String, serde_json::Value>,
    ) -> Result<Self, RegistryError> {
        let mut regs: Vec<&DriverRegistration> = registrations.into_iter().collect();
        regs.sort_by_key(|r| r.kind);
        let mut plugins = Vec::new();
        let mut connectors = Vec::new();
        for (i, reg) in regs.iter().enumerate() {
            if i > 0 && regs[i - 1].kind == reg.kind {
                return Err(RegistryError::DuplicateKind(reg.kind.to_owned()));
            }
            let cfg = config
                .get(reg.kind)
                .cloned()
                .unwrap_or(serde_json::Value::Null);
            let mut provides = Vec::new();
            if let Some(ctor) = reg.host_connector {
                let connector = ctor(&cfg).map_err(|source| RegistryError::Construct {
                    kind: reg.kind.to_owned(),
                    source,
                })?;
                connectors.push((reg.kind.to_owned(), connector));
                provides.push(ProvidedTrait::HostConnection);
            }
            plugins.push(PluginInfo {
                kind: reg.kind.to_owned(),
                name: reg.name.to_owned(),
                version: reg.version.to_owned(),
                description: reg.description.to_owned(),
                provides,
                uri_schemes: reg.uri_schemes.iter().map(|s| (*s).to_owned()).collect(),
                builtin: true,
            });
        }
        Ok(Self {
            plugins,
            connectors,
        })
    }

    /// Every registered plugin, sorted by kind.
    pub fn plugins(&self) -> &[PluginInfo] {
        &self.plugins
    }

    /// The host connector that handles `uri`, if any plugin does.
    pub fn host_connector(&self, uri: &HostUri) -> Option<Arc<dyn HostConnector>> {
        self.connectors
            .iter()
            .find(|(_, c)| c.supports(uri))
            .map(|(_, c)| Arc::clone(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reg(kind: &'static str) -> DriverRegistration {
        DriverRegistration {
            kind,
            name: "x",
            version: "0.0.0",
            description: "",
            uri_schemes: &[],
            host_connector: None,
        }
    }

    #[test]
    fn refuses_duplicate_kinds() {
        let (a, b, c) = (reg("a"), reg("b"), reg("a"));
        let err = Registry::build([&a, &b, &c], &BTreeMap::new()).unwrap_err();
        assert!(matches!(err, RegistryError::DuplicateKind(k) if k == "a"));
        let ok = Registry::build([&b, &a], &BTreeMap::new()).unwrap();
        let kinds: Vec<_> = ok.plugins().iter().map(|p| p.kind.as_str()).collect();
        assert_eq!(kinds, ["a", "b"]);
    }

    #[test]
    fn reports_constructor_failures() {
        fn failing(_: &serde_json::Value) -> Result<Arc<dyn HostConnector>, DriverError> {
            Err(DriverError::InvalidSpec("bad config".into()))
        }
        let r = DriverRegistration {
            host_connector: Some(failing),
            ..reg("f")
        };
        let err = Registry::build([&r], &BTreeMap::new()).unwrap_err();
        assert!(matches!(err, RegistryError::Construct { kind, .. } if kind == "f"));
    }
}
