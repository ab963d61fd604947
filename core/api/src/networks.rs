//! Networks: what each host's libvirt reported, with portgroups and VLANs and the NICs using
//! them.

use crate::app_query::AppQuery;
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use virtumancer_model::{HostId, Network};

/// Filters of the network list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct NetworkListParams {
    /// Only this host's networks.
    host_id: Option<HostId>,
}

/// Networks, by host name then network name.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NetworkList {
    /// The networks.
    pub items: Vec<Network>,
}

/// Networks of every host, or of one: forward mode, bridge, Open vSwitch, IP ranges,
/// portgroups with VLANs, state, and how many VM NICs use each.
#[utoipa::path(get, path = "/networks", tag = "networks", operation_id = "listNetworks",
    params(NetworkListParams),
    responses(
        (status = 200, description = "The networks", body = NetworkList),
        (status = 400, description = "Bad filter", body = ApiError),
        (status = 404, description = "No such host", body = ApiError),
    ))]
pub async fn list_networks(
    State(s): State<AppState>,
    AppQuery(p): AppQuery<NetworkListParams>,
) -> Result<Json<NetworkList>, ApiError> {
    Ok(Json(NetworkList {
        items: s.networks.list(p.host_id).await?,
    }))
}
