//! Building C plugins into components without extra tools: C bindings of the WIT contract
//! (wit-bindgen's C generator, as a library) and the core module → component step
//! (wit-component with the WASI preview-1 reactor adapter of the matching wasmtime).

use anyhow::Context as _;
use std::path::Path;

/// Writes the C bindings of `world` in the WIT package at `wit` into `out`.
pub fn c_bindings(wit: &Path, world: &str, out: &Path) -> anyhow::Result<()> {
    let mut resolve = wit_bindgen_core::wit_parser::Resolve::default();
    let (pkg, _) = resolve.push_dir(wit)?;
    let world = resolve.select_world(&[pkg], Some(world))?;
    let mut files = wit_bindgen_core::Files::default();
    wit_bindgen_c::Opts::default()
        .build()
        .generate(&mut resolve, world, &mut files)?;
    std::fs::create_dir_all(out)?;
    for (name, bytes) in files.iter() {
        std::fs::write(out.join(name), bytes).with_context(|| format!("writing {name}"))?;
    }
    Ok(())
}

/// Turns a core module built for `wasm32-wasi` (reactor) into a component.
pub fn componentize(core: &Path, out: &Path) -> anyhow::Result<()> {
    use wasi_preview1_component_adapter_provider as adapter;
    let module = std::fs::read(core).with_context(|| format!("reading {}", core.display()))?;
    let component = wit_component::ComponentEncoder::default()
        .module(&module)?
        .adapter(
            adapter::WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME,
            adapter::WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER,
        )?
        .validate(true)
        .encode()?;
    std::fs::write(out, component).with_context(|| format!("writing {}", out.display()))
}
