//! SSH host-key verification for ssh transports.
//!
//! Virtumancer never lets ssh write to `~/.ssh/known_hosts` or skip verification. It fetches
//! the key a server presents with `ssh-keyscan`, shows the user its fingerprint, pins the
//! accepted fingerprint, and on every connection writes a private known_hosts file holding only
//! the accepted key; ssh (or libssh2/libssh) then enforces it during the real handshake.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use sha2::{Digest, Sha256};
use std::time::Duration;
use virtumancer_drivers::ConnectError;
use virtumancer_model::HostKey;

/// Key types in the order Virtumancer prefers to pin them.
const PREFERRED: &[&str] = &[
    "ssh-ed25519",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "ssh-rsa",
];

/// A host key as `ssh-keyscan` printed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScannedKey {
    /// Algorithm, e.g. `ssh-ed25519`.
    pub key_type: String,
    /// Base64 key blob.
    pub blob: String,
}

impl ScannedKey {
    /// OpenSSH's `SHA256:` fingerprint of the key blob.
    pub fn fingerprint(&self) -> Result<String, ConnectError> {
        let raw = STANDARD.decode(&self.blob).map_err(|e| {
            ConnectError::Failed(format!("ssh-keyscan returned an undecodable key: {e}"))
        })?;
        Ok(format!(
            "SHA256:{}",
            STANDARD_NO_PAD.encode(Sha256::digest(raw))
        ))
    }

    /// The key as the API shows it.
    pub fn host_key(&self) -> Result<HostKey, ConnectError> {
        Ok(HostKey {
            key_type: self.key_type.clone(),
            fingerprint: self.fingerprint()?,
        })
    }

    /// A known_hosts line for `host`/`port`.
    pub fn known_hosts_line(&self, host: &str, port: u16) -> String {
        let name = if port == 22 {
            host.to_owned()
        } else {
            format!("[{host}]:{port}")
        };
        format!("{name} {} {}\n", self.key_type, self.blob)
    }
}

/// Parses `ssh-keyscan` output and picks the preferred key.
pub fn pick_preferred(output: &str) -> Option<ScannedKey> {
    let keys: Vec<ScannedKey> = output
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let mut parts = l.split_whitespace();
            let (_host, key_type, blob) = (parts.next()?, parts.next()?, parts.next()?);
            Some(ScannedKey {
                key_type: key_type.to_owned(),
                blob: blob.to_owned(),
            })
        })
        .collect();
    PREFERRED
        .iter()
        .find_map(|t| keys.iter().find(|k| k.key_type == *t))
        .or_else(|| keys.first())
        .cloned()
}

/// Fetches the preferred host key of `host:port`. Errors are `Unreachable`.
pub async fn scan(host: &str, port: u16) -> Result<ScannedKey, ConnectError> {
    let out = tokio::time::timeout(
        Duration::from_secs(15),
        tokio::process::Command::new("ssh-keyscan")
            .args(["-T", "10", "-p", &port.to_string(), "--", host])
            .kill_on_drop(true)
            .output(),
    )
    .await
    .map_err(|_| {
        ConnectError::Unreachable(format!("no SSH answer from {host}:{port} within 15 s"))
    })?
    .map_err(|e| ConnectError::Failed(format!("cannot run ssh-keyscan: {e}")))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    pick_preferred(&stdout).ok_or_else(|| {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let detail = stderr
            .lines()
            .find(|l| !l.starts_with('#'))
            .unwrap_or("no host key received")
            .trim();
        ConnectError::Unreachable(format!(
            "cannot fetch the SSH host key of {host}:{port}: {detail}"
        ))
    })
}

/// Compares the presented key with the accepted fingerprint.
pub fn verify(presented: &ScannedKey, accepted: Option<&str>) -> Result<(), ConnectError> {
    let key = presented.host_key()?;
    match accepted {
        None => Err(ConnectError::HostKeyUnverified { presented: key }),
        Some(fp) if fp == key.fingerprint => Ok(()),
        Some(fp) => Err(ConnectError::HostKeyMismatch {
            accepted: fp.to_owned(),
            presented: key,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCAN: &str = "# 127.0.0.1:2222 SSH-2.0-OpenSSH_9.2p1\n\
        [127.0.0.1]:2222 ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC7\n\
        [127.0.0.1]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFZpA+GNOaBKVnzh/BHDmGeVDOvgjXAzo3sAVSQ1cpdX\n";

    #[test]
    fn prefers_ed25519_and_fingerprints_like_openssh() {
        let k = pick_preferred(SCAN).unwrap();
        assert_eq!(k.key_type, "ssh-ed25519");
        // `ssh-keygen -lf` prints the same for this key
        assert_eq!(
            k.fingerprint().unwrap(),
            "SHA256:2Ht7t77rO7ogJwqV+2dvFe21Scl9MgvMOy+dKBh252c"
        );
        assert_eq!(
            k.known_hosts_line("127.0.0.1", 2222),
            format!("[127.0.0.1]:2222 ssh-ed25519 {}\n", k.blob)
        );
        assert!(k.known_hosts_line("h1", 22).starts_with("h1 ssh-ed25519 "));
    }

    #[test]
    fn verification_outcomes() {
        let k = pick_preferred(SCAN).unwrap();
        let fp = k.fingerprint().unwrap();
        assert!(verify(&k, Some(&fp)).is_ok());
        assert!(matches!(
            verify(&k, None),
            Err(ConnectError::HostKeyUnverified { .. })
        ));
        assert!(matches!(
            verify(&k, Some("SHA256:other")),
            Err(ConnectError::HostKeyMismatch { .. })
        ));
        assert!(pick_preferred("# only comments\n").is_none());
    }
}
