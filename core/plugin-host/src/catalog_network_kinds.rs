//! The network kinds of the installed network-driver plugins as the engine's
//! [`NetworkKinds`]. Every call runs off the async threads.

use crate::bindings::exports::virtumancer::plugin::network_driver::NetworkSpec as WitNetworkSpec;
use crate::bindings::virtumancer::plugin::types::ExtensionPoint;
use crate::kind_params;
use crate::{CallError, PluginCatalog, WasmPlugin};
use async_trait::async_trait;
use std::sync::Arc;
use virtumancer_drivers::{DriverError, NetworkKindInfo, NetworkKinds, RecognizedKind};
use virtumancer_libvirt_xml::{Element, Node};
use virtumancer_model::{NetworkInventory, NetworkSpec};

/// Network kinds from the plugin catalog.
#[derive(Debug, Clone)]
pub struct CatalogNetworkKinds(pub Arc<PluginCatalog>);

fn list(catalog: &PluginCatalog) -> Vec<(Arc<WasmPlugin>, NetworkKindInfo)> {
    let mut out = Vec::new();
    for p in catalog.implementing(ExtensionPoint::NetworkDriver) {
        let Ok(kinds) = p.network_kinds() else {
            continue;
        };
        for k in kinds {
            let info = NetworkKindInfo {
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

/// A stored network as the `<network>` summary a recognizer reads: name, forward mode, bridge.
fn summary(net: &NetworkInventory) -> String {
    let mut el = Element::new("network");
    let mut name = Element::new("name");
    name.children.push(Node::Text(net.name.clone()));
    el.children.push(Node::Element(name));
    if net.forward_mode != "isolated" {
        el.child_or_insert("forward")
            .set_attr("mode", Some(&net.forward_mode));
    }
    if let Some(bridge) = &net.bridge {
        el.child_or_insert("bridge").set_attr("name", Some(bridge));
    }
    el.to_xml()
}

#[async_trait]
impl NetworkKinds for CatalogNetworkKinds {
    async fn kinds(&self) -> Vec<NetworkKindInfo> {
        let c = Arc::clone(&self.0);
        tokio::task::spawn_blocking(move || list(&c).into_iter().map(|(_, k)| k).collect())
            .await
            .unwrap_or_default()
    }

    async fn render(&self, spec: &NetworkSpec) -> Result<String, DriverError> {
        let c = Arc::clone(&self.0);
        let spec = spec.clone();
        tokio::task::spawn_blocking(move || {
            let kind = spec.plugin_kind.clone().unwrap_or_default();
            let Some((plugin, _)) = list(&c).into_iter().find(|(_, k)| k.name == kind) else {
                return Err(DriverError::NotFound {
                    what: format!("network kind '{kind}' (no enabled plugin adds it)"),
                });
            };
            let wit = WitNetworkSpec {
                kind,
                name: spec.name.clone(),
                params: kind_params::to_wit(&spec.params),
            };
            plugin
                .render_network(&wit)
                .map_err(CallError::into_driver_error)
        })
        .await
        .map_err(|e| DriverError::Backend(format!("plugin network kinds: {e}")))?
    }

    async fn recognize(&self, networks: &[NetworkInventory]) -> Vec<Option<RecognizedKind>> {
        let c = Arc::clone(&self.0);
        let networks = networks.to_vec();
        let count = networks.len();
        tokio::task::spawn_blocking(move || {
            // Only plugins that add network kinds are asked.
            let mut seen = std::collections::HashSet::new();
            let plugins: Vec<Arc<WasmPlugin>> = list(&c)
                .into_iter()
                .map(|(p, _)| p)
                .filter(|p| seen.insert(p.manifest().id.clone()))
                .collect();
            networks
                .iter()
                .map(|net| {
                    let xml = summary(net);
                    plugins.iter().find_map(|p| {
                        let found = p.recognize_network(&xml).ok().flatten()?;
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
