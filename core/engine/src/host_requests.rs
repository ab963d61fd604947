//! Inputs of the host use cases, as raw user text (the fleet validates them).

/// Add a host.
#[derive(Debug, Clone, Default)]
pub struct NewHost {
    /// Display name.
    pub name: String,
    /// libvirt URI.
    pub uri: String,
    /// SSH private key file on the server.
    pub key_file: Option<String>,
    /// Fingerprint of the SSH host key the user accepted.
    pub accepted_host_key: Option<String>,
    /// Connect now and after restarts.
    pub auto_connect: bool,
}

/// Change a host; `None` leaves a field as it is. `Some("")` clears the key file.
#[derive(Debug, Clone, Default)]
pub struct HostChanges {
    /// New display name.
    pub name: Option<String>,
    /// New URI.
    pub uri: Option<String>,
    /// New key file.
    pub key_file: Option<String>,
    /// Newly accepted SSH host key fingerprint.
    pub accepted_host_key: Option<String>,
}

/// Try a URI without saving anything.
#[derive(Debug, Clone, Default)]
pub struct TestRequest {
    /// libvirt URI.
    pub uri: String,
    /// SSH private key file on the server.
    pub key_file: Option<String>,
    /// Fingerprint of the SSH host key the user accepted.
    pub accepted_host_key: Option<String>,
}
