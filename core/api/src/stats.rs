//! Live usage: `/api/v1/vms/{id}/stats`, `/api/v1/hosts/{id}/stats`, `/api/v1/stats/vms`.
//! Recent history comes from memory; hours, days and weeks from the downsampled history in the
//! database.

use crate::app_query::AppQuery;
use crate::path_ids::{HostPath, VmPath};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use virtumancer_engine::HistoryPoint;
use virtumancer_model::{HostStats, VmStats};
use virtumancer_store::{StatsRow, StatsTarget};

/// How far back a history goes, and at which resolution.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum StatsRange {
    /// The samples in memory: the last 300 ticks (5 minutes at the fast tick, 50 at the slow one).
    #[default]
    Recent,
    /// 1-minute averages of the last hour.
    Hour,
    /// 1-minute averages of the last day.
    Day,
    /// 10-minute averages of the last week.
    Week,
}

/// The history window.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StatsParams {
    /// The window (default `recent`).
    range: Option<StatsRange>,
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

/// A host's latest usage and history (CPU and memory used).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HostStatsHistory {
    /// The latest sample; `None` while the host is not connected or not sampled yet.
    pub latest: Option<HostStats>,
    /// Oldest first.
    pub points: Vec<StatsPoint>,
}

impl From<StatsRow> for StatsPoint {
    fn from(r: StatsRow) -> Self {
        Self {
            at: DateTime::from_timestamp(r.bucket, 0).unwrap_or_default(),
            cpu_percent: r.cpu_percent,
            memory_used_bytes: r.memory_used_bytes,
            disk_read_bps: r.disk_read_bps,
            disk_write_bps: r.disk_write_bps,
            net_rx_bps: r.net_rx_bps,
            net_tx_bps: r.net_tx_bps,
        }
    }
}

/// The stored history of a target for a range other than `recent`.
async fn stored(
    s: &AppState,
    kind: StatsTarget,
    id: String,
    range: StatsRange,
) -> Result<Vec<StatsPoint>, ApiError> {
    let now = Utc::now().timestamp();
    let (resolution, since) = match range {
        StatsRange::Recent => return Ok(Vec::new()),
        StatsRange::Hour => (60, now - 3600),
        StatsRange::Day => (60, now - 86_400),
        StatsRange::Week => (600, now - 7 * 86_400),
    };
    let rows = s
        .fleet
        .store()
        .stats_history(kind, &id, resolution, since)
        .await
        .map_err(|e| ApiError::internal("reading usage history", &e))?;
    Ok(rows.into_iter().map(StatsPoint::from).collect())
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
    s.vms.get(id).await?;
    let range = p.range.unwrap_or_default();
    let (latest, recent) = s.fleet.stats().vm(id, 0).unzip();
    let points = match range {
        StatsRange::Recent => recent
            .unwrap_or_default()
            .into_iter()
            .map(StatsPoint::from)
            .collect(),
        _ => stored(&s, StatsTarget::Vm, id.to_string(), range).await?,
    };
    Ok(Json(VmStatsHistory { latest, points }))
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
    s.fleet.get(id).await?;
    let range = p.range.unwrap_or_default();
    let (latest, recent) = s.fleet.stats().host(id, 0).unzip();
    let points = match range {
        StatsRange::Recent => recent
            .unwrap_or_default()
            .iter()
            .map(|h| StatsPoint {
                at: h.at,
                cpu_percent: h.cpu_percent,
                memory_used_bytes: h.memory_used_bytes.map(|b| b as f64),
                disk_read_bps: None,
                disk_write_bps: None,
                net_rx_bps: None,
                net_tx_bps: None,
            })
            .collect(),
        _ => stored(&s, StatsTarget::Host, id.to_string(), range).await?,
    };
    Ok(Json(HostStatsHistory { latest, points }))
}

/// The latest usage of every VM on every connected host (for lists; live updates come from
/// the `stats` event topic).
#[utoipa::path(get, path = "/stats/vms", tag = "stats", operation_id = "listVmStats",
    responses((status = 200, description = "Latest usage of every sampled VM", body = Vec<VmStats>)))]
pub async fn all_vm_stats(State(s): State<AppState>) -> Json<Vec<VmStats>> {
    Json(s.fleet.stats().latest_vms())
}
