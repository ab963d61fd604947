//! VM NICs: add one, change its network, portgroup or link, remove it. Each answers 202 with
//! the task that carries it out.

use crate::app_json::AppJson;
use crate::path_ids::VmPath;
use crate::requested_by::RequestedBy;
use crate::{ApiError, AppState, ErrorCode};
use axum::Json;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use virtumancer_model::{NicSpec, NicUpdate, Task, VmId};

/// `(VM id, MAC)` of `/vms/{id}/nics/{mac}`.
pub struct NicPath(pub VmId, pub String);

impl<S: Send + Sync> FromRequestParts<S> for NicPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path((id, mac)) = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(|r| ApiError::new(ErrorCode::InvalidId, r.body_text()))?;
        let id = id.parse().map_err(|_| {
            ApiError::new(
                ErrorCode::InvalidId,
                format!("'{id}' is not a VM id (a UUID)"),
            )
        })?;
        Ok(Self(id, mac))
    }
}

/// Adds a NIC to a managed VM: on a network of its host (optionally a portgroup), or on a
/// host bridge (Open vSwitch with its own VLANs). Live when the VM runs and in its stored
/// configuration when it is persistent.
#[utoipa::path(post, path = "/vms/{id}/nics", tag = "networks", operation_id = "attachNic",
    params(("id" = String, Path, description = "VM id")),
    request_body = NicSpec,
    responses(
        (status = 202, description = "Accepted; the task carries it out", body = Task),
        (status = 400, description = "Malformed id or body", body = ApiError),
        (status = 404, description = "No such VM or network", body = ApiError),
        (status = 409, description = "VM not managed or gone, MAC already on the VM, host not connected", body = ApiError),
        (status = 422, description = "A rule is broken (network or bridge, VLAN 1–4094, MAC unicast, model, unknown portgroup)", body = ApiError),
    ))]
pub async fn attach_nic(
    State(s): State<AppState>,
    VmPath(id): VmPath,
    RequestedBy(who): RequestedBy,
    AppJson(spec): AppJson<NicSpec>,
) -> Result<(StatusCode, Json<Task>), ApiError> {
    Ok((
        StatusCode::ACCEPTED,
        Json(s.nics.attach(id, spec, &who).await?),
    ))
}

/// Moves a NIC to another network or portgroup, or sets its link up or down.
#[utoipa::path(patch, path = "/vms/{id}/nics/{mac}", tag = "networks", operation_id = "updateNic",
    params(
        ("id" = String, Path, description = "VM id"),
        ("mac" = String, Path, description = "The NIC's MAC address"),
    ),
    request_body = NicUpdate,
    responses(
        (status = 202, description = "Accepted; the task carries it out", body = Task),
        (status = 400, description = "Malformed id or body", body = ApiError),
        (status = 404, description = "No such VM, NIC or network", body = ApiError),
        (status = 409, description = "VM not managed or gone, host not connected", body = ApiError),
        (status = 422, description = "Nothing to change, a bad MAC, an unknown portgroup, or not a network NIC", body = ApiError),
    ))]
pub async fn update_nic(
    State(s): State<AppState>,
    NicPath(id, mac): NicPath,
    RequestedBy(who): RequestedBy,
    AppJson(change): AppJson<NicUpdate>,
) -> Result<(StatusCode, Json<Task>), ApiError> {
    Ok((
        StatusCode::ACCEPTED,
        Json(s.nics.update(id, &mac, change, &who).await?),
    ))
}

/// Removes a NIC from a managed VM.
#[utoipa::path(delete, path = "/vms/{id}/nics/{mac}", tag = "networks", operation_id = "detachNic",
    params(
        ("id" = String, Path, description = "VM id"),
        ("mac" = String, Path, description = "The NIC's MAC address"),
    ),
    responses(
        (status = 202, description = "Accepted; the task carries it out", body = Task),
        (status = 400, description = "Malformed id", body = ApiError),
        (status = 404, description = "No such VM or NIC", body = ApiError),
        (status = 409, description = "VM not managed or gone, host not connected", body = ApiError),
        (status = 422, description = "Not a MAC address", body = ApiError),
    ))]
pub async fn detach_nic(
    State(s): State<AppState>,
    NicPath(id, mac): NicPath,
    RequestedBy(who): RequestedBy,
) -> Result<(StatusCode, Json<Task>), ApiError> {
    Ok((
        StatusCode::ACCEPTED,
        Json(s.nics.detach(id, &mac, &who).await?),
    ))
}

/// NIC kinds plugins add.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NicKindList {
    /// By name.
    pub items: Vec<virtumancer_drivers::NicKindInfo>,
}

/// The NIC kinds enabled network-driver plugins add, with the JSON Schema of each kind's
/// `params`; `POST /vms/{id}/nics` takes `kind` and `params` for them.
#[utoipa::path(get, path = "/nic-kinds", tag = "networks", operation_id = "listNicKinds",
    responses((status = 200, description = "The NIC kinds", body = NicKindList)))]
pub async fn list_nic_kinds(State(s): State<AppState>) -> Json<NicKindList> {
    Json(NicKindList {
        items: s.nics.kinds().await,
    })
}
