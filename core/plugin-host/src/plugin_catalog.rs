//! The installed WASM plugins: one directory per plugin under the server's plugins directory
//! (`<id>/plugin.toml`, the component, and `state.json` with what an administrator decided:
//! enabled, granted capabilities, configuration). Plugins are installed (from an upload, or by
//! dropping a directory in and reloading), enabled, disabled, granted, reloaded and removed
//! while the server runs; a plugin that fails to load is listed with the reason.

use crate::bindings::virtumancer::plugin::types::ExtensionPoint;
use crate::{
    CallError, Capability, InventoryBackend, KvBackend, LoadError, Manifest, PluginEngine,
    WasmPlugin,
};
use parking_lot::RwLock;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What an administrator decided about a plugin, kept beside it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PluginState {
    /// Disabled plugins are loaded but never called.
    #[serde(default)]
    pub disabled: bool,
    /// Capabilities granted (a subset of those the manifest asks for).
    #[serde(default)]
    pub grants: BTreeSet<Capability>,
    /// The configuration passed to the plugin (JSON).
    #[serde(default)]
    pub config: Option<serde_json::Value>,
}

/// One installed plugin: loaded, or not with the reason.
#[derive(Clone)]
pub enum Installed {
    /// Loaded and usable (unless disabled or unhealthy).
    Loaded(Arc<WasmPlugin>),
    /// Present but not loadable.
    Broken {
        /// Its directory name (its id when the manifest could be read).
        id: String,
        /// Why it does not load.
        reason: String,
    },
}

/// Why a catalog operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// No plugin with this id.
    #[error("no plugin '{0}' is installed")]
    NotFound(String),
    /// A plugin with this id is installed already.
    #[error("plugin '{0}' is installed already; remove it or reload it")]
    AlreadyInstalled(String),
    /// The upload or directory is not a loadable plugin (nothing was installed).
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The plugin refused its configuration, or a grant it does not ask for.
    #[error("{0}")]
    Refused(String),
    /// A file could not be written.
    #[error("cannot write the plugins directory: {0}")]
    Io(String),
}

/// The installed plugins.
pub struct PluginCatalog {
    dir: PathBuf,
    engine: Arc<PluginEngine>,
    kv: Arc<dyn KvBackend>,
    inventory: Option<Arc<dyn InventoryBackend>>,
    plugins: RwLock<BTreeMap<String, Installed>>,
}

impl std::fmt::Debug for PluginCatalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PluginCatalog")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

const STATE: &str = "state.json";

impl PluginCatalog {
    /// A catalog over `dir` (made if missing); call [`PluginCatalog::load_all`] to load what is
    /// there.
    pub fn new(
        dir: PathBuf,
        engine: Arc<PluginEngine>,
        kv: Arc<dyn KvBackend>,
        inventory: Option<Arc<dyn InventoryBackend>>,
    ) -> Result<Self, CatalogError> {
        std::fs::create_dir_all(&dir).map_err(|e| CatalogError::Io(e.to_string()))?;
        Ok(Self {
            dir,
            engine,
            kv,
            inventory,
            plugins: RwLock::new(BTreeMap::new()),
        })
    }

    /// (Re)loads every plugin directory; returns how many loaded and how many are broken.
    pub fn load_all(&self) -> (usize, usize) {
        let mut found = BTreeMap::new();
        let entries = std::fs::read_dir(&self.dir).into_iter().flatten().flatten();
        for entry in entries {
            let path = entry.path();
            if !path.join("plugin.toml").is_file() {
                continue;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            let installed = self.load_dir(&path, &name);
            let id = match &installed {
                Installed::Loaded(p) => p.manifest().id.clone(),
                Installed::Broken { id, .. } => id.clone(),
            };
            found.insert(id, installed);
        }
        let loaded = found
            .values()
            .filter(|i| matches!(i, Installed::Loaded(_)))
            .count();
        let broken = found.len() - loaded;
        *self.plugins.write() = found;
        (loaded, broken)
    }

    fn load_dir(&self, path: &Path, name: &str) -> Installed {
        let state = read_state(path);
        let loaded = WasmPlugin::load(
            &self.engine,
            path,
            state.grants.clone(),
            Arc::clone(&self.kv),
            self.inventory.clone(),
        )
        .map_err(|e| e.to_string())
        .and_then(|p| {
            if p.manifest().id != name {
                return Err(format!(
                    "the directory '{name}' holds plugin '{}'; it must be named after it",
                    p.manifest().id
                ));
            }
            if let Some(config) = &state.config {
                p.configure(&config.to_string())
                    .map_err(|e| e.to_string())?;
            }
            p.set_enabled(!state.disabled);
            Ok(p)
        });
        match loaded {
            Ok(p) => Installed::Loaded(Arc::new(p)),
            Err(reason) => {
                tracing::warn!(plugin = name, %reason, "a plugin does not load");
                Installed::Broken {
                    id: name.to_owned(),
                    reason,
                }
            }
        }
    }

    /// Every installed plugin, by id.
    pub fn list(&self) -> Vec<Installed> {
        self.plugins.read().values().cloned().collect()
    }

    /// The loaded plugin `id`.
    pub fn get(&self, id: &str) -> Result<Arc<WasmPlugin>, CatalogError> {
        match self.plugins.read().get(id) {
            Some(Installed::Loaded(p)) => Ok(Arc::clone(p)),
            Some(Installed::Broken { reason, .. }) => Err(CatalogError::Refused(format!(
                "plugin '{id}' is installed but does not load: {reason}"
            ))),
            None => Err(CatalogError::NotFound(id.to_owned())),
        }
    }

    /// The loaded, callable plugins.
    pub fn callable(&self) -> Vec<Arc<WasmPlugin>> {
        self.plugins
            .read()
            .values()
            .filter_map(|i| match i {
                Installed::Loaded(p) if p.callable().is_ok() => Some(Arc::clone(p)),
                _ => None,
            })
            .collect()
    }

    /// The callable plugins that say they implement `point`.
    pub fn implementing(&self, point: ExtensionPoint) -> Vec<Arc<WasmPlugin>> {
        self.callable()
            .into_iter()
            .filter(|p| p.description().extension_points.contains(&point))
            .collect()
    }

    /// Installs an uploaded plugin: checks the manifest, loads the component in a staging
    /// directory, and only then moves it into place. It starts enabled with no grants.
    pub fn install(
        &self,
        manifest: &str,
        component: &[u8],
    ) -> Result<Arc<WasmPlugin>, CatalogError> {
        let parsed = Manifest::parse(manifest).map_err(LoadError::from)?;
        let id = parsed.id.clone();
        if self.plugins.read().contains_key(&id) || self.dir.join(&id).exists() {
            return Err(CatalogError::AlreadyInstalled(id));
        }
        let staging = tempfile_dir(&self.dir)?;
        let io = |e: std::io::Error| CatalogError::Io(e.to_string());
        std::fs::write(staging.join("plugin.toml"), manifest).map_err(io)?;
        std::fs::write(staging.join(&parsed.component), component).map_err(io)?;
        let result = WasmPlugin::load(
            &self.engine,
            &staging,
            BTreeSet::new(),
            Arc::clone(&self.kv),
            self.inventory.clone(),
        );
        let plugin = match result {
            Ok(p) => p,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&staging);
                return Err(e.into());
            }
        };
        if let Err(e) = std::fs::rename(&staging, self.dir.join(&id)) {
            // Another install of the same id won the race, or the disk refused.
            let _ = std::fs::remove_dir_all(&staging);
            return Err(if self.dir.join(&id).exists() {
                CatalogError::AlreadyInstalled(id)
            } else {
                io(e)
            });
        }
        let plugin = Arc::new(plugin);
        self.plugins
            .write()
            .insert(id, Installed::Loaded(Arc::clone(&plugin)));
        Ok(plugin)
    }

    /// Reloads one plugin from its directory (a new component or manifest takes effect).
    pub fn reload(&self, id: &str) -> Result<Installed, CatalogError> {
        let path = self.plugin_dir(id)?;
        let installed = self.load_dir(&path, id);
        self.plugins
            .write()
            .insert(id.to_owned(), installed.clone());
        Ok(installed)
    }

    /// Enables or disables a plugin (enabling forgives its faults).
    pub fn set_enabled(&self, id: &str, enabled: bool) -> Result<Arc<WasmPlugin>, CatalogError> {
        let p = self.get(id)?;
        self.update_state(id, |s| s.disabled = !enabled)?;
        p.set_enabled(enabled);
        Ok(p)
    }

    /// Sets the granted capabilities (each must be one the manifest asks for).
    pub fn set_grants(
        &self,
        id: &str,
        grants: &BTreeSet<Capability>,
    ) -> Result<Arc<WasmPlugin>, CatalogError> {
        let p = self.get(id)?;
        if let Some(c) = grants
            .iter()
            .find(|c| !p.manifest().capabilities.contains(c))
        {
            return Err(CatalogError::Refused(format!(
                "plugin {id} does not ask for '{}'",
                c.as_str()
            )));
        }
        for c in &p.manifest().capabilities {
            p.set_grant(*c, grants.contains(c))
                .map_err(CatalogError::Refused)?;
        }
        self.update_state(id, |s| s.grants.clone_from(grants))?;
        Ok(p)
    }

    /// Passes a configuration to the plugin and keeps it when the plugin accepts it.
    pub fn configure(&self, id: &str, config: &serde_json::Value) -> Result<(), CatalogError> {
        let p = self.get(id)?;
        p.configure(&config.to_string()).map_err(|e| match e {
            CallError::Refused(r) => CatalogError::Refused(format!("the plugin refused: {r}")),
            other => CatalogError::Refused(other.to_string()),
        })?;
        self.update_state(id, |s| s.config = Some(config.clone()))
    }

    /// The configuration kept for a plugin.
    pub fn state(&self, id: &str) -> Result<PluginState, CatalogError> {
        Ok(read_state(&self.plugin_dir(id)?))
    }

    /// Removes a plugin and its directory.
    pub fn remove(&self, id: &str) -> Result<(), CatalogError> {
        let path = self.plugin_dir(id)?;
        self.plugins.write().remove(id);
        std::fs::remove_dir_all(&path).map_err(|e| CatalogError::Io(e.to_string()))
    }

    fn plugin_dir(&self, id: &str) -> Result<PathBuf, CatalogError> {
        let known = self.plugins.read().contains_key(id);
        let path = self.dir.join(id);
        // Ids never contain '/' or start with '.', but a path parameter could.
        let safe = !id.is_empty() && !id.contains(['/', '\\']) && !id.starts_with('.');
        if safe && (known || path.join("plugin.toml").is_file()) {
            Ok(path)
        } else {
            Err(CatalogError::NotFound(id.to_owned()))
        }
    }

    fn update_state(&self, id: &str, f: impl FnOnce(&mut PluginState)) -> Result<(), CatalogError> {
        let path = self.plugin_dir(id)?;
        let mut state = read_state(&path);
        f(&mut state);
        let text = serde_json::to_string_pretty(&state).expect("state serializes");
        let tmp = path.join("state.json.tmp");
        std::fs::write(&tmp, text)
            .and_then(|()| std::fs::rename(&tmp, path.join(STATE)))
            .map_err(|e| CatalogError::Io(e.to_string()))
    }
}

fn read_state(dir: &Path) -> PluginState {
    std::fs::read_to_string(dir.join(STATE))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

/// A fresh staging directory inside the plugins directory (same file system, so the final
/// rename is atomic; its name starts with '.' so it is never loaded as a plugin).
fn tempfile_dir(dir: &Path) -> Result<PathBuf, CatalogError> {
    for n in 0..1000u32 {
        let path = dir.join(format!(".staging-{}-{n}", std::process::id()));
        match std::fs::create_dir(&path) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(CatalogError::Io(e.to_string())),
        }
    }
    Err(CatalogError::Io(
        "no staging directory could be made".into(),
    ))
}
