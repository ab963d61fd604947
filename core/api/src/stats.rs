//! Live usage: `/api/v1/vms/{id}/stats`, `/api/v1/hosts/{id}/stats`, `/api/v1/stats/vms`.
//! Recent history comes from memory (10 minutes at the fast tick).

use crate::app_query::AppQuery;
use crate::path_ids::{HostPath, VmPath};
use crate::{ApiError, AppState, ErrorCode};
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use virtumancer_engine::HistoryPoint;
use virtumancer_model::{HostStats, VmStats};

/// Longest history window, minutes.
const MAX_MINUTES: u32 = 60;

/// The history window.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StatsParams {
    /// Minutes of history, 1–60 (default 10).
    minutes: Option<u32>,
}

/// One point of a VM's usage history.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatsPoint {
    /// When.
    pub at: DateTime<Utc>,
    /// CPU share of the VM's vCPUs, 0–100.
    pub cpu_percent: Option<f64>,
    /// Memory used, bytes.
    pub memory_used_bytes: Option<f64>,
    /// Disk reads, bytes/s.
    pub disk_read_bps: Option<f64>,
    /// Disk writes, bytes/s.
    pub disk_write_bps: Option<f64>,
    /// Network receive, bytes/s.
    pub net_rx_bps: Option<f64>,
    /// Network transmit, bytes/s.
    pub net_tx_bps: Option<f64>,
}

fn opt(v: f32) -> Option<f64> {
    (!v.is_nan()).then_some(f64::from(v))
}

impl From<HistoryPoint> for StatsPoint {
    fn from(p: HistoryPoint) -> Self {
        Self {
            at: DateTime::from_timestamp_millis(p.at_ms).unwrap_or_default(),
            cpu_percent: opt(p.cpu_percent),
            memory_used_bytes: opt(p.memory_used_bytes),
            disk_read_bps: opt(p.disk_read_bps),
            disk_write_bps: opt(p.disk_write_bps),
            net_rx_bps: opt(p.net_rx_bps),
            net_tx_bps: opt(p.net_tx_bps),
        }
    }
}

/// A VM's latest usage and recent history.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VmStatsHistory {
    /// The latest sample; `None` while the host is not connected or not sampled yet.
    pub latest: Option<VmStats>,
    /// Oldest first.
    pub points: Vec<StatsPoint>,
}

/// A host's latest usage and recent history.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HostStatsHistory {
    /// The latest sample; `None` while the host is not connected or not sampled yet.
    pub latest: Option<HostStats>,
    /// Oldest first.
    pub points: Vec<HostStats>,
}

fn since(p: &StatsParams) -> Result<i64, ApiError> {
    let minutes = p.minutes.unwrap_or(10);
    if !(1..=MAX_MINUTES).contains(&minutes) {
        return Err(ApiError::new(
            ErrorCode::InvalidQuery,
            format!("minutes must be 1–{MAX_MINUTES}, got {minutes}"),
        ));
    }
    Ok(Utc::now().timestamp_millis() - i64::from(minutes) * 60_000)
}

/// A VM's live usage and recent history.
#[utoipa::path(get, path = "/vms/{id}/stats", tag = "stats", operation_id = "getVmStats",
    params(("id" = String, Path, description = "VM id"), StatsParams),
    responses(
        (status = 200, description = "Latest usage and history", body = VmStatsHistory),
        (status = 400, description = "Malformed id or window", body = ApiError),
        (status = 404, description = "No such VM", body = ApiError),
    ))]
pub async fn vm_stats(
    State(s): State<AppState>,
    VmPath(id): VmPath,
    AppQuery(p): AppQuery<StatsParams>,
) -> Result<Json<VmStatsHistory>, ApiError> {
    let since = since(&p)?;
    s.vms.get(id).await?;
    let found = s.fleet.stats().vm(id, since);
    Ok(Json(match found {
        Some((latest, points)) => VmStatsHistory {
            latest: Some(latest),
            points: points.into_iter().map(StatsPoint::from).collect(),
        },
        None => VmStatsHistory {
            latest: None,
            points: Vec::new(),
        },
    }))
}

/// A host's live usage and recent history.
#[utoipa::path(get, path = "/hosts/{id}/stats", tag = "stats", operation_id = "getHostStats",
    params(("id" = String, Path, description = "Host id"), StatsParams),
    responses(
        (status = 200, description = "Latest usage and history", body = HostStatsHistory),
        (status = 400, description = "Malformed id or window", body = ApiError),
        (status = 404, description = "No such host", body = ApiError),
    ))]
pub async fn host_stats(
    State(s): State<AppState>,
    HostPath(id): HostPath,
    AppQuery(p): AppQuery<StatsParams>,
) -> Result<Json<HostStatsHistory>, ApiError> {
    let since = since(&p)?;
    s.fleet.get(id).await?;
    let (latest, points) = s.fleet.stats().host(id, since).unzip();
    Ok(Json(HostStatsHistory {
        latest,
        points: points.unwrap_or_default(),
    }))
}

/// The latest usage of every VM on every connected host (for lists; live updates come from
/// the `stats` event topic).
#[utoipa::path(get, path = "/stats/vms", tag = "stats", operation_id = "listVmStats",
    responses((status = 200, description = "Latest usage of every sampled VM", body = Vec<VmStats>)))]
pub async fn all_vm_stats(State(s): State<AppState>) -> Json<Vec<VmStats>> {
    Json(s.fleet.stats().latest_vms())
}
