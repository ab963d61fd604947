//! The stable table of API error codes. Codes are never renamed or reused; docs/api.md lists
//! them with their HTTP status.

use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

/// Machine-readable error code of an [`crate::ApiError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 400: the body is not valid JSON or does not match the schema.
    InvalidJson,
    /// 400: a path id is not a valid id.
    InvalidId,
    /// 400: the query string has an unknown parameter or a bad value.
    InvalidQuery,
    /// 413: the body exceeds the size limit.
    PayloadTooLarge,
    /// 415: the body is not `application/json`.
    UnsupportedMediaType,
    /// 422: the name is empty, too long or has control characters.
    InvalidName,
    /// 422: the URI is malformed or not usable.
    InvalidUri,
    /// 422: the URI scheme names an unsupported driver or transport.
    UnsupportedUriScheme,
    /// 422: the key file is not usable.
    InvalidKeyFile,
    /// 422: no plugin handles the URI.
    NoDriverForUri,
    /// 404: no host with that id.
    HostNotFound,
    /// 404: no VM with that id.
    VmNotFound,
    NetworkNotFound,
    NetworkInUse,
    NetworkNameTaken,
    NicNotFound,
    /// 404: the network has no such portgroup.
    PortgroupNotFound,
    /// 409: NICs use the portgroup (`details.users`).
    PortgroupInUse,
    /// 409: the network has a portgroup of that name.
    PortgroupNameTaken,
    /// 404: no such plugin.
    PluginNotFound,
    /// 409: a plugin with that id is installed.
    PluginExists,
    /// 422: the uploaded manifest or component is refused.
    InvalidPlugin,
    /// 422: plugins' checks refuse the change (`details.violations`: plugin, field, message).
    PolicyViolation,
    /// 422: the request is well-formed but cannot be carried out as asked (message says why).
    InvalidRequest,
    /// 409: another host has that name.
    HostNameTaken,
    /// 409: another host has that URI.
    HostUriTaken,
    /// 409: the host must be connected for this.
    HostNotConnected,
    /// 422: the SSH host key must be accepted first (`details.hostKey`).
    HostKeyUnverified,
    /// 422: the SSH host key changed since it was accepted.
    HostKeyMismatch,
    /// 422: the host refused our credentials.
    AuthenticationFailed,
    /// 422: the host could not be reached.
    HostUnreachable,
    /// 422: the connection failed for another reason (in the message).
    ConnectionFailed,
    /// 404: no task with that id.
    TaskNotFound,
    /// 400: the action in the path is not a power action.
    UnknownAction,
    /// 409: the VM's state, its management or a task already running on it does not allow
    /// the action (the message says why).
    ActionNotAllowed,
    /// 409: the host's driver cannot do this.
    ActionUnsupported,
    /// 404: no such API route.
    NotFound,
    /// 405: the route exists but not with this method.
    MethodNotAllowed,
    /// 500: something failed inside the server; details are in its log.
    Internal,
    /// 503: a dependency (the database) is not available.
    Unavailable,
}

impl ErrorCode {
    /// The HTTP status that goes with the code.
    pub fn status(self) -> StatusCode {
        use ErrorCode::*;
        match self {
            InvalidJson | InvalidId | InvalidQuery | UnknownAction => StatusCode::BAD_REQUEST,
            PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            InvalidName | InvalidUri | UnsupportedUriScheme | InvalidKeyFile | NoDriverForUri
            | HostKeyUnverified | HostKeyMismatch | AuthenticationFailed | HostUnreachable
            | ConnectionFailed | InvalidRequest | InvalidPlugin | PolicyViolation => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            HostNotFound | VmNotFound | NetworkNotFound | NicNotFound | PortgroupNotFound
            | PluginNotFound | TaskNotFound | NotFound => StatusCode::NOT_FOUND,
            HostNameTaken | HostUriTaken | HostNotConnected | ActionNotAllowed
            | ActionUnsupported | NetworkInUse | NetworkNameTaken | PortgroupInUse
            | PortgroupNameTaken | PluginExists => StatusCode::CONFLICT,
            MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}
