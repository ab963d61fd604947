//! `GET /api/v1/plugins`.

use crate::AppState;
use axum::Json;
use axum::extract::State;
use virtumancer_drivers::PluginInfo;

/// Lists the driver plugins the server was built with.
#[utoipa::path(get, path = "/plugins", tag = "plugins", operation_id = "listPlugins",
    responses((status = 200, description = "Registered plugins, by kind", body = [PluginInfo])))]
pub async fn list_plugins(State(state): State<AppState>) -> Json<Vec<PluginInfo>> {
    Json(state.fleet.registry().plugins().to_vec())
}
