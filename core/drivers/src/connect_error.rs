//! Why opening a host connection failed.

use virtumancer_model::HostKey;

/// A failed attempt to open a host connection.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectError {
    /// The host could not be reached, refused the connection, or timed out. Worth retrying.
    #[error("host unreachable: {0}")]
    Unreachable(String),
    /// The connection dropped or the daemon failed while opening. Worth retrying.
    #[error("connection failed: {0}")]
    Failed(String),
    /// Authentication was refused (wrong key, wrong user, missing credentials).
    #[error("authentication failed: {0}")]
    AuthFailed(String),
    /// The SSH host key has not been accepted yet. The caller shows `presented` to the user
    /// and retries with its fingerprint once the user trusts it.
    #[error("the SSH host key {} ({}) has not been accepted", presented.fingerprint, presented.key_type)]
    HostKeyUnverified {
        /// The key the server presented.
        presented: HostKey,
    },
    /// The SSH host key differs from the accepted one: possibly a man-in-the-middle.
    #[error("the SSH host key changed: accepted {accepted}, but the server presented {} ({}); refusing to connect", presented.fingerprint, presented.key_type)]
    HostKeyMismatch {
        /// Fingerprint the user accepted earlier.
        accepted: String,
        /// The key presented now.
        presented: HostKey,
    },
    /// The URI or options cannot work (e.g. the key file does not exist).
    #[error("{0}")]
    InvalidSpec(String),
}

impl ConnectError {
    /// Whether retrying the same spec later may succeed without the user changing anything.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Unreachable(_) | Self::Failed(_))
    }
}
