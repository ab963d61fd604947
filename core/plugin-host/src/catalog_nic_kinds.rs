//! The NIC kinds of the installed network-driver plugins as the engine's [`NicKinds`]: the
//! engine, API and UI use them like built-in kinds. Every call runs off the async threads.

use crate::bindings::exports::virtumancer::plugin::network_driver::NicSpec as WitNicSpec;
use crate::bindings::virtumancer::plugin::types::ExtensionPoint;
use crate::kind_params;
use crate::{CallError, PluginCatalog, WasmPlugin};
use async_trait::async_trait;
use std::sync::Arc;
use virtumancer_drivers::{DriverError, NicKindInfo, NicKinds, RecognizedKind};
use virtumancer_libvirt_xml::Element;
use virtumancer_model::{NicInventory, NicSpec};

/// NIC kinds from the plugin catalog.
#[derive(Debug, Clone)]
pub struct CatalogNicKinds(pub Arc<PluginCatalog>);

/// NIC kinds Virtumancer handles itself; only others are offered to plugins to recognize.
const OWN_KINDS: [&str; 2] = ["network", "bridge"];

fn list(catalog: &PluginCatalog) -> Vec<(Arc<WasmPlugin>, NicKindInfo)> {
    let mut out = Vec::new();
    for p in catalog.implementing(ExtensionPoint::NetworkDriver) {
        let Ok(kinds) = p.nic_kinds() else { continue };
        for k in kinds {
            let info = NicKindInfo {
                name: k.name,
                description: k.description,
                plugin: p.manifest().id.clone(),
                params_schema: kind_params::schema(&k.params_schema),
            };
            out.push((Arc::clone(&p), info));
        }
    }
    out.sort_by(|a, b| a.1.name.cmp(&b.1.name));
    out
}

/// A stored NIC as the `<interface>` element a recognizer reads: the fields the inventory
/// keeps (type, MAC, source device and mode, model).
fn element(nic: &NicInventory) -> String {
    let mut el = Element::new("interface");
    el.set_attr("type", Some(&nic.kind));
    if let Some(mac) = &nic.mac {
        el.child_or_insert("mac").set_attr("address", Some(mac));
    }
    if nic.source_dev.is_some() || nic.source_mode.is_some() {
        let source = el.child_or_insert("source");
        source.set_attr("dev", nic.source_dev.as_deref());
        source.set_attr("mode", nic.source_mode.as_deref());
    }
    if let Some(model) = &nic.model {
        el.child_or_insert("model").set_attr("type", Some(model));
    }
    el.to_xml()
}

#[async_trait]
impl NicKinds for CatalogNicKinds {
    async fn kinds(&self) -> Vec<NicKindInfo> {
        let c = Arc::clone(&self.0);
        tokio::task::spawn_blocking(move || list(&c).into_iter().map(|(_, k)| k).collect())
            .await
            .unwrap_or_default()
    }

    async fn render(&self, spec: &NicSpec) -> Result<String, DriverError> {
        let c = Arc::clone(&self.0);
        let spec = spec.clone();
        tokio::task::spawn_blocking(move || {
            let kind = spec.kind.clone().unwrap_or_default();
            let Some((plugin, _)) = list(&c).into_iter().find(|(_, k)| k.name == kind) else {
                return Err(DriverError::NotFound {
                    what: format!("NIC kind '{kind}' (no enabled plugin adds it)"),
                });
            };
            let wit = WitNicSpec {
                kind,
                mac: spec.mac.clone(),
                model: spec.model.clone(),
                params: kind_params::to_wit(&spec.params),
            };
            plugin
                .validate_nic(&wit)
                .map_err(CallError::into_driver_error)?;
            plugin
                .render_interface(&wit)
                .map_err(CallError::into_driver_error)
        })
        .await
        .map_err(|e| DriverError::Backend(format!("plugin NIC kinds: {e}")))?
    }

    async fn recognize(&self, nics: &[NicInventory]) -> Vec<Option<RecognizedKind>> {
        let c = Arc::clone(&self.0);
        let nics = nics.to_vec();
        let count = nics.len();
        tokio::task::spawn_blocking(move || {
            let plugins = c.implementing(ExtensionPoint::NetworkDriver);
            nics.iter()
                .map(|nic| {
                    if OWN_KINDS.contains(&nic.kind.as_str()) || plugins.is_empty() {
                        return None;
                    }
                    let xml = element(nic);
                    plugins.iter().find_map(|p| {
                        let found = p.recognize_interface(&xml).ok().flatten()?;
                        Some(RecognizedKind {
                            kind: found.kind,
                            plugin: p.manifest().id.clone(),
                            params: kind_params::from_wit(found.params),
                        })
                    })
                })
                .collect()
        })
        .await
        .unwrap_or_else(|_| vec![None; count])
    }
}
