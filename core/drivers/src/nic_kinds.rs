//! NIC kinds that extensions (WASM network-driver plugins) add: listed for the API and UI,
//! checked, rendered as the libvirt `<interface>` the host is given, and recognized again in
//! the inventory. The engine uses them without knowing where they come from.

use crate::DriverError;
use async_trait::async_trait;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;
use virtumancer_model::{NicInventory, NicSpec};

/// A NIC kind an extension adds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NicKindInfo {
    /// The kind's name, e.g. `macvtap`.
    pub name: String,
    /// One line for the UI.
    pub description: String,
    /// The plugin that adds it.
    pub plugin: String,
    /// JSON Schema of the kind's `params`.
    #[schema(value_type = Object)]
    pub params_schema: serde_json::Value,
}

/// A NIC of the inventory recognized as an extension's kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecognizedKind {
    /// The kind.
    pub kind: String,
    /// The plugin that recognized it.
    pub plugin: String,
    /// Its settings.
    pub params: BTreeMap<String, String>,
}

/// The NIC kinds extensions add.
#[async_trait]
pub trait NicKinds: Send + Sync {
    /// Every kind, by name.
    async fn kinds(&self) -> Vec<NicKindInfo>;

    /// Checks a spec of an extension's kind and renders its `<interface>` element. Errors:
    /// `NotFound` (no such kind), `InvalidSpec` with the plugin's message, `Backend` when the
    /// plugin fails.
    async fn render(&self, spec: &NicSpec) -> Result<String, DriverError>;

    /// Recognizes NICs of the inventory (of kinds Virtumancer does not know itself) as an
    /// extension's kind; one answer per NIC, `None` for those no extension claims.
    async fn recognize(&self, nics: &[NicInventory]) -> Vec<Option<RecognizedKind>>;
}
