//! Typed ids from the URL path: a malformed id is `invalid_id`, never a 5xx or a plain-text 400.

use crate::{ApiError, ErrorCode};
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use std::str::FromStr;
use virtumancer_model::{HostId, VmId};

async fn parse<S: Send + Sync, T: FromStr>(
    parts: &mut Parts,
    state: &S,
    what: &str,
) -> Result<T, ApiError> {
    let Path(raw) = Path::<String>::from_request_parts(parts, state)
        .await
        .map_err(|r| ApiError::new(ErrorCode::InvalidId, r.body_text()))?;
    raw.parse().map_err(|_| {
        ApiError::new(
            ErrorCode::InvalidId,
            format!("'{raw}' is not a {what} id (a UUID)"),
        )
    })
}

/// The `{id}` of a `/hosts/{id}…` route.
#[derive(Debug, Clone, Copy)]
pub struct HostPath(pub HostId);

impl<S: Send + Sync> FromRequestParts<S> for HostPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        parse(parts, state, "host").await.map(Self)
    }
}

/// The `{id}` of a `/vms/{id}…` route.
#[derive(Debug, Clone, Copy)]
pub struct VmPath(pub VmId);

impl<S: Send + Sync> FromRequestParts<S> for VmPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        parse(parts, state, "VM").await.map(Self)
    }
}

/// The `{id}` of a `/tasks/{id}` route.
#[derive(Debug, Clone, Copy)]
pub struct TaskPath(pub virtumancer_model::TaskId);

impl<S: Send + Sync> FromRequestParts<S> for TaskPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        parse(parts, state, "task").await.map(Self)
    }
}
