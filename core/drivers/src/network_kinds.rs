//! Network kinds that extensions (WASM network-driver plugins) add: listed, rendered as the
//! libvirt `<network>` a host defines, and recognized again among a host's networks.

use crate::{DriverError, RecognizedKind};
use async_trait::async_trait;
use serde::Serialize;
use utoipa::ToSchema;
use virtumancer_model::{NetworkInventory, NetworkSpec};

/// A network kind an extension adds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NetworkKindInfo {
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

/// The network kinds extensions add.
#[async_trait]
pub trait NetworkKinds: Send + Sync {
    /// Every kind, by name.
    async fn kinds(&self) -> Vec<NetworkKindInfo>;

    /// Renders the `<network>` document of a validated spec of an extension's kind. Errors:
    /// `NotFound` (no such kind), `InvalidSpec` with the plugin's message, `Backend`.
    async fn render(&self, spec: &NetworkSpec) -> Result<String, DriverError>;

    /// Recognizes networks (as the inventory summarizes them) as extensions' kinds; one answer
    /// per network.
    async fn recognize(&self, networks: &[NetworkInventory]) -> Vec<Option<RecognizedKind>>;
}
