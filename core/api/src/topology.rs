//! The network topology of the fleet, for the topology grid and diagram.

use crate::app_query::AppQuery;
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;
use virtumancer_model::{HostId, Topology};

/// Filters of the topology.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TopologyParams {
    /// Only this host.
    host_id: Option<HostId>,
}

/// Hosts with their networks (forward mode, bridge, Open vSwitch, portgroups with VLANs,
/// state) and every NIC of their VMs with the VM's state: what the topology views draw as
/// hosts → networks/bridges → portgroups → VMs.
#[utoipa::path(get, path = "/topology", tag = "networks", operation_id = "getTopology",
    params(TopologyParams),
    responses(
        (status = 200, description = "The topology", body = Topology),
        (status = 400, description = "Bad filter", body = ApiError),
        (status = 404, description = "No such host", body = ApiError),
    ))]
pub async fn get_topology(
    State(s): State<AppState>,
    AppQuery(p): AppQuery<TopologyParams>,
) -> Result<Json<Topology>, ApiError> {
    Ok(Json(s.networks.topology(p.host_id).await?))
}
