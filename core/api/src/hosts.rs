//! `/api/v1/hosts`: add, list, get, change, delete, connect, disconnect, test a URI.

use crate::app_json::AppJson;
use crate::path_ids::HostPath;
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use virtumancer_engine::{HostChanges, NewHost, TestRequest};
use virtumancer_model::{Host, HostFacts, HostKey};

/// Body of `POST /hosts`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateHost {
    /// Display name: 1–64 characters, unique (case-insensitive).
    pub name: String,
    /// libvirt URI, e.g. `qemu+ssh://root@10.0.0.5:22/system`.
    pub uri: String,
    /// Absolute path of the SSH private key on the server (ssh transports only).
    pub key_file: Option<String>,
    /// Fingerprint of the SSH host key the user accepted (from `host_key_unverified`).
    pub accepted_host_key: Option<String>,
    /// Connect now and after restarts (default `true`).
    pub auto_connect: Option<bool>,
}

/// Body of `PATCH /hosts/{id}`; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateHost {
    /// New display name.
    pub name: Option<String>,
    /// New URI (reconnects the host).
    pub uri: Option<String>,
    /// New key file; empty string removes it.
    pub key_file: Option<String>,
    /// Newly accepted SSH host key fingerprint.
    pub accepted_host_key: Option<String>,
}

/// Body of `POST /hosts/test`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TestConnection {
    /// libvirt URI to try.
    pub uri: String,
    /// SSH private key on the server.
    pub key_file: Option<String>,
    /// Fingerprint of the SSH host key the user accepted.
    pub accepted_host_key: Option<String>,
}

/// What a successful connection test found.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionTestResult {
    /// Facts the host reported.
    pub facts: HostFacts,
    /// The verified SSH host key (ssh transports).
    pub host_key: Option<HostKey>,
}

/// Lists every host with its live state.
#[utoipa::path(get, path = "/hosts", tag = "hosts", operation_id = "listHosts",
    responses((status = 200, description = "All hosts, by name", body = [Host])))]
pub async fn list_hosts(State(s): State<AppState>) -> Result<Json<Vec<Host>>, ApiError> {
    Ok(Json(s.fleet.list().await?))
}

/// Adds a host. It connects in the background; watch `/api/v1/events` for its state.
/// ssh transports need `acceptedHostKey`: without it the answer is `host_key_unverified`
/// with the presented key in `details.hostKey`.
#[utoipa::path(post, path = "/hosts", tag = "hosts", operation_id = "createHost", request_body = CreateHost,
    responses(
        (status = 201, description = "Added", body = Host),
        (status = 400, description = "Malformed body", body = ApiError),
        (status = 409, description = "Name or URI taken", body = ApiError),
        (status = 413, description = "Body too large", body = ApiError),
        (status = 422, description = "Invalid name, URI or key; host key not accepted or changed; SSH host unreachable", body = ApiError),
    ))]
pub async fn create_host(
    State(s): State<AppState>,
    AppJson(b): AppJson<CreateHost>,
) -> Result<(StatusCode, Json<Host>), ApiError> {
    let req = NewHost {
        name: b.name,
        uri: b.uri,
        key_file: b.key_file,
        accepted_host_key: b.accepted_host_key,
        auto_connect: b.auto_connect.unwrap_or(true),
    };
    Ok((StatusCode::CREATED, Json(s.fleet.add(req).await?)))
}

/// Tries a URI (and key) without saving anything: connects, reads facts, disconnects.
#[utoipa::path(post, path = "/hosts/test", tag = "hosts", operation_id = "testConnection", request_body = TestConnection,
    responses(
        (status = 200, description = "Connected; the facts it reported", body = ConnectionTestResult),
        (status = 400, description = "Malformed body", body = ApiError),
        (status = 422, description = "Invalid URI, host key to accept, changed host key, authentication or connection failure", body = ApiError),
    ))]
pub async fn test_connection(
    State(s): State<AppState>,
    AppJson(b): AppJson<TestConnection>,
) -> Result<Json<ConnectionTestResult>, ApiError> {
    let t = s
        .fleet
        .test_connection(TestRequest {
            uri: b.uri,
            key_file: b.key_file,
            accepted_host_key: b.accepted_host_key,
        })
        .await?;
    Ok(Json(ConnectionTestResult {
        facts: t.facts,
        host_key: t.host_key,
    }))
}

/// One host.
#[utoipa::path(get, path = "/hosts/{id}", tag = "hosts", operation_id = "getHost",
    params(("id" = String, Path, description = "Host id")),
    responses(
        (status = 200, description = "The host", body = Host),
        (status = 400, description = "Malformed id", body = ApiError),
        (status = 404, description = "No such host", body = ApiError),
    ))]
pub async fn get_host(
    State(s): State<AppState>,
    HostPath(id): HostPath,
) -> Result<Json<Host>, ApiError> {
    Ok(Json(s.fleet.get(id).await?))
}

/// Renames or reconfigures a host. Changing the URI or key reconnects it.
#[utoipa::path(patch, path = "/hosts/{id}", tag = "hosts", operation_id = "updateHost", request_body = UpdateHost,
    params(("id" = String, Path, description = "Host id")),
    responses(
        (status = 200, description = "Updated", body = Host),
        (status = 400, description = "Malformed id or body", body = ApiError),
        (status = 404, description = "No such host", body = ApiError),
        (status = 409, description = "Name or URI taken", body = ApiError),
        (status = 422, description = "Invalid name, URI or key; host key not accepted or changed", body = ApiError),
    ))]
pub async fn update_host(
    State(s): State<AppState>,
    HostPath(id): HostPath,
    AppJson(b): AppJson<UpdateHost>,
) -> Result<Json<Host>, ApiError> {
    let changes = HostChanges {
        name: b.name,
        uri: b.uri,
        key_file: b.key_file,
        accepted_host_key: b.accepted_host_key,
    };
    Ok(Json(s.fleet.update(id, changes).await?))
}

/// Deletes a host (closing its connection). Its VMs are not touched.
#[utoipa::path(delete, path = "/hosts/{id}", tag = "hosts", operation_id = "deleteHost",
    params(("id" = String, Path, description = "Host id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "Malformed id", body = ApiError),
        (status = 404, description = "No such host", body = ApiError),
    ))]
pub async fn delete_host(
    State(s): State<AppState>,
    HostPath(id): HostPath,
) -> Result<StatusCode, ApiError> {
    s.fleet.remove(id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Connects a host (in the background) and keeps it connected across restarts.
#[utoipa::path(post, path = "/hosts/{id}/actions/connect", tag = "hosts", operation_id = "connectHost",
    params(("id" = String, Path, description = "Host id")),
    responses(
        (status = 202, description = "Connecting; the state arrives over the event stream", body = Host),
        (status = 400, description = "Malformed id", body = ApiError),
        (status = 404, description = "No such host", body = ApiError),
    ))]
pub async fn connect_host(
    State(s): State<AppState>,
    HostPath(id): HostPath,
) -> Result<(StatusCode, Json<Host>), ApiError> {
    Ok((StatusCode::ACCEPTED, Json(s.fleet.connect(id).await?)))
}

/// Disconnects a host; it stays disconnected across restarts until connected again.
#[utoipa::path(post, path = "/hosts/{id}/actions/disconnect", tag = "hosts", operation_id = "disconnectHost",
    params(("id" = String, Path, description = "Host id")),
    responses(
        (status = 202, description = "Disconnecting", body = Host),
        (status = 400, description = "Malformed id", body = ApiError),
        (status = 404, description = "No such host", body = ApiError),
    ))]
pub async fn disconnect_host(
    State(s): State<AppState>,
    HostPath(id): HostPath,
) -> Result<(StatusCode, Json<Host>), ApiError> {
    Ok((StatusCode::ACCEPTED, Json(s.fleet.disconnect(id).await?)))
}
