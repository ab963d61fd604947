//! Server events for host-hooks plugins: every host, inventory and task event (not the live
//! stats, which arrive every second) is offered to each enabled plugin that implements host
//! hooks, off the async threads. A plugin's error is logged; a plugin that falls behind misses
//! events rather than holding the server back.

use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;
use virtumancer_engine::EventBus;
use virtumancer_model::Topic;
use virtumancer_plugin_host::PluginCatalog;
use virtumancer_plugin_host::bindings::virtumancer::plugin::types::ExtensionPoint;

/// Starts forwarding events from `bus` to the catalog's host-hooks plugins; ends with the bus.
pub fn forward(bus: &EventBus, catalog: Arc<PluginCatalog>) {
    let mut rx = bus.subscribe();
    tokio::spawn(async move {
        loop {
            let published = match rx.recv().await {
                Ok(p) => p,
                Err(RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "plugins fell behind the event stream");
                    continue;
                }
                Err(RecvError::Closed) => return,
            };
            if published.event().topic() == Topic::Stats {
                continue;
            }
            let Ok(json) = published.json().map(str::to_owned) else {
                continue;
            };
            let catalog = Arc::clone(&catalog);
            let delivered = tokio::task::spawn_blocking(move || {
                for p in catalog.implementing(ExtensionPoint::HostHooks) {
                    if let Err(e) = p.on_event(&json) {
                        tracing::debug!(plugin = %p.manifest().id, error = %e, "a plugin's event hook failed");
                    }
                }
            });
            if delivered.await.is_err() {
                tracing::warn!("a plugin event hook panicked");
            }
        }
    });
}
