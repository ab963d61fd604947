//! `GET /api/v1/health`.

use crate::{ApiError, AppState, ErrorCode};
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use virtumancer_model::HostState;

/// The server's health.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    /// `ok`.
    pub status: String,
    /// Server version.
    pub version: String,
    /// Seconds since start.
    pub uptime_seconds: u64,
    /// `ok` when the database answers.
    pub database: String,
    /// Host counts.
    pub hosts: HostCounts,
}

/// How many hosts there are and how many are connected.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HostCounts {
    /// All hosts.
    pub total: usize,
    /// Hosts in state `connected`.
    pub connected: usize,
}

/// Reports whether the server and its database work.
#[utoipa::path(get, path = "/health", tag = "system", operation_id = "health",
    responses(
        (status = 200, description = "Healthy", body = Health),
        (status = 503, description = "The database does not answer", body = ApiError),
    ))]
pub async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    let unavailable = |_| ApiError::new(ErrorCode::Unavailable, "the database does not answer");
    state.fleet.ping_store().await.map_err(unavailable)?;
    let hosts = state.fleet.list().await.map_err(unavailable)?;
    Ok(Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        uptime_seconds: state.started.elapsed().as_secs(),
        database: "ok".into(),
        hosts: HostCounts {
            total: hosts.len(),
            connected: hosts
                .iter()
                .filter(|h| h.state == HostState::Connected)
                .count(),
        },
    }))
}
