//! The one wasmtime engine of the server's plugins: component model, fuel, epoch interruption
//! (a ticker thread advances the epoch every [`TICK`]), the linker with WASI (nothing granted)
//! and the host interfaces, and a cache of compiled components.

use crate::bindings::VirtumancerPlugin;
use crate::{HostState, LoadError};
use sha2::{Digest, Sha256};
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::time::Duration;
use wasmtime::component::{Component, HasSelf, Linker};
use wasmtime::{Config, Engine};

/// How often the epoch advances; call deadlines are counted in ticks.
pub const TICK: Duration = Duration::from_millis(10);

/// Where a component came from when it was loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompileSource {
    /// Compiled now (and written to the cache, when there is one).
    Compiled,
    /// Read from the cache of compiled components.
    Cache,
}

/// The engine, linker and compile cache shared by every plugin.
pub struct PluginEngine {
    engine: Engine,
    linker: Linker<HostState>,
    cache_dir: Option<PathBuf>,
}

impl std::fmt::Debug for PluginEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PluginEngine")
            .field("cache_dir", &self.cache_dir)
            .finish_non_exhaustive()
    }
}

impl PluginEngine {
    /// An engine whose compiled components are cached in `cache_dir` (made if missing).
    pub fn new(cache_dir: Option<PathBuf>) -> Result<Self, LoadError> {
        let mut cfg = Config::new();
        cfg.wasm_component_model(true)
            .consume_fuel(true)
            .epoch_interruption(true);
        let engine = Engine::new(&cfg).map_err(|e| LoadError::Engine(e.to_string()))?;
        let weak = engine.weak();
        std::thread::Builder::new()
            .name("plugin-epoch".into())
            .spawn(move || {
                while let Some(engine) = weak.upgrade() {
                    engine.increment_epoch();
                    drop(engine);
                    std::thread::sleep(TICK);
                }
            })
            .map_err(|e| LoadError::Engine(e.to_string()))?;
        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker)
            .map_err(|e| LoadError::Engine(e.to_string()))?;
        VirtumancerPlugin::add_to_linker::<HostState, HasSelf<HostState>>(&mut linker, |s| s)
            .map_err(|e| LoadError::Engine(e.to_string()))?;
        if let Some(dir) = &cache_dir {
            std::fs::create_dir_all(dir).map_err(|e| LoadError::Io {
                path: dir.display().to_string(),
                message: e.to_string(),
            })?;
        }
        Ok(Self {
            engine,
            linker,
            cache_dir,
        })
    }

    pub(crate) fn engine(&self) -> &Engine {
        &self.engine
    }

    pub(crate) fn linker(&self) -> &Linker<HostState> {
        &self.linker
    }

    /// The compiled component of `bytes`: from the cache when an earlier compile of the same
    /// bytes by a compatible engine is there, else compiled (and cached).
    pub fn compile(&self, bytes: &[u8]) -> Result<(Component, CompileSource), LoadError> {
        let cached = self
            .cache_dir
            .as_ref()
            .map(|d| d.join(self.cache_name(bytes)));
        if let Some(path) = &cached
            && path.is_file()
        {
            match self.deserialize(path) {
                Ok(c) => return Ok((c, CompileSource::Cache)),
                Err(e) => {
                    tracing::warn!(path = %path.display(), error = %e, "ignoring a bad cached component")
                }
            }
        }
        let component = Component::new(&self.engine, bytes)
            .map_err(|e| LoadError::Compile(format!("{e:#}")))?;
        if let Some(path) = &cached {
            let written = component
                .serialize()
                .map_err(|e| e.to_string())
                .and_then(|b| {
                    // Write then rename: a crash never leaves half a file under the real name.
                    let tmp = path.with_extension("tmp");
                    std::fs::write(&tmp, b)
                        .and_then(|()| std::fs::rename(&tmp, path))
                        .map_err(|e| e.to_string())
                });
            if let Err(e) = written {
                tracing::warn!(path = %path.display(), error = %e, "cannot cache a compiled component");
            }
        }
        Ok((component, CompileSource::Compiled))
    }

    /// `<sha256 of the bytes>-<engine compatibility hash>.cwasm`.
    fn cache_name(&self, bytes: &[u8]) -> String {
        let digest = Sha256::digest(bytes);
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.engine.precompile_compatibility_hash().hash(&mut h);
        format!("{hex}-{:016x}.cwasm", h.finish())
    }

    /// Reads a cached component into memory. (Not `deserialize_file`: that maps the file, and
    /// a mapped file that changes underneath kills the process with SIGBUS.)
    #[allow(unsafe_code)]
    fn deserialize(&self, path: &std::path::Path) -> wasmtime::Result<Component> {
        let bytes = std::fs::read(path)?;
        // SAFETY: the cache directory belongs to the server and only ever receives what
        // `Component::serialize` wrote for this engine configuration (the file name carries
        // the engine's compatibility hash, and wasmtime checks it again).
        unsafe { Component::deserialize(&self.engine, bytes) }
    }
}
