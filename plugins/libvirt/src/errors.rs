//! Mapping libvirt errors to driver error kinds at the crate's edge.

use virt::error::{Error, ErrorNumber};
use virtumancer_drivers::{ConnectError, DriverError};

/// Maps a failed `virConnectOpen`.
pub fn connect_error(e: &Error) -> ConnectError {
    let msg = e.message().trim().to_owned();
    let lower = msg.to_ascii_lowercase();
    match e.code() {
        ErrorNumber::AuthFailed | ErrorNumber::AuthCancelled | ErrorNumber::AuthUnavailable => {
            ConnectError::AuthFailed(msg)
        }
        _ if lower.contains("permission denied") || lower.contains("authentication") => {
            ConnectError::AuthFailed(msg)
        }
        _ if lower.contains("host key verification failed") || lower.contains("host key") => {
            ConnectError::AuthFailed(format!("SSH host key check failed: {msg}"))
        }
        _ if lower.contains("no such file or directory") && lower.contains(".xml") => {
            ConnectError::InvalidSpec(msg)
        }
        _ if lower.contains("failed to open file") || lower.contains("parse") => {
            ConnectError::InvalidSpec(msg)
        }
        ErrorNumber::SystemError | ErrorNumber::NoConnect | ErrorNumber::Rpc => {
            ConnectError::Unreachable(msg)
        }
        _ => ConnectError::Failed(msg),
    }
}

/// Maps a failed call on an open connection.
pub fn driver_error(e: &Error) -> DriverError {
    let msg = e.message().trim().to_owned();
    match e.code() {
        ErrorNumber::NoSupport => DriverError::Unsupported { capability: msg },
        ErrorNumber::NoDomain
        | ErrorNumber::NoNetwork
        | ErrorNumber::NoStoragePool
        | ErrorNumber::NoStorageVolume => DriverError::NotFound { what: msg },
        ErrorNumber::OperationInvalid => DriverError::Conflict(msg),
        ErrorNumber::SystemError | ErrorNumber::NoConnect | ErrorNumber::Rpc => {
            DriverError::Unavailable(msg)
        }
        _ => DriverError::Backend(msg),
    }
}
