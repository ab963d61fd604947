//! Mapping libvirt errors to driver error kinds at the crate's edge.

use virt::error::{Error, ErrorNumber};
use virtumancer_drivers::{ConnectError, DriverError};

/// Maps a failed `virConnectOpen`.
pub fn connect_error(e: &Error) -> ConnectError {
    classify_connect(e.code(), e.message().trim())
}

/// libvirt reports most transport failures as `SystemError` with the cause only in the text,
/// so the message decides between "fix your credentials or spec" and "try again later".
fn classify_connect(code: ErrorNumber, msg: &str) -> ConnectError {
    let lower = msg.to_ascii_lowercase();
    let has = |needle: &str| lower.contains(needle);
    let msg = msg.to_owned();
    match code {
        ErrorNumber::AuthFailed | ErrorNumber::AuthCancelled | ErrorNumber::AuthUnavailable => {
            ConnectError::AuthFailed(msg)
        }
        _ if has("permission denied") || has("authentication") => ConnectError::AuthFailed(msg),
        _ if has("host key") => {
            ConnectError::AuthFailed(format!("SSH host key check failed: {msg}"))
        }
        // TLS: missing, unreadable or untrusted certificates need the user, not a retry.
        _ if has("certificate") => ConnectError::AuthFailed(msg),
        _ if has("no such file or directory") && has(".xml") => ConnectError::InvalidSpec(msg),
        _ if has("failed to open file") || has("parse") => ConnectError::InvalidSpec(msg),
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

/// An error of a call that hands the host a document (a network to start, a device to
/// attach or change): what the host refused about it is a problem of the spec, with the
/// host's reason (a missing bridge, a clashing subnet, no such portgroup, no free slot).
pub fn refused_spec(e: &Error) -> DriverError {
    match driver_error(e) {
        DriverError::Backend(why) | DriverError::Conflict(why) => DriverError::InvalidSpec(why),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_libvirt_9_prints_map_to_the_right_kind() {
        let cases = [
            // (code, message as libvirt 9.0 prints it, transient?)
            (
                ErrorNumber::SystemError,
                "unable to connect to server at '127.0.0.1:1': Connection refused",
                true,
            ),
            (
                ErrorNumber::SystemError,
                "Cannot read CA certificate '/x/cacert.pem': No such file or directory",
                false,
            ),
            (
                ErrorNumber::SystemError,
                "Cannot recv data: root@127.0.0.1: Permission denied (publickey).: Connection reset by peer",
                false,
            ),
            (
                ErrorNumber::SystemError,
                "Cannot recv data: Host key verification failed.: Connection reset by peer",
                false,
            ),
            (
                ErrorNumber::AuthFailed,
                "authentication failed: Failed to authenticate user",
                false,
            ),
            (
                ErrorNumber::InternalError,
                "failed to open file '/nonexistent/node.xml'",
                false,
            ),
            (
                ErrorNumber::Rpc,
                "End of file while reading data: Input/output error",
                true,
            ),
        ];
        for (code, msg, transient) in cases {
            let e = classify_connect(code, msg);
            assert_eq!(e.is_transient(), transient, "{msg} → {e:?}");
            assert!(
                e.to_string().contains(msg),
                "the libvirt reason must survive: {e}"
            );
        }
        assert!(matches!(
            classify_connect(ErrorNumber::SystemError, "Cannot read CA certificate 'x'"),
            ConnectError::AuthFailed(_)
        ));
    }
}
