//! Portgroups of an existing network: add, replace and remove them, with their VLANs.

use crate::app_json::AppJson;
use crate::app_query::AppQuery;
use crate::networks::host_network_path;
use crate::{ApiError, AppState, ErrorCode};
use axum::Json;
use axum::extract::FromRequestParts;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::Deserialize;
use utoipa::IntoParams;
use virtumancer_model::{HostId, Network, PortgroupChange, PortgroupSpec};

/// `(host id, network name, portgroup name)` of `/hosts/{id}/networks/{name}/portgroups[/{pg}]`.
pub struct PortgroupPath(pub HostId, pub String, pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for PortgroupPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let (host, network, portgroup) = host_network_path(parts, state).await?;
        Ok(Self(host, network, portgroup))
    }
}

/// Adds a portgroup to a network: a name, VLAN tags (Open vSwitch only), trunk, native VLAN,
/// and whether NICs naming no portgroup get it. The running network and its stored definition
/// both change; NICs already running keep their settings until they reconnect.
#[utoipa::path(post, path = "/hosts/{id}/networks/{name}/portgroups", tag = "networks",
    operation_id = "addPortgroup",
    params(
        ("id" = String, Path, description = "Host id"),
        ("name" = String, Path, description = "Network name"),
    ),
    request_body = PortgroupSpec,
    responses(
        (status = 201, description = "Added; the network now", body = Network),
        (status = 400, description = "Malformed id or body", body = ApiError),
        (status = 404, description = "No such host or network", body = ApiError),
        (status = 409, description = "Name taken, or host not connected", body = ApiError),
        (status = 422, description = "A rule is broken (name, VLAN 1–4094 on Open vSwitch only, one default), or the host refused", body = ApiError),
    ))]
pub async fn add_portgroup(
    State(s): State<AppState>,
    PortgroupPath(host, network, _): PortgroupPath,
    AppJson(spec): AppJson<PortgroupSpec>,
) -> Result<(StatusCode, Json<Network>), ApiError> {
    let net = s
        .networks
        .change_portgroup(host, &network, PortgroupChange::Add(spec), false)
        .await?;
    Ok((StatusCode::CREATED, Json(net)))
}

/// Replaces a portgroup's settings (its name stays; the body's `name` must match the path).
#[utoipa::path(put, path = "/hosts/{id}/networks/{name}/portgroups/{portgroup}", tag = "networks",
    operation_id = "replacePortgroup",
    params(
        ("id" = String, Path, description = "Host id"),
        ("name" = String, Path, description = "Network name"),
        ("portgroup" = String, Path, description = "Portgroup name"),
    ),
    request_body = PortgroupSpec,
    responses(
        (status = 200, description = "Replaced; the network now", body = Network),
        (status = 400, description = "Malformed id or body", body = ApiError),
        (status = 404, description = "No such host, network or portgroup", body = ApiError),
        (status = 409, description = "Host not connected", body = ApiError),
        (status = 422, description = "A rule is broken, the body renames the portgroup, or the host refused", body = ApiError),
    ))]
pub async fn replace_portgroup(
    State(s): State<AppState>,
    PortgroupPath(host, network, pg): PortgroupPath,
    AppJson(spec): AppJson<PortgroupSpec>,
) -> Result<Json<Network>, ApiError> {
    let pg = pg.unwrap_or_default();
    if spec.name != pg {
        return Err(ApiError::new(
            ErrorCode::InvalidRequest,
            format!(
                "the body names portgroup '{}' but the path '{pg}'; portgroups are not renamed",
                spec.name
            ),
        ));
    }
    let net = s
        .networks
        .change_portgroup(host, &network, PortgroupChange::Replace(spec), false)
        .await?;
    Ok(Json(net))
}

/// Options of a portgroup removal.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RemovePortgroupParams {
    /// Remove even when VM NICs use it (they fall back to the network's settings when they
    /// next start).
    force: Option<bool>,
}

/// Removes a portgroup. One that NICs use (by name, or as the default) is refused with those
/// VMs (`details.users`) unless `force=true`.
#[utoipa::path(delete, path = "/hosts/{id}/networks/{name}/portgroups/{portgroup}", tag = "networks",
    operation_id = "removePortgroup",
    params(
        ("id" = String, Path, description = "Host id"),
        ("name" = String, Path, description = "Network name"),
        ("portgroup" = String, Path, description = "Portgroup name"),
        RemovePortgroupParams,
    ),
    responses(
        (status = 200, description = "Removed; the network now", body = Network),
        (status = 400, description = "Malformed id or option", body = ApiError),
        (status = 404, description = "No such host, network or portgroup", body = ApiError),
        (status = 409, description = "In use (details.users), or host not connected", body = ApiError),
    ))]
pub async fn remove_portgroup(
    State(s): State<AppState>,
    PortgroupPath(host, network, pg): PortgroupPath,
    AppQuery(p): AppQuery<RemovePortgroupParams>,
) -> Result<Json<Network>, ApiError> {
    let change = PortgroupChange::Remove(pg.unwrap_or_default());
    let net = s
        .networks
        .change_portgroup(host, &network, change, p.force.unwrap_or(false))
        .await?;
    Ok(Json(net))
}
