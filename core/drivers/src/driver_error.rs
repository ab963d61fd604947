//! The error kinds every driver operation reports.

/// A failed driver operation. Backends map their native errors into these few stable kinds at
/// their edge (for libvirt: `VIR_ERR_NO_DOMAIN` → `NotFound`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DriverError {
    /// The object does not exist on the host.
    #[error("{what} not found")]
    NotFound {
        /// What was looked up.
        what: String,
    },
    /// An object with that name or id already exists.
    #[error("{what} already exists")]
    AlreadyExists {
        /// What collided.
        what: String,
    },
    /// The input was refused by the backend.
    #[error("invalid specification: {0}")]
    InvalidSpec(String),
    /// The driver cannot do this at all.
    #[error("not supported: {capability}")]
    Unsupported {
        /// What is missing.
        capability: String,
    },
    /// The object is in a state that does not allow the operation.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The connection to the host is gone or the call timed out.
    #[error("host unavailable: {0}")]
    Unavailable(String),
    /// Anything else the backend reported.
    #[error("{0}")]
    Backend(String),
}
