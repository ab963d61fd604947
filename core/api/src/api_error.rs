//! The one error shape of the API.

use crate::ErrorCode;
use axum::Json;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use virtumancer_drivers::{ConnectError, DriverError};
use virtumancer_engine::EngineError;
use virtumancer_model::HostUriError;

/// Every non-2xx answer: `{code, message, details}`. 4xx messages say what is wrong; 5xx
/// messages are generic and the cause is logged.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiError {
    /// Stable machine-readable code.
    pub code: ErrorCode,
    /// Human-readable explanation.
    pub message: String,
    /// Structured context, e.g. `{"hostKey": {...}}` for `host_key_unverified`.
    #[schema(value_type = Option<Object>)]
    pub details: Option<serde_json::Value>,
}

impl ApiError {
    /// An error without details.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            details: None,
        }
    }

    /// Adds structured details.
    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.details = Some(details);
        self
    }

    /// The answer for an unknown `/api/…` route.
    pub fn route_not_found(path: &str) -> Self {
        Self::new(ErrorCode::NotFound, format!("no API route at {path}"))
    }

    pub(crate) fn internal(context: &str, err: &dyn std::error::Error) -> Self {
        let chain = virtumancer_engine::with_causes(err);
        tracing::error!(error = %chain, "{context}");
        Self::new(
            ErrorCode::Internal,
            "internal server error; the server log has details",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.code.status(), Json(self)).into_response()
    }
}

impl From<ConnectError> for ApiError {
    fn from(e: ConnectError) -> Self {
        let msg = e.to_string();
        match e {
            ConnectError::HostKeyUnverified { presented } => {
                Self::new(ErrorCode::HostKeyUnverified, msg)
                    .with_details(serde_json::json!({ "hostKey": presented }))
            }
            ConnectError::HostKeyMismatch {
                accepted,
                presented,
            } => Self::new(ErrorCode::HostKeyMismatch, msg).with_details(
                serde_json::json!({ "acceptedFingerprint": accepted, "hostKey": presented }),
            ),
            ConnectError::AuthFailed(_) => Self::new(ErrorCode::AuthenticationFailed, msg),
            ConnectError::Unreachable(_) => Self::new(ErrorCode::HostUnreachable, msg),
            ConnectError::Failed(_) | ConnectError::InvalidSpec(_) => {
                Self::new(ErrorCode::ConnectionFailed, msg)
            }
        }
    }
}

impl From<EngineError> for ApiError {
    fn from(e: EngineError) -> Self {
        let msg = e.to_string();
        match e {
            EngineError::HostNotFound(_) => Self::new(ErrorCode::HostNotFound, msg),
            EngineError::VmNotFound(_) => Self::new(ErrorCode::VmNotFound, msg),
            EngineError::NetworkNotFound { .. } => Self::new(ErrorCode::NetworkNotFound, msg),
            EngineError::NetworkNameTaken { .. } => Self::new(ErrorCode::NetworkNameTaken, msg),
            EngineError::NicNotFound { .. } => Self::new(ErrorCode::NicNotFound, msg),
            EngineError::NetworkInUse { ref users, .. } => {
                let users = users.clone();
                Self::new(ErrorCode::NetworkInUse, msg)
                    .with_details(serde_json::json!({ "users": users }))
            }
            EngineError::PortgroupNotFound { .. } => Self::new(ErrorCode::PortgroupNotFound, msg),
            EngineError::PortgroupNameTaken { .. } => Self::new(ErrorCode::PortgroupNameTaken, msg),
            EngineError::PortgroupInUse { ref users, .. } => {
                let users = users.clone();
                Self::new(ErrorCode::PortgroupInUse, msg)
                    .with_details(serde_json::json!({ "users": users }))
            }
            EngineError::PolicyViolation(ref violations) => {
                let violations = serde_json::to_value(violations).unwrap_or_default();
                Self::new(ErrorCode::PolicyViolation, msg)
                    .with_details(serde_json::json!({ "violations": violations }))
            }
            EngineError::HostNotConnected(_) => Self::new(ErrorCode::HostNotConnected, msg),
            EngineError::InvalidRequest(_) => Self::new(ErrorCode::InvalidRequest, msg),
            EngineError::ActionNotAllowed(_) => Self::new(ErrorCode::ActionNotAllowed, msg),
            EngineError::Unsupported(_) => Self::new(ErrorCode::ActionUnsupported, msg),
            EngineError::TaskNotFound(_) => Self::new(ErrorCode::TaskNotFound, msg),
            EngineError::InvalidName(_) => Self::new(ErrorCode::InvalidName, msg),
            EngineError::InvalidUri(HostUriError::UnsupportedScheme { .. }) => {
                Self::new(ErrorCode::UnsupportedUriScheme, msg)
            }
            EngineError::InvalidUri(_) => Self::new(ErrorCode::InvalidUri, msg),
            EngineError::InvalidKeyFile(_) => Self::new(ErrorCode::InvalidKeyFile, msg),
            EngineError::NameTaken(_) => Self::new(ErrorCode::HostNameTaken, msg),
            EngineError::UriTaken(_) => Self::new(ErrorCode::HostUriTaken, msg),
            EngineError::NoDriver(_) => Self::new(ErrorCode::NoDriverForUri, msg),
            EngineError::Connect(c) => c.into(),
            EngineError::Driver(DriverError::Unavailable(_)) => {
                Self::new(ErrorCode::HostUnreachable, msg)
            }
            EngineError::Driver(d) => Self::new(ErrorCode::ConnectionFailed, d.to_string()),
            EngineError::Store(ref s) => Self::internal("database error", s),
        }
    }
}
