//! Who asked for a change: the `X-Requested-By` header when a client names itself (scripts,
//! the web UI), otherwise the client's address. Virtumancer has no user accounts yet; this is
//! what task history can honestly record.

use crate::ApiError;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use std::net::SocketAddr;

/// The recorded requester of a change.
#[derive(Debug, Clone)]
pub struct RequestedBy(pub String);

/// Longest accepted `X-Requested-By` value.
const MAX_LEN: usize = 64;

impl<S: Send + Sync> FromRequestParts<S> for RequestedBy {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let addr = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string());
        let named = parts
            .headers
            .get("x-requested-by")
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty() && !v.chars().any(char::is_control))
            .map(|v| v.chars().take(MAX_LEN).collect::<String>());
        Ok(Self(match (named, addr) {
            (Some(n), Some(a)) => format!("{n} ({a})"),
            (Some(n), None) => n,
            (None, Some(a)) => a,
            (None, None) => "api".to_owned(),
        }))
    }
}
