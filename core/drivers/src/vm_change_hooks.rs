//! Checks of VM changes by extensions (WASM host-hooks plugins), made before a change becomes a
//! task. The engine asks; it does not know who answers.

use crate::DriverError;
use async_trait::async_trait;
use serde::Serialize;
use utoipa::ToSchema;

/// One rule a change breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HookViolation {
    /// The plugin that objects.
    pub plugin: String,
    /// Where in the change, e.g. `nic.portgroup`.
    pub field: String,
    /// What is wrong, for the user.
    pub message: String,
}

/// Asks every active check about a change.
#[async_trait]
pub trait VmChangeHooks: Send + Sync {
    /// The violations of `change` (JSON: `{"kind": "nic.attach" | "nic.update", "vm": …,
    /// "nic": …, "network": …}`); empty lets it through. A check that fails counts as a
    /// violation (the change is refused rather than let through unchecked).
    async fn check(&self, change: &serde_json::Value) -> Result<Vec<HookViolation>, DriverError>;
}
