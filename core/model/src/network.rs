//! A stored libvirt network, as the API shows it.

use crate::{HostId, NetworkInventory};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A virtual network of a host with what the host reported about it and how many VM NICs
/// use it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Network {
    /// The host.
    pub host_id: HostId,
    /// The host's name.
    pub host_name: String,
    /// What the host reported.
    #[serde(flatten)]
    pub inventory: NetworkInventory,
    /// NICs of the host's VMs (not gone) that name this network.
    pub used_by: u32,
    /// The kind a plugin recognized this network as; not stored: filled in when networks are
    /// listed, while the plugin is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plugin_kind: Option<crate::PluginKind>,
}
