//! Opening libvirt connections for every supported transport.

use crate::connection::{LibvirtConnection, Live};
use crate::errors::connect_error;
use crate::{close_callback, event_loop, inventory_events, ssh_host_key};
use async_trait::async_trait;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, oneshot, watch};
use url::Url;
use virt::connect::Connect;
use virtumancer_drivers::{ConnectError, ConnectSpec, DriverError, HostConnection, HostConnector};
use virtumancer_model::{HostKey, HostUri, Transport};

/// How long `virConnectOpen` may take before the host counts as unreachable.
const OPEN_DEADLINE: Duration = Duration::from_secs(30);
/// Keepalive: a probe every 2 s, closed after 3 unanswered ones: a hung host is noticed in
/// about 8 s, well inside the 15 s in which a dead host must show as down.
const KEEPALIVE_INTERVAL_S: i32 = 2;
const KEEPALIVE_COUNT: u32 = 3;

/// Configuration of the libvirt plugin.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LibvirtConnectorConfig {
    /// Where per-host known_hosts files and ssh wrappers are written. Defaults to a folder in
    /// the system temp dir.
    pub state_dir: Option<PathBuf>,
}

/// Opens libvirt connections; one instance serves every host.
#[derive(Debug)]
pub struct LibvirtConnector {
    state_dir: PathBuf,
}

impl LibvirtConnector {
    /// Creates the connector and starts libvirt's event loop thread.
    pub fn new(config: LibvirtConnectorConfig) -> Result<Self, DriverError> {
        event_loop::ensure_started().map_err(DriverError::Backend)?;
        let state_dir = config
            .state_dir
            .unwrap_or_else(|| std::env::temp_dir().join("virtumancer-libvirt"));
        std::fs::create_dir_all(state_dir.join("ssh")).map_err(|e| {
            DriverError::Backend(format!("cannot create {}: {e}", state_dir.display()))
        })?;
        Ok(Self { state_dir })
    }

    /// Verifies the SSH host key and returns the URI libvirt should open, with the key file
    /// and a private known_hosts file wired in.
    async fn ssh_uri(&self, spec: &ConnectSpec) -> Result<String, ConnectError> {
        let uri = &spec.uri;
        let host = uri
            .host()
            .ok_or_else(|| ConnectError::InvalidSpec("ssh URI without host".into()))?;
        let port = uri.port().unwrap_or(22);
        if let Some(key) = &spec.key_file {
            check_key_file(key)?;
        }
        let presented = ssh_host_key::scan(host, port).await?;
        ssh_host_key::verify(&presented, spec.accepted_host_key.as_deref())?;

        let dir = self.state_dir.join("ssh").join(dir_name(host, port));
        let known_hosts = dir.join("known_hosts");
        write_private(&dir, &known_hosts, &presented.known_hosts_line(host, port))?;
        let mut url =
            Url::parse(uri.as_str()).map_err(|e| ConnectError::InvalidSpec(e.to_string()))?;
        {
            let mut q = url.query_pairs_mut();
            if let Some(key) = &spec.key_file {
                q.append_pair("keyfile", &key.to_string_lossy());
            }
            match uri.transport() {
                Transport::Ssh => {
                    let wrapper = dir.join("ssh");
                    let script = format!(
                        "#!/bin/sh\n# written by Virtumancer: pins the accepted host key\nexec ssh -o UserKnownHostsFile={} -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o HostKeyAlgorithms={} -o BatchMode=yes -o ConnectTimeout=15 \"$@\"\n",
                        shell_quote(&known_hosts.to_string_lossy()),
                        shell_quote(&presented.key_type)
                    );
                    write_private(&dir, &wrapper, &script)?;
                    set_executable(&wrapper)?;
                    q.append_pair("command", &wrapper.to_string_lossy());
                    q.append_pair("no_tty", "1");
                }
                _ => {
                    q.append_pair("known_hosts", &known_hosts.to_string_lossy());
                    q.append_pair("known_hosts_verify", "normal");
                    q.append_pair(
                        "sshauth",
                        if spec.key_file.is_some() {
                            "privkey"
                        } else {
                            "agent,privkey"
                        },
                    );
                }
            }
        }
        Ok(url.to_string())
    }
}

#[async_trait]
impl HostConnector for LibvirtConnector {
    fn supports(&self, uri: &HostUri) -> bool {
        matches!(uri.driver(), "qemu" | "test")
    }

    async fn scan_host_key(&self, uri: &HostUri) -> Result<Option<HostKey>, ConnectError> {
        if !uri.transport().uses_ssh() {
            return Ok(None);
        }
        let host = uri
            .host()
            .ok_or_else(|| ConnectError::InvalidSpec("ssh URI without host".into()))?;
        let key = ssh_host_key::scan(host, uri.port().unwrap_or(22)).await?;
        Ok(Some(key.host_key()?))
    }

    async fn open(&self, spec: &ConnectSpec) -> Result<Box<dyn HostConnection>, ConnectError> {
        let uri = if spec.uri.transport().uses_ssh() {
            self.ssh_uri(spec).await?
        } else {
            spec.uri.as_str().to_owned()
        };
        let local = spec.uri.transport() == Transport::Local;
        // Only the test driver runs in-process; everything else goes through libvirt's RPC
        // client, whose calls must not overlap (ADR 0007).
        let rpc = !(local && spec.uri.driver() == "test");
        let (tx, rx) = oneshot::channel();
        let open_uri = uri.clone();
        tokio::task::spawn_blocking(move || {
            let result = open_blocking(&open_uri, local, rpc);
            if let Err(Ok(opened)) = tx.send(result) {
                // Nobody waits any more (deadline passed): do not leak the connection.
                opened.live.release();
            }
        });
        let opened = match tokio::time::timeout(OPEN_DEADLINE, rx).await {
            Ok(Ok(r)) => r?,
            Ok(Err(_)) => {
                return Err(ConnectError::Failed(
                    "the connection attempt was aborted".into(),
                ));
            }
            Err(_) => {
                return Err(ConnectError::Unreachable(format!(
                    "no answer from {} within {} s",
                    spec.uri,
                    OPEN_DEADLINE.as_secs()
                )));
            }
        };
        Ok(Box::new(LibvirtConnection::new(
            opened.live,
            opened.closed_tx,
            opened.events_tx,
            spec.uri.to_string(),
            rpc,
        )))
    }
}

/// A connection with its callbacks registered.
struct Opened {
    live: Live,
    closed_tx: close_callback::Sender,
    events_tx: broadcast::Sender<virtumancer_drivers::InventoryEvent>,
}

/// How many inventory events a subscriber may fall behind before it must resync.
const EVENT_BACKLOG: usize = 4096;

fn open_blocking(uri: &str, local: bool, rpc: bool) -> Result<Opened, ConnectError> {
    let conn = Connect::open(Some(uri)).map_err(|e| connect_error(&e))?;
    let (tx, _) = watch::channel(None);
    let tx = Arc::new(tx);
    let kept_alive = keep_alive(&conn, uri, local, &tx);
    let (events_tx, _) = broadcast::channel(EVENT_BACKLOG);
    let callbacks = inventory_events::register(&conn, &events_tx);
    // Only an idle connection's keepalive is checked while the daemon hangs (ADR 0007).
    let probe = if kept_alive {
        match Connect::open(Some(uri)) {
            Ok(probe) if keep_alive(&probe, uri, local, &tx) => Some(probe),
            Ok(mut probe) => {
                close_callback::unregister(&probe);
                let _ = probe.close();
                None
            }
            Err(e) => {
                tracing::warn!(
                    uri,
                    error = e.message(),
                    "the keepalive probe could not be opened"
                );
                None
            }
        }
    } else {
        None
    };
    // Over RPC, one socket answers one call at a time: a full pass reads pools, volumes and
    // networks through a connection of their own, beside the domains (ADR 0012).
    let reader = if rpc {
        Connect::open(Some(uri))
            .inspect_err(|e| {
                tracing::warn!(
                    uri,
                    error = e.message(),
                    "the inventory reader connection could not be opened"
                );
            })
            .ok()
    } else {
        None
    };
    Ok(Opened {
        live: Live {
            conn,
            callbacks,
            probe,
            reader,
        },
        closed_tx: tx,
        events_tx,
    })
}

/// Enables keepalive on `conn` and sends its close reason into `tx`; false when the driver
/// has no transport to keep alive (in-process `test:///…`) or the callback failed.
fn keep_alive(conn: &Connect, uri: &str, local: bool, tx: &close_callback::Sender) -> bool {
    let enabled = match conn.set_keep_alive(KEEPALIVE_INTERVAL_S, KEEPALIVE_COUNT) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => {
            if !local {
                tracing::warn!(uri, error = e.message(), "keepalive could not be enabled");
            }
            false
        }
    };
    match close_callback::register(conn, Arc::clone(tx)) {
        Ok(()) => enabled,
        Err(e) => {
            tracing::warn!(
                uri,
                error = e.message(),
                "close callback could not be registered"
            );
            false
        }
    }
}

fn check_key_file(path: &Path) -> Result<(), ConnectError> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => Ok(()),
        Ok(_) => Err(ConnectError::InvalidSpec(format!(
            "key file {} is not a regular file",
            path.display()
        ))),
        Err(e) => Err(ConnectError::InvalidSpec(format!(
            "key file {}: {e}",
            path.display()
        ))),
    }
}

/// A file-system-safe folder name for one SSH endpoint.
fn dir_name(host: &str, port: u16) -> String {
    let safe: String = host
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}_{port}")
}

fn write_private(dir: &Path, path: &Path, content: &str) -> Result<(), ConnectError> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let io =
        |e: std::io::Error| ConnectError::Failed(format!("cannot write {}: {e}", path.display()));
    std::fs::create_dir_all(dir).map_err(io)?;
    static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = path.with_extension(format!("tmp{}-{n}", std::process::id()));
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)
        .map_err(io)?;
    f.write_all(content.as_bytes()).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}

fn set_executable(path: &Path) -> Result<(), ConnectError> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))
        .map_err(|e| ConnectError::Failed(format!("cannot chmod {}: {e}", path.display())))
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}
