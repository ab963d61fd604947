//! Networks: what each host's libvirt reported, with portgroups and VLANs and the NICs using
//! them.

use crate::app_json::AppJson;
use crate::app_query::AppQuery;
use crate::path_ids::HostPath;
use crate::{ApiError, AppState, ErrorCode};
use axum::Json;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use virtumancer_model::{HostId, Network, NetworkAction, NetworkSpec};

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
        items: s.networks.list_recognized(p.host_id).await?,
    }))
}

/// Network kinds plugins add.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NetworkKindList {
    /// By name.
    pub items: Vec<virtumancer_drivers::NetworkKindInfo>,
}

/// The network kinds enabled network-driver plugins add, with the JSON Schema of each kind's
/// `params`; `POST /hosts/{id}/networks` takes `kind: plugin` with `pluginKind` and `params`.
#[utoipa::path(get, path = "/network-kinds", tag = "networks", operation_id = "listNetworkKinds",
    responses((status = 200, description = "The network kinds", body = NetworkKindList)))]
pub async fn list_network_kinds(State(s): State<AppState>) -> Json<NetworkKindList> {
    Json(NetworkKindList {
        items: s.networks.network_kinds().await,
    })
}

/// `(host id, network name)` of `/hosts/{id}/networks/{name}…`, and the action when there is one.
pub struct NetworkPath(pub HostId, pub String, pub Option<NetworkAction>);

/// `(host id, network name, the segment after it if any)` of a `/hosts/{id}/networks/{name}…`
/// route: an action or a portgroup name.
pub(crate) async fn host_network_path<S: Send + Sync>(
    parts: &mut Parts,
    state: &S,
) -> Result<(HostId, String, Option<String>), ApiError> {
    let Path(raw) = Path::<Vec<String>>::from_request_parts(parts, state)
        .await
        .map_err(|r| ApiError::new(ErrorCode::InvalidId, r.body_text()))?;
    let (id, name, last) = match raw.as_slice() {
        [id, name] => (id, name, None),
        [id, name, last] => (id, name, Some(last.clone())),
        _ => {
            return Err(ApiError::new(
                ErrorCode::InvalidId,
                "malformed network path",
            ));
        }
    };
    let host = id.parse().map_err(|_| {
        ApiError::new(
            ErrorCode::InvalidId,
            format!("'{id}' is not a host id (a UUID)"),
        )
    })?;
    Ok((host, name.clone(), last))
}

impl<S: Send + Sync> FromRequestParts<S> for NetworkPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let (host, name, act) = host_network_path(parts, state).await?;
        let action = act
            .map(|act| {
                NetworkAction::parse(&act).ok_or_else(|| {
                    ApiError::new(
                        ErrorCode::UnknownAction,
                        format!("'{act}' is not a network action (start, stop, autostartOn, autostartOff)"),
                    )
                })
            })
            .transpose()?;
        Ok(Self(host, name, action))
    }
}

/// Starts or stops a network, or switches its autostart, and answers with the network as the
/// host then reports it.
#[utoipa::path(post, path = "/hosts/{id}/networks/{name}/actions/{action}", tag = "networks",
    operation_id = "networkAction",
    params(
        ("id" = String, Path, description = "Host id"),
        ("name" = String, Path, description = "Network name"),
        ("action" = NetworkAction, Path, description = "The action"),
    ),
    responses(
        (status = 200, description = "Done; the network now", body = Network),
        (status = 400, description = "Malformed id or unknown action", body = ApiError),
        (status = 404, description = "No such host or network", body = ApiError),
        (status = 409, description = "Host not connected, or the network's state does not allow it", body = ApiError),
    ))]
pub async fn network_action(
    State(s): State<AppState>,
    NetworkPath(host, name, action): NetworkPath,
) -> Result<Json<Network>, ApiError> {
    let action = action.ok_or_else(|| ApiError::new(ErrorCode::UnknownAction, "no action"))?;
    Ok(Json(s.networks.act(host, &name, action).await?))
}

/// Options of a network deletion.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeleteNetworkParams {
    /// Delete even when VM NICs still use it (they lose their link).
    force: Option<bool>,
}

/// Stops and removes a network. One that VM NICs still use is refused with the list of those
/// VMs (`details.users`) unless `force=true`.
#[utoipa::path(delete, path = "/hosts/{id}/networks/{name}", tag = "networks",
    operation_id = "deleteNetwork",
    params(
        ("id" = String, Path, description = "Host id"),
        ("name" = String, Path, description = "Network name"),
        DeleteNetworkParams,
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "Malformed id or option", body = ApiError),
        (status = 404, description = "No such host or network", body = ApiError),
        (status = 409, description = "In use (details.users), or host not connected", body = ApiError),
    ))]
pub async fn delete_network(
    State(s): State<AppState>,
    NetworkPath(host, name, _): NetworkPath,
    AppQuery(p): AppQuery<DeleteNetworkParams>,
) -> Result<StatusCode, ApiError> {
    s.networks
        .delete(host, &name, p.force.unwrap_or(false))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Creates a network on a connected host: NAT, routed, isolated or open with an IPv4 subnet
/// and DHCP range, or on an existing Linux bridge or Open vSwitch bridge with VLAN
/// portgroups. Every rule is checked before the host is asked, and a host that refuses
/// (a missing bridge, a clashing subnet) leaves nothing behind.
#[utoipa::path(post, path = "/hosts/{id}/networks", tag = "networks", operation_id = "createNetwork",
    params(("id" = String, Path, description = "Host id")),
    request_body = NetworkSpec,
    responses(
        (status = 201, description = "Created; the network as the host reports it", body = Network),
        (status = 400, description = "Malformed id or body", body = ApiError),
        (status = 404, description = "No such host", body = ApiError),
        (status = 409, description = "Name taken, or host not connected", body = ApiError),
        (status = 422, description = "A rule is broken (name, VLAN 1–4094, portgroups, subnet, bridge), or the host refused", body = ApiError),
    ))]
pub async fn create_network(
    State(s): State<AppState>,
    HostPath(host): HostPath,
    AppJson(spec): AppJson<NetworkSpec>,
) -> Result<(StatusCode, Json<Network>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(s.networks.create(host, &spec).await?),
    ))
}
