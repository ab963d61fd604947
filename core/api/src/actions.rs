//! `POST /api/v1/vms/{id}/actions/{action}` and `POST /api/v1/vms/actions/{action}`: power
//! actions on managed VMs, each answered with `202 Accepted` and the task(s) that carry it out.

use crate::app_json::AppJson;
use crate::requested_by::RequestedBy;
use crate::{ApiError, AppState, ErrorCode};
use axum::Json;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use utoipa::ToSchema;
use virtumancer_engine::ActionOptions;
use virtumancer_model::{PowerAction, PowerActionRule, Task, VmId};

/// Longest accepted force-off timeout.
const MAX_FORCE_AFTER_SECS: u64 = 3600;

/// Options of a power action (all optional; an empty body or none at all is fine).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ActionBody {
    /// `shutdown` only: force the VM off when it is still running after this many seconds
    /// (1–3600). Without it a shutdown the guest ignores fails after 300 s and the VM keeps
    /// running.
    pub force_after_secs: Option<u64>,
}

/// A power action on a selection of VMs across hosts.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BulkActionBody {
    /// The VMs (1–10,000).
    pub vm_ids: Vec<VmId>,
    /// As for one VM.
    pub force_after_secs: Option<u64>,
}

/// What a bulk action started.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BulkActionResult {
    /// The task tracking the whole request (progress = share of VMs finished).
    pub parent: Task,
    /// One task per VM; VMs the action was refused for have a failed task saying why.
    pub tasks: Vec<Task>,
    /// Ids that name no VM.
    pub not_found: Vec<VmId>,
}

/// The `{action}` path segment.
#[derive(Debug, Clone, Copy)]
pub struct ActionPath(pub PowerAction);

fn action(raw: &str) -> Result<PowerAction, ApiError> {
    PowerAction::parse(raw).ok_or_else(|| {
        let known: Vec<&str> = PowerAction::ALL.iter().map(|a| a.as_str()).collect();
        ApiError::new(
            ErrorCode::UnknownAction,
            format!(
                "'{raw}' is not a power action; use one of {}",
                known.join(", ")
            ),
        )
    })
}

fn options(force_after_secs: Option<u64>, act: PowerAction) -> Result<ActionOptions, ApiError> {
    match force_after_secs {
        None => Ok(ActionOptions::default()),
        Some(_) if act != PowerAction::Shutdown => Err(ApiError::new(
            ErrorCode::InvalidRequest,
            "forceAfterSecs applies to shutdown only",
        )),
        Some(s) if (1..=MAX_FORCE_AFTER_SECS).contains(&s) => Ok(ActionOptions {
            force_after: Some(Duration::from_secs(s)),
        }),
        Some(s) => Err(ApiError::new(
            ErrorCode::InvalidRequest,
            format!("forceAfterSecs must be 1–{MAX_FORCE_AFTER_SECS}, got {s}"),
        )),
    }
}

/// `(id, action)` of `/vms/{id}/actions/{action}`, each with its own precise error.
pub struct VmActionPath(pub VmId, pub PowerAction);

impl<S: Send + Sync> FromRequestParts<S> for VmActionPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path((id, act)) = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(|r| ApiError::new(ErrorCode::InvalidId, r.body_text()))?;
        let id = id.parse().map_err(|_| {
            ApiError::new(
                ErrorCode::InvalidId,
                format!("'{id}' is not a VM id (a UUID)"),
            )
        })?;
        Ok(Self(id, action(&act)?))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ActionPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(act) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|r| ApiError::new(ErrorCode::UnknownAction, r.body_text()))?;
        Ok(Self(action(&act)?))
    }
}

/// Runs a power action on one managed VM. `shutdown` asks the guest (ACPI) and, with
/// `forceAfterSecs`, forces it off when it does not comply in time.
#[utoipa::path(post, path = "/vms/{id}/actions/{action}", tag = "actions", operation_id = "vmAction",
    params(
        ("id" = String, Path, description = "VM id"),
        ("action" = PowerAction, Path, description = "The power action"),
    ),
    request_body(content = Option<ActionBody>, description = "Options (optional)"),
    responses(
        (status = 202, description = "Accepted; the task carries it out", body = Task),
        (status = 400, description = "Malformed id, unknown action or malformed body", body = ApiError),
        (status = 404, description = "No such VM", body = ApiError),
        (status = 409, description = "Not allowed now (state, not managed, a task already running, host not connected, driver cannot)", body = ApiError),
        (status = 422, description = "Bad option", body = ApiError),
    ))]
pub async fn vm_action(
    State(s): State<AppState>,
    VmActionPath(id, act): VmActionPath,
    RequestedBy(who): RequestedBy,
    body: Option<AppJson<ActionBody>>,
) -> Result<(StatusCode, Json<Task>), ApiError> {
    let body = body.map(|b| b.0).unwrap_or_default();
    let opts = options(body.force_after_secs, act)?;
    let task = s.power.act(id, act, opts, &who).await?;
    Ok((StatusCode::ACCEPTED, Json(task)))
}

/// Runs a power action on a selection of VMs across hosts: one task per VM under a parent.
/// VMs the action is refused for get a failed task with the reason; the others run.
#[utoipa::path(post, path = "/vms/actions/{action}", tag = "actions", operation_id = "bulkVmAction",
    params(("action" = PowerAction, Path, description = "The power action")),
    request_body = BulkActionBody,
    responses(
        (status = 202, description = "Accepted", body = BulkActionResult),
        (status = 400, description = "Unknown action or malformed body", body = ApiError),
        (status = 404, description = "None of the ids names a VM", body = ApiError),
        (status = 413, description = "Body too large", body = ApiError),
        (status = 422, description = "No ids, more than 10,000, or a bad option", body = ApiError),
    ))]
pub async fn bulk_vm_action(
    State(s): State<AppState>,
    ActionPath(act): ActionPath,
    RequestedBy(who): RequestedBy,
    AppJson(b): AppJson<BulkActionBody>,
) -> Result<(StatusCode, Json<BulkActionResult>), ApiError> {
    let opts = options(b.force_after_secs, act)?;
    let out = s.power.act_many(&b.vm_ids, act, opts, &who).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(BulkActionResult {
            parent: out.parent,
            tasks: out.tasks,
            not_found: out.not_found,
        }),
    ))
}

/// Which power states allow each action, so clients enable their buttons by the same rules
/// the server applies.
#[utoipa::path(get, path = "/power-actions", tag = "actions", operation_id = "listPowerActions",
    responses((status = 200, description = "The rules of every power action", body = Vec<PowerActionRule>)))]
pub async fn list_power_actions() -> Json<Vec<PowerActionRule>> {
    Json(PowerActionRule::all())
}
