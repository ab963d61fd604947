//! `/api/v1/vms` and `/api/v1/discovered-vms`: the inventory of VMs across hosts.

use crate::app_json::AppJson;
use crate::app_query::AppQuery;
use crate::path_ids::{HostPath, VmPath};
use crate::{ApiError, AppState, ErrorCode};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use virtumancer_engine::BulkOutcome;
use virtumancer_model::{Host, HostId, HostVmCounts, PowerState, Vm, VmDetail, VmDrift, VmId};
use virtumancer_store::{VmQuery, VmSort};

/// Largest page.
pub const MAX_PER_PAGE: u32 = 500;

/// Sort orders for VM lists.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum VmSortKey {
    /// By name.
    #[default]
    Name,
    /// By name, descending.
    NameDesc,
    /// By host, then name.
    Host,
    /// By host descending, then name.
    HostDesc,
    /// By state, then name.
    State,
    /// By state descending, then name.
    StateDesc,
    /// Newest first.
    Created,
    /// Oldest first.
    CreatedAsc,
    /// Largest memory first.
    Memory,
    /// Smallest memory first.
    MemoryAsc,
}

impl From<VmSortKey> for VmSort {
    fn from(k: VmSortKey) -> Self {
        match k {
            VmSortKey::Name => Self::Name,
            VmSortKey::NameDesc => Self::NameDesc,
            VmSortKey::Host => Self::Host,
            VmSortKey::HostDesc => Self::HostDesc,
            VmSortKey::State => Self::State,
            VmSortKey::StateDesc => Self::StateDesc,
            VmSortKey::Created => Self::Created,
            VmSortKey::CreatedAsc => Self::CreatedAsc,
            VmSortKey::Memory => Self::Memory,
            VmSortKey::MemoryAsc => Self::MemoryAsc,
        }
    }
}

/// Filters and paging of `GET /vms` and `GET /discovered-vms`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct VmListParams {
    /// Only VMs of this host.
    host_id: Option<HostId>,
    /// Only VMs in this power state.
    state: Option<PowerState>,
    /// Name substring (case-insensitive) or UUID prefix.
    q: Option<String>,
    /// Sort order (default `name`).
    sort: Option<VmSortKey>,
    /// Page number, from 1 (default 1).
    page: Option<u32>,
    /// Page size, 1–500 (default 50).
    per_page: Option<u32>,
    /// Include VMs that vanished from their host (default false).
    include_gone: Option<bool>,
    /// Include dismissed VMs (discovered list only; default false).
    include_dismissed: Option<bool>,
}

/// One page of VMs.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VmList {
    /// This page.
    pub items: Vec<Vm>,
    /// All VMs matching the filters.
    pub total: u64,
    /// This page's number, from 1.
    pub page: u32,
    /// Page size.
    pub per_page: u32,
}

/// Body of `POST /vms/import` and `POST /vms/dismiss`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VmSelection {
    /// 1 to 10,000 VM ids.
    pub vm_ids: Vec<VmId>,
}

/// What a bulk request did.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BulkResult {
    /// VMs now in the requested state.
    pub done: Vec<VmId>,
    /// Ids that name no VM.
    pub not_found: Vec<VmId>,
}

impl From<BulkOutcome> for BulkResult {
    fn from(o: BulkOutcome) -> Self {
        Self {
            done: o.done,
            not_found: o.not_found,
        }
    }
}

fn query(p: VmListParams, managed: bool) -> Result<(VmQuery, u32, u32), ApiError> {
    let page = p.page.unwrap_or(1);
    let per_page = p.per_page.unwrap_or(50);
    if page == 0 {
        return Err(ApiError::new(ErrorCode::InvalidQuery, "page starts at 1"));
    }
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        return Err(ApiError::new(
            ErrorCode::InvalidQuery,
            format!("perPage must be 1–{MAX_PER_PAGE}"),
        ));
    }
    let search = p.q.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    if search.as_ref().is_some_and(|s| s.chars().count() > 256) {
        return Err(ApiError::new(
            ErrorCode::InvalidQuery,
            "q is longer than 256 characters",
        ));
    }
    let offset = u64::from(page - 1) * u64::from(per_page);
    let offset = u32::try_from(offset)
        .map_err(|_| ApiError::new(ErrorCode::InvalidQuery, "page is too large"))?;
    let q = VmQuery {
        host: p.host_id,
        managed: Some(managed),
        include_dismissed: managed || p.include_dismissed.unwrap_or(false),
        include_gone: p.include_gone.unwrap_or(false),
        state: p.state,
        search,
        sort: p.sort.unwrap_or_default().into(),
        offset,
        limit: per_page,
    };
    Ok((q, page, per_page))
}

async fn list(s: &AppState, p: VmListParams, managed: bool) -> Result<Json<VmList>, ApiError> {
    let (q, page, per_page) = query(p, managed)?;
    let r = s.vms.list(&q).await?;
    Ok(Json(VmList {
        items: r.items,
        total: r.total,
        page,
        per_page,
    }))
}

/// Managed VMs across hosts, filtered and paged.
#[utoipa::path(get, path = "/vms", tag = "vms", operation_id = "listVms", params(VmListParams),
    responses(
        (status = 200, description = "A page of managed VMs", body = VmList),
        (status = 400, description = "Bad filter or paging", body = ApiError),
    ))]
pub async fn list_vms(
    State(s): State<AppState>,
    AppQuery(p): AppQuery<VmListParams>,
) -> Result<Json<VmList>, ApiError> {
    list(&s, p, true).await
}

/// How many VMs each host has now (those marked gone aside): all of them, running, shut off,
/// managed, discovered and active; and the vCPUs and memory of all of them and of the active
/// ones. One query for the whole fleet; hosts without VMs are not listed.
#[utoipa::path(get, path = "/vm-counts", tag = "vms", operation_id = "vmCountsByHost",
    responses((status = 200, description = "VM counts of every host that has VMs", body = Vec<HostVmCounts>)))]
pub async fn vm_counts(State(s): State<AppState>) -> Result<Json<Vec<HostVmCounts>>, ApiError> {
    Ok(Json(s.vms.counts().await?))
}

/// Discovered VMs (found on hosts, not imported yet), filtered and paged.
#[utoipa::path(get, path = "/discovered-vms", tag = "vms", operation_id = "listDiscoveredVms", params(VmListParams),
    responses(
        (status = 200, description = "A page of discovered VMs", body = VmList),
        (status = 400, description = "Bad filter or paging", body = ApiError),
    ))]
pub async fn list_discovered_vms(
    State(s): State<AppState>,
    AppQuery(p): AppQuery<VmListParams>,
) -> Result<Json<VmList>, ApiError> {
    list(&s, p, false).await
}

/// One VM (managed or discovered) with all its normalized hardware.
#[utoipa::path(get, path = "/vms/{id}", tag = "vms", operation_id = "getVm",
    params(("id" = String, Path, description = "VM id")),
    responses(
        (status = 200, description = "The VM", body = VmDetail),
        (status = 400, description = "Malformed id", body = ApiError),
        (status = 404, description = "No such VM", body = ApiError),
    ))]
pub async fn get_vm(
    State(s): State<AppState>,
    VmPath(id): VmPath,
) -> Result<Json<VmDetail>, ApiError> {
    Ok(Json(s.vms.get_recognized(id).await?))
}

/// Imports VMs: they become managed. Ids that name no VM are reported, not fatal.
#[utoipa::path(post, path = "/vms/import", tag = "vms", operation_id = "importVms", request_body = VmSelection,
    responses(
        (status = 200, description = "Imported", body = BulkResult),
        (status = 400, description = "Malformed body", body = ApiError),
        (status = 413, description = "Body too large", body = ApiError),
        (status = 422, description = "No ids, or more than 10,000", body = ApiError),
    ))]
pub async fn import_vms(
    State(s): State<AppState>,
    AppJson(b): AppJson<VmSelection>,
) -> Result<Json<BulkResult>, ApiError> {
    Ok(Json(s.vms.import(&b.vm_ids).await?.into()))
}

/// Hides discovered VMs from the discovered list (they stay recorded).
#[utoipa::path(post, path = "/vms/dismiss", tag = "vms", operation_id = "dismissVms", request_body = VmSelection,
    responses(
        (status = 200, description = "Dismissed", body = BulkResult),
        (status = 400, description = "Malformed body", body = ApiError),
        (status = 413, description = "Body too large", body = ApiError),
        (status = 422, description = "No ids, or more than 10,000", body = ApiError),
    ))]
pub async fn dismiss_vms(
    State(s): State<AppState>,
    AppJson(b): AppJson<VmSelection>,
) -> Result<Json<BulkResult>, ApiError> {
    Ok(Json(s.vms.dismiss(&b.vm_ids).await?.into()))
}

/// Shows dismissed VMs in the discovered list again.
#[utoipa::path(post, path = "/vms/undismiss", tag = "vms", operation_id = "undismissVms", request_body = VmSelection,
    responses(
        (status = 200, description = "Shown again", body = BulkResult),
        (status = 400, description = "Malformed body", body = ApiError),
        (status = 413, description = "Body too large", body = ApiError),
        (status = 422, description = "No ids, or more than 10,000", body = ApiError),
    ))]
pub async fn undismiss_vms(
    State(s): State<AppState>,
    AppJson(b): AppJson<VmSelection>,
) -> Result<Json<BulkResult>, ApiError> {
    Ok(Json(s.vms.undismiss(&b.vm_ids).await?.into()))
}

/// Imports every discovered VM of a host, except those the user dismissed.
#[utoipa::path(post, path = "/hosts/{id}/actions/import-all", tag = "vms", operation_id = "importAllVms",
    params(("id" = String, Path, description = "Host id")),
    responses(
        (status = 200, description = "Imported", body = BulkResult),
        (status = 400, description = "Malformed id", body = ApiError),
        (status = 404, description = "No such host", body = ApiError),
    ))]
pub async fn import_all_vms(
    State(s): State<AppState>,
    HostPath(id): HostPath,
) -> Result<Json<BulkResult>, ApiError> {
    Ok(Json(s.vms.import_all(id).await?.into()))
}

/// Re-reads a connected host's whole inventory now; changes arrive as `inventoryChanged`.
#[utoipa::path(post, path = "/hosts/{id}/actions/resync", tag = "vms", operation_id = "resyncHost",
    params(("id" = String, Path, description = "Host id")),
    responses(
        (status = 202, description = "Resync started", body = Host),
        (status = 400, description = "Malformed id", body = ApiError),
        (status = 404, description = "No such host", body = ApiError),
    ))]
pub async fn resync_host(
    State(s): State<AppState>,
    HostPath(id): HostPath,
) -> Result<(StatusCode, Json<Host>), ApiError> {
    Ok((StatusCode::ACCEPTED, Json(s.fleet.resync(id).await?)))
}

/// Compares the stored configuration of a VM with the live one on its host (drift, F10).
#[utoipa::path(get, path = "/vms/{id}/drift", tag = "vms", operation_id = "getVmDrift",
    params(("id" = String, Path, description = "VM id")),
    responses(
        (status = 200, description = "Stored vs live configuration", body = VmDrift),
        (status = 400, description = "Malformed id", body = ApiError),
        (status = 404, description = "No such VM", body = ApiError),
        (status = 409, description = "The VM's host is not connected", body = ApiError),
    ))]
pub async fn get_vm_drift(
    State(s): State<AppState>,
    VmPath(id): VmPath,
) -> Result<Json<VmDrift>, ApiError> {
    let vm = s.vms.get(id).await?;
    Ok(Json(s.fleet.vm_drift(&vm).await?))
}

/// Re-reads one VM from its host now and answers with the stored result.
#[utoipa::path(post, path = "/vms/{id}/actions/resync", tag = "vms", operation_id = "resyncVm",
    params(("id" = String, Path, description = "VM id")),
    responses(
        (status = 200, description = "The VM as stored after the resync", body = VmDetail),
        (status = 400, description = "Malformed id", body = ApiError),
        (status = 404, description = "No such VM", body = ApiError),
        (status = 409, description = "The VM's host is not connected", body = ApiError),
    ))]
pub async fn resync_vm(
    State(s): State<AppState>,
    VmPath(id): VmPath,
) -> Result<Json<VmDetail>, ApiError> {
    let vm = s.vms.get(id).await?;
    s.fleet.resync_vm(&vm).await?;
    Ok(Json(s.vms.get_recognized(id).await?))
}
