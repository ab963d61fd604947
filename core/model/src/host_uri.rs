//! Validated libvirt connection URIs.

use serde::{Deserialize, Serialize};
use std::fmt;
use url::Url;

/// How libvirt reaches the hypervisor named by a URI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    /// In-process driver or the local daemon (`qemu:///system`, `test:///default`).
    Local,
    /// The local daemon through an explicit UNIX socket (`qemu+unix://`).
    Unix,
    /// The OpenSSH client binary (`qemu+ssh://`).
    Ssh,
    /// libvirt's built-in libssh2 client (`qemu+libssh2://`).
    Libssh2,
    /// libvirt's built-in libssh client (`qemu+libssh://`).
    Libssh,
    /// Plain TCP, usually without authentication (`qemu+tcp://`).
    Tcp,
    /// TLS with x509 certificates (`qemu+tls://`).
    Tls,
}

impl Transport {
    /// Transports tunnelled through SSH, whose host key Virtumancer verifies.
    pub fn uses_ssh(self) -> bool {
        matches!(self, Self::Ssh | Self::Libssh2 | Self::Libssh)
    }

    fn from_suffix(s: Option<&str>) -> Option<Self> {
        Some(match s {
            None => Self::Local,
            Some("unix") => Self::Unix,
            Some("ssh") => Self::Ssh,
            Some("libssh2") => Self::Libssh2,
            Some("libssh") => Self::Libssh,
            Some("tcp") => Self::Tcp,
            Some("tls") => Self::Tls,
            Some(_) => return None,
        })
    }

    fn is_remote(self) -> bool {
        !matches!(self, Self::Local | Self::Unix)
    }
}

/// Hypervisor drivers Virtumancer can talk to.
pub const SUPPORTED_DRIVERS: &[&str] = &["qemu", "test"];

/// Query parameters a user may put in a URI. Everything that controls key files and host-key
/// checking is managed by Virtumancer itself and refused here, so a URI can never switch
/// verification off behind the user's back.
const ALLOWED_PARAMS: &[&str] = &[
    "socket", "pkipath", "no_tty", "netcat", "proxy", "mode", "name",
];

/// Why a URI was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HostUriError {
    /// Not a URI at all.
    #[error("not a valid URI: {0}")]
    Malformed(String),
    /// Scheme names a driver or transport Virtumancer does not support.
    #[error(
        "unsupported URI scheme '{scheme}': use qemu or test, optionally with +ssh, +libssh2, +libssh, +tcp, +tls or +unix"
    )]
    UnsupportedScheme {
        /// The scheme given.
        scheme: String,
    },
    /// Something else about the URI is wrong; the message says what.
    #[error("{0}")]
    Invalid(String),
}

/// A libvirt connection URI that passed Virtumancer's checks.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct HostUri {
    text: String,
    driver: String,
    transport: Transport,
    user: Option<String>,
    host: Option<String>,
    port: Option<u16>,
}

impl HostUri {
    /// Parses and validates a URI such as `qemu+ssh://root@10.0.0.5:22/system`.
    pub fn parse(s: &str) -> Result<Self, HostUriError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(HostUriError::Malformed("empty URI".into()));
        }
        if s.len() > 2048 {
            return Err(HostUriError::Malformed("URI longer than 2048 bytes".into()));
        }
        let url = Url::parse(s).map_err(|e| HostUriError::Malformed(e.to_string()))?;
        let scheme = url.scheme().to_owned();
        let (driver, suffix) = match scheme.split_once('+') {
            Some((d, t)) => (d.to_owned(), Some(t)),
            None => (scheme.clone(), None),
        };
        let transport = Transport::from_suffix(suffix)
            .filter(|_| SUPPORTED_DRIVERS.contains(&driver.as_str()))
            .ok_or_else(|| HostUriError::UnsupportedScheme {
                scheme: scheme.clone(),
            })?;

        let host = url.host_str().filter(|h| !h.is_empty()).map(str::to_owned);
        if transport.is_remote() && host.is_none() {
            return Err(HostUriError::Invalid(format!(
                "{scheme} URIs need a host name, e.g. {scheme}://server.example/system"
            )));
        }
        if !transport.is_remote() && host.is_some() {
            return Err(HostUriError::Invalid(format!(
                "{scheme} URIs are local and take no host name; write {scheme}:///…"
            )));
        }
        let user = (!url.username().is_empty()).then(|| url.username().to_owned());
        if url.password().is_some() {
            return Err(HostUriError::Invalid(
                "passwords in URIs are not accepted; use a key file".into(),
            ));
        }
        if user.is_some() && !transport.uses_ssh() {
            return Err(HostUriError::Invalid(
                "a user name is only meaningful for ssh transports".into(),
            ));
        }
        Self::check_path(&driver, url.path())?;
        for (key, _) in url.query_pairs() {
            if !ALLOWED_PARAMS.contains(&key.as_ref()) {
                return Err(HostUriError::Invalid(format!(
                    "URI parameter '{key}' is not allowed here (Virtumancer manages key files and host-key checks itself)"
                )));
            }
        }
        if url.fragment().is_some() {
            return Err(HostUriError::Invalid(
                "URI must not have a #fragment".into(),
            ));
        }
        Ok(Self {
            text: url.to_string(),
            driver,
            transport,
            user,
            host,
            port: url.port(),
        })
    }

    fn check_path(driver: &str, path: &str) -> Result<(), HostUriError> {
        match driver {
            "qemu" if path == "/system" || path == "/session" => Ok(()),
            "qemu" => Err(HostUriError::Invalid(format!(
                "qemu URIs end in /system or /session, not '{path}'"
            ))),
            "test" if path == "/default" => Ok(()),
            "test" if path.len() > 1 && path.ends_with(".xml") && !path.contains("/../") => Ok(()),
            _ => Err(HostUriError::Invalid(format!(
                "test URIs end in /default or an absolute path to a node XML file, not '{path}'"
            ))),
        }
    }

    /// The URI as the user wrote it (normalized).
    pub fn as_str(&self) -> &str {
        &self.text
    }
    /// `qemu` or `test`.
    pub fn driver(&self) -> &str {
        &self.driver
    }
    /// How the hypervisor is reached.
    pub fn transport(&self) -> Transport {
        self.transport
    }
    /// SSH user, if given.
    pub fn user(&self) -> Option<&str> {
        self.user.as_deref()
    }
    /// Remote host name or address, for remote transports.
    pub fn host(&self) -> Option<&str> {
        self.host.as_deref()
    }
    /// Explicit port, if given.
    pub fn port(&self) -> Option<u16> {
        self.port
    }
}

impl TryFrom<String> for HostUri {
    type Error = HostUriError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<HostUri> for String {
    fn from(u: HostUri) -> Self {
        u.text
    }
}

impl fmt::Display for HostUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_every_supported_kind() {
        for (uri, transport) in [
            ("test:///default", Transport::Local),
            ("test:///tmp/node.xml", Transport::Local),
            ("qemu:///system", Transport::Local),
            ("qemu:///session", Transport::Local),
            ("qemu+unix:///system?socket=/run/x.sock", Transport::Unix),
            ("qemu+ssh://root@127.0.0.1:2222/system", Transport::Ssh),
            ("qemu+libssh2://root@h1/system", Transport::Libssh2),
            ("qemu+libssh://root@h1/system", Transport::Libssh),
            ("qemu+tcp://127.0.0.1:16599/system", Transport::Tcp),
            (
                "qemu+tls://host.example/system?pkipath=/etc/pki/x",
                Transport::Tls,
            ),
            ("test+tcp://10.77.0.11/default", Transport::Tcp),
        ] {
            let u = HostUri::parse(uri).unwrap_or_else(|e| panic!("{uri}: {e}"));
            assert_eq!(u.transport(), transport, "{uri}");
        }
        let u = HostUri::parse("qemu+ssh://admin@10.0.0.5:2200/system").unwrap();
        assert_eq!(
            (u.user(), u.host(), u.port()),
            (Some("admin"), Some("10.0.0.5"), Some(2200))
        );
        assert!(u.transport().uses_ssh());
    }

    #[test]
    fn refuses_bad_uris_with_reasons() {
        let unsupported = [
            "foo://bar",
            "xen:///system",
            "qemu+carrier-pigeon://h/system",
            "http://example.com/",
        ];
        for uri in unsupported {
            assert!(
                matches!(
                    HostUri::parse(uri),
                    Err(HostUriError::UnsupportedScheme { .. })
                ),
                "{uri}"
            );
        }
        for uri in ["", "not a uri", "qemu:system"] {
            assert!(HostUri::parse(uri).is_err(), "{uri}");
        }
        for uri in [
            "qemu+ssh:///system",
            "qemu://h/system",
            "qemu:///root",
            "test:///etc/passwd",
            "qemu+ssh://u:pw@h/system",
            "qemu+tcp://root@h/system",
            "qemu+ssh://h/system?no_verify=1",
            "qemu+ssh://h/system?keyfile=/x",
            "qemu+libssh2://h/system?known_hosts_verify=ignore",
            "qemu+ssh://h/system?command=/bin/evil",
        ] {
            assert!(
                matches!(HostUri::parse(uri), Err(HostUriError::Invalid(_))),
                "{uri}"
            );
        }
    }
}
