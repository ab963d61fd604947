//! The installed host-hooks plugins as the engine's [`VmChangeHooks`]: every callable plugin
//! that says it implements host hooks is asked, off the async threads.

use crate::PluginCatalog;
use crate::bindings::virtumancer::plugin::types::ExtensionPoint;
use async_trait::async_trait;
use std::sync::Arc;
use virtumancer_drivers::{DriverError, HookViolation, VmChangeHooks};

/// Host hooks from the plugin catalog.
#[derive(Debug, Clone)]
pub struct CatalogHooks(pub Arc<PluginCatalog>);

#[async_trait]
impl VmChangeHooks for CatalogHooks {
    async fn check(&self, change: &serde_json::Value) -> Result<Vec<HookViolation>, DriverError> {
        let catalog = Arc::clone(&self.0);
        let change = change.to_string();
        tokio::task::spawn_blocking(move || {
            let mut out = Vec::new();
            for p in catalog.implementing(ExtensionPoint::HostHooks) {
                let plugin = p.manifest().id.clone();
                match p.validate_vm(&change) {
                    Ok(found) => out.extend(found.into_iter().map(|v| HookViolation {
                        plugin: plugin.clone(),
                        field: v.field,
                        message: v.message,
                    })),
                    // Refuse rather than let a change through unchecked; a plugin that keeps
                    // failing becomes unhealthy and is no longer asked.
                    Err(e) => out.push(HookViolation {
                        plugin,
                        field: String::new(),
                        message: format!("the check could not run: {e}"),
                    }),
                }
            }
            out
        })
        .await
        .map_err(|e| DriverError::Backend(format!("plugin hooks: {e}")))
    }
}
