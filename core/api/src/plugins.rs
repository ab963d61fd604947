//! Plugins: the built-ins linked into the server and the installed WASM plugins, listed
//! together; WASM plugins are installed, enabled, disabled, granted capabilities, configured,
//! reloaded and removed while the server runs.

use crate::plugin_entry::PluginEntry;
use crate::{ApiError, AppState, ErrorCode};
use axum::Json;
use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use std::collections::BTreeSet;
use std::sync::Arc;
use utoipa::ToSchema;
use virtumancer_plugin_host::{Capability, CatalogError, PluginCatalog};

impl From<CatalogError> for ApiError {
    fn from(e: CatalogError) -> Self {
        let msg = e.to_string();
        match e {
            CatalogError::NotFound(_) => Self::new(ErrorCode::PluginNotFound, msg),
            CatalogError::AlreadyInstalled(_) => Self::new(ErrorCode::PluginExists, msg),
            CatalogError::Load(_) => Self::new(ErrorCode::InvalidPlugin, msg),
            CatalogError::Refused(_) => Self::new(ErrorCode::InvalidRequest, msg),
            CatalogError::Io(_) => Self::internal("plugins directory", &e),
        }
    }
}

fn catalog(s: &AppState) -> Result<&Arc<PluginCatalog>, ApiError> {
    s.plugins.as_ref().ok_or_else(|| {
        ApiError::new(
            ErrorCode::PluginNotFound,
            "this server runs without WASM plugins",
        )
    })
}

/// The plugin as listed, read off the async threads (listing asks a network driver for its
/// NIC kinds, which is a plugin call).
async fn entry(c: &Arc<PluginCatalog>, id: &str) -> Result<PluginEntry, ApiError> {
    let (c, id) = (Arc::clone(c), id.to_owned());
    tokio::task::spawn_blocking(move || entry_now(&c, &id))
        .await
        .map_err(|e| ApiError::internal("reading a plugin", &e))?
}

fn entry_now(c: &PluginCatalog, id: &str) -> Result<PluginEntry, ApiError> {
    let installed = c
        .list()
        .into_iter()
        .find(|i| match i {
            virtumancer_plugin_host::Installed::Loaded(p) => p.manifest().id == id,
            virtumancer_plugin_host::Installed::Broken { id: b, .. } => b == id,
        })
        .ok_or_else(|| ApiError::from(CatalogError::NotFound(id.to_owned())))?;
    Ok(PluginEntry::wasm(
        &installed,
        &c.state(id).unwrap_or_default(),
    ))
}

/// Refuses ids of built-in plugins, which cannot be changed through these routes.
fn not_builtin(s: &AppState, id: &str) -> Result<(), ApiError> {
    if s.fleet.registry().plugins().iter().any(|p| p.kind == id) {
        return Err(ApiError::new(
            ErrorCode::ActionNotAllowed,
            format!("'{id}' is a built-in plugin; it is part of the server"),
        ));
    }
    Ok(())
}

/// Every plugin: the built-ins, then the installed WASM plugins with their state
/// (enabled, disabled, unhealthy, broken), grants, limits and call statistics.
#[utoipa::path(get, path = "/plugins", tag = "plugins", operation_id = "listPlugins",
    responses((status = 200, description = "Built-in and WASM plugins", body = [PluginEntry])))]
pub async fn list_plugins(State(s): State<AppState>) -> Json<Vec<PluginEntry>> {
    let mut all: Vec<PluginEntry> = s
        .fleet
        .registry()
        .plugins()
        .iter()
        .map(PluginEntry::from)
        .collect();
    if let Some(c) = &s.plugins {
        let c = Arc::clone(c);
        let wasm = tokio::task::spawn_blocking(move || {
            c.list()
                .iter()
                .map(|i| {
                    let id = match i {
                        virtumancer_plugin_host::Installed::Loaded(p) => p.manifest().id.clone(),
                        virtumancer_plugin_host::Installed::Broken { id, .. } => id.clone(),
                    };
                    PluginEntry::wasm(i, &c.state(&id).unwrap_or_default())
                })
                .collect::<Vec<_>>()
        })
        .await
        .unwrap_or_default();
        all.extend(wasm);
    }
    Json(all)
}

/// Installs a WASM plugin from a `multipart/form-data` upload with two parts: `manifest`
/// (the `plugin.toml` text) and `component` (the `.wasm` file). The component is compiled,
/// checked against the contract and asked to describe itself before anything is kept; it
/// starts enabled, with no capability granted.
#[utoipa::path(post, path = "/plugins", tag = "plugins", operation_id = "installPlugin",
    request_body(content_type = "multipart/form-data", description = "`manifest` (text) and `component` (binary)"),
    responses(
        (status = 201, description = "Installed", body = PluginEntry),
        (status = 400, description = "Not a multipart upload with both parts", body = ApiError),
        (status = 409, description = "A plugin with this id is installed", body = ApiError),
        (status = 413, description = "Larger than the upload limit", body = ApiError),
        (status = 422, description = "The manifest or component is refused (the reason says why)", body = ApiError),
    ))]
pub async fn install_plugin(
    State(s): State<AppState>,
    form: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<PluginEntry>), ApiError> {
    let mut form = form.map_err(|r| ApiError::new(ErrorCode::InvalidJson, r.body_text()))?;
    let c = Arc::clone(catalog(&s)?);
    let (mut manifest, mut component) = (None, None);
    let bad = |m: String| ApiError::new(ErrorCode::InvalidJson, m);
    let read_err = |e: MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                ErrorCode::PayloadTooLarge,
                format!(
                    "the upload is larger than {} MiB",
                    crate::MAX_PLUGIN_UPLOAD_BYTES >> 20
                ),
            )
        } else {
            bad(e.body_text())
        }
    };
    while let Some(field) = form.next_field().await.map_err(read_err)? {
        match field.name() {
            Some("manifest") => manifest = Some(field.text().await.map_err(read_err)?),
            Some("component") => component = Some(field.bytes().await.map_err(read_err)?),
            other => {
                return Err(bad(format!(
                    "unexpected part {other:?}; send `manifest` and `component`"
                )));
            }
        }
    }
    let (Some(manifest), Some(component)) = (manifest, component) else {
        return Err(bad("send both parts, `manifest` and `component`".into()));
    };
    // A plugin may not take a built-in's name; checked before anything is written.
    if let Ok(m) = virtumancer_plugin_host::Manifest::parse(&manifest) {
        not_builtin(&s, &m.id)?;
    }
    let id = tokio::task::spawn_blocking({
        let c = Arc::clone(&c);
        move || {
            c.install(&manifest, &component)
                .map(|p| p.manifest().id.clone())
        }
    })
    .await
    .map_err(|e| ApiError::internal("installing a plugin", &e))??;
    Ok((StatusCode::CREATED, Json(entry(&c, &id).await?)))
}

/// A change of a WASM plugin's state.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum PluginAction {
    /// Call it again (forgives past faults).
    Enable,
    /// Stop calling it.
    Disable,
    /// Load it again from its directory (a new component or manifest takes effect).
    Reload,
}

/// Enables, disables or reloads a WASM plugin.
#[utoipa::path(post, path = "/plugins/{id}/actions/{action}", tag = "plugins",
    operation_id = "pluginAction",
    params(("id" = String, Path, description = "Plugin id"), ("action" = PluginAction, Path, description = "The action")),
    responses(
        (status = 200, description = "Done; the plugin now", body = PluginEntry),
        (status = 400, description = "Unknown action", body = ApiError),
        (status = 404, description = "No such plugin", body = ApiError),
        (status = 409, description = "A built-in plugin", body = ApiError),
    ))]
pub async fn plugin_action(
    State(s): State<AppState>,
    Path((id, action)): Path<(String, String)>,
) -> Result<Json<PluginEntry>, ApiError> {
    let action = match action.as_str() {
        "enable" => PluginAction::Enable,
        "disable" => PluginAction::Disable,
        "reload" => PluginAction::Reload,
        other => {
            return Err(ApiError::new(
                ErrorCode::UnknownAction,
                format!("'{other}' is not a plugin action (enable, disable, reload)"),
            ));
        }
    };
    not_builtin(&s, &id)?;
    let c = Arc::clone(catalog(&s)?);
    let done_id = id.clone();
    tokio::task::spawn_blocking(move || match action {
        PluginAction::Enable => c.set_enabled(&done_id, true).map(drop),
        PluginAction::Disable => c.set_enabled(&done_id, false).map(drop),
        PluginAction::Reload => c.reload(&done_id).map(drop),
    })
    .await
    .map_err(|e| ApiError::internal("a plugin action", &e))??;
    Ok(Json(entry(catalog(&s)?, &id).await?))
}

/// The capabilities granted to a WASM plugin.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PluginGrants {
    /// Capabilities to grant (`kv`, `inventory-read`, `clock`); each one the manifest asks
    /// for; the others are revoked.
    #[schema(value_type = Vec<String>)]
    pub capabilities: BTreeSet<Capability>,
}

/// Sets the capabilities granted to a WASM plugin; effective from its next call.
#[utoipa::path(put, path = "/plugins/{id}/grants", tag = "plugins", operation_id = "setPluginGrants",
    params(("id" = String, Path, description = "Plugin id")),
    request_body = PluginGrants,
    responses(
        (status = 200, description = "Granted; the plugin now", body = PluginEntry),
        (status = 400, description = "Malformed body or unknown capability", body = ApiError),
        (status = 404, description = "No such plugin", body = ApiError),
        (status = 422, description = "A capability its manifest does not ask for", body = ApiError),
    ))]
pub async fn set_plugin_grants(
    State(s): State<AppState>,
    Path(id): Path<String>,
    crate::app_json::AppJson(body): crate::app_json::AppJson<PluginGrants>,
) -> Result<Json<PluginEntry>, ApiError> {
    not_builtin(&s, &id)?;
    let c = catalog(&s)?;
    c.set_grants(&id, &body.capabilities)?;
    Ok(Json(entry(c, &id).await?))
}

/// Passes a configuration (JSON, valid against the plugin's `configSchema`) to a WASM plugin
/// and keeps it when the plugin accepts it.
#[utoipa::path(put, path = "/plugins/{id}/config", tag = "plugins", operation_id = "setPluginConfig",
    params(("id" = String, Path, description = "Plugin id")),
    request_body(content = Object, description = "The configuration"),
    responses(
        (status = 200, description = "Accepted; the plugin now", body = PluginEntry),
        (status = 400, description = "Malformed JSON", body = ApiError),
        (status = 404, description = "No such plugin", body = ApiError),
        (status = 422, description = "The plugin refused it (its reason)", body = ApiError),
    ))]
pub async fn set_plugin_config(
    State(s): State<AppState>,
    Path(id): Path<String>,
    crate::app_json::AppJson(config): crate::app_json::AppJson<serde_json::Value>,
) -> Result<Json<PluginEntry>, ApiError> {
    not_builtin(&s, &id)?;
    let c = Arc::clone(catalog(&s)?);
    let cid = id.clone();
    tokio::task::spawn_blocking(move || c.configure(&cid, &config))
        .await
        .map_err(|e| ApiError::internal("configuring a plugin", &e))??;
    Ok(Json(entry(catalog(&s)?, &id).await?))
}

/// Removes a WASM plugin and its files.
#[utoipa::path(delete, path = "/plugins/{id}", tag = "plugins", operation_id = "removePlugin",
    params(("id" = String, Path, description = "Plugin id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "No such plugin", body = ApiError),
        (status = 409, description = "A built-in plugin", body = ApiError),
    ))]
pub async fn remove_plugin(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    not_builtin(&s, &id)?;
    catalog(&s)?.remove(&id)?;
    Ok(StatusCode::NO_CONTENT)
}
