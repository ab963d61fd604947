//! The host use cases: add, change, remove, connect and disconnect hosts, and test URIs.

use crate::host_supervisor::{Command, HostSupervisor, SupervisorParts};
use crate::state_recorder::{self, Report};
use crate::{Backoff, EngineError, EventBus, HostChanges, InventorySync, NewHost, TestRequest};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, mpsc};
use virtumancer_drivers::{ConnectError, ConnectSpec, HostConnector, Registry};
use virtumancer_model::{Event, Host, HostFacts, HostId, HostKey, HostUri, ResourceName};
use virtumancer_store::{HostConfig, HostRepository, Store, StoreError};

/// Bound on a whole "test connection" (key scan + open + facts).
const TEST_DEADLINE: Duration = Duration::from_secs(45);

/// Result of trying a URI without saving it.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectionTest {
    /// What the host reported.
    pub facts: HostFacts,
    /// The SSH host key that was verified, for ssh transports.
    pub host_key: Option<HostKey>,
}

/// Tunables of the fleet.
#[derive(Debug, Clone)]
pub struct FleetOptions {
    /// Reconnect backoff.
    pub backoff: Backoff,
    /// How often a connected host's whole inventory is re-read to catch missed events.
    pub reconcile_every: Duration,
}

impl Default for FleetOptions {
    fn default() -> Self {
        Self {
            backoff: Backoff::new(Duration::from_secs(1), Duration::from_secs(30)),
            reconcile_every: Duration::from_secs(300),
        }
    }
}

/// Every host and its supervisor. One per server.
pub struct HostFleet {
    store: Arc<dyn Store>,
    registry: Arc<Registry>,
    bus: EventBus,
    options: FleetOptions,
    supervisors: Mutex<HashMap<HostId, HostSupervisor>>,
    stats: Arc<crate::StatsHub>,
    reports: mpsc::UnboundedSender<Report>,
}

impl std::fmt::Debug for HostFleet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostFleet").finish_non_exhaustive()
    }
}

/// A validated host configuration plus what is needed to connect.
struct Validated {
    config: HostConfig,
    spec: ConnectSpec,
}

impl HostFleet {
    /// Loads every host and starts its supervisor: hosts the user left connected reconnect,
    /// hosts the user disconnected stay disconnected.
    pub async fn start(
        store: Arc<dyn Store>,
        registry: Arc<Registry>,
        bus: EventBus,
    ) -> Result<Arc<Self>, EngineError> {
        Self::start_with(store, registry, bus, FleetOptions::default()).await
    }

    /// [`HostFleet::start`] with custom tunables.
    pub async fn start_with(
        store: Arc<dyn Store>,
        registry: Arc<Registry>,
        bus: EventBus,
        options: FleetOptions,
    ) -> Result<Arc<Self>, EngineError> {
        let (reports, rx) = mpsc::unbounded_channel();
        let hosts: Arc<dyn HostRepository> = store.clone();
        tokio::spawn(state_recorder::run(hosts, bus.clone(), rx));
        let fleet = Arc::new(Self {
            store,
            registry,
            bus,
            options,
            supervisors: Mutex::new(HashMap::new()),
            reports,
            stats: crate::StatsHub::new(),
        });
        let interrupted = fleet
            .store
            .fail_unfinished(crate::task_tracker::INTERRUPTED, chrono::Utc::now())
            .await?;
        if !interrupted.is_empty() {
            tracing::warn!(
                tasks = interrupted.len(),
                "tasks that were running when the server stopped are marked failed"
            );
        }
        tokio::spawn(crate::stats_archiver::run(
            Arc::clone(&fleet.stats),
            Arc::clone(&fleet.store),
        ));
        for host in fleet.store.list_hosts().await? {
            fleet.supervise(&host).await;
        }
        Ok(fleet)
    }

    /// Starts the supervisor of a stored host. A host whose URI no plugin handles any more is
    /// put in `error` instead.
    async fn supervise(&self, host: &Host) {
        let uri = match HostUri::parse(&host.uri) {
            Ok(u) => u,
            Err(e) => return self.report_unusable(host.id, format!("stored URI is invalid: {e}")),
        };
        let Some(connector) = self.registry.host_connector(&uri) else {
            return self.report_unusable(host.id, format!("no driver plugin handles '{uri}'"));
        };
        let spec = ConnectSpec {
            uri,
            key_file: host.key_file.as_ref().map(PathBuf::from),
            accepted_host_key: host.host_key.as_ref().map(|k| k.fingerprint.clone()),
        };
        let parts = SupervisorParts {
            connector,
            reports: self.reports.clone(),
            backoff: self.options.backoff.clone(),
            sync: InventorySync::new(host.id, Arc::clone(&self.store), self.bus.clone()),
            reconcile_every: self.options.reconcile_every,
            stats: Arc::clone(&self.stats),
            store: Arc::clone(&self.store),
            bus: self.bus.clone(),
        };
        let sup = HostSupervisor::spawn(host.id, spec, host.auto_connect, parts);
        if let Some(old) = self.supervisors.lock().await.insert(host.id, sup) {
            old.stop().await;
        }
    }

    fn report_unusable(&self, host_id: HostId, reason: String) {
        let record = virtumancer_store::HostStateRecord {
            state: virtumancer_model::HostState::Error,
            reason: Some(reason),
            facts: None,
            connected_at: None,
        };
        let _ = self.reports.send(Report {
            host_id,
            record: record.into(),
        });
    }

    /// Live usage of the fleet's hosts and VMs.
    pub fn stats(&self) -> &Arc<crate::StatsHub> {
        &self.stats
    }

    /// The bus this fleet publishes on.
    pub fn bus(&self) -> &EventBus {
        &self.bus
    }

    /// The driver registry.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Checks that the database answers.
    pub async fn ping_store(&self) -> Result<(), EngineError> {
        Ok(self.store.ping().await?)
    }

    /// All hosts, by name.
    pub async fn list(&self) -> Result<Vec<Host>, EngineError> {
        Ok(self.store.list_hosts().await?)
    }

    /// One host.
    pub async fn get(&self, id: HostId) -> Result<Host, EngineError> {
        self.store
            .get_host(id)
            .await?
            .ok_or(EngineError::HostNotFound(id))
    }

    fn connector(&self, uri: &HostUri) -> Result<Arc<dyn HostConnector>, EngineError> {
        self.registry
            .host_connector(uri)
            .ok_or_else(|| EngineError::NoDriver(uri.to_string()))
    }

    /// Validates name, URI and key file, and for ssh transports checks the presented host key
    /// against the accepted fingerprint (`known` is a key accepted earlier for the same URI).
    async fn validate(
        &self,
        name: &str,
        uri: &str,
        key_file: Option<&str>,
        accepted: Option<&str>,
        known: Option<&HostKey>,
    ) -> Result<Validated, EngineError> {
        let name = ResourceName::parse(name)?;
        let uri = HostUri::parse(uri)?;
        let connector = self.connector(&uri)?;
        let key_file = normalize_key_file(key_file, &uri).await?;
        let accepted = accepted.map(str::trim).filter(|s| !s.is_empty());
        let host_key = if uri.transport().uses_ssh() {
            match (accepted, known) {
                (None, Some(k)) => Some(k.clone()),
                _ => {
                    let presented = connector.scan_host_key(&uri).await?.ok_or_else(|| {
                        EngineError::Connect(ConnectError::Failed("no SSH host key".into()))
                    })?;
                    match accepted {
                        None => return Err(ConnectError::HostKeyUnverified { presented }.into()),
                        Some(fp) if fp != presented.fingerprint => {
                            return Err(ConnectError::HostKeyMismatch {
                                accepted: fp.to_owned(),
                                presented,
                            }
                            .into());
                        }
                        Some(_) => Some(presented),
                    }
                }
            }
        } else {
            None
        };
        let spec = ConnectSpec {
            uri: uri.clone(),
            key_file: key_file.as_ref().map(PathBuf::from),
            accepted_host_key: host_key.as_ref().map(|k| k.fingerprint.clone()),
        };
        let config = HostConfig {
            name: name.to_string(),
            uri: uri.to_string(),
            key_file,
            host_key,
        };
        Ok(Validated { config, spec })
    }

    /// Adds a host and, if `auto_connect`, starts connecting it in the background.
    pub async fn add(&self, req: NewHost) -> Result<Host, EngineError> {
        let v = self
            .validate(
                &req.name,
                &req.uri,
                req.key_file.as_deref(),
                req.accepted_host_key.as_deref(),
                None,
            )
            .await?;
        let host = self
            .store
            .insert_host(HostId::new(), &v.config, req.auto_connect)
            .await
            .map_err(|e| conflict(e, &v.config))?;
        self.bus.publish(Event::HostUpserted {
            host: Box::new(host.clone()),
        });
        self.supervise(&host).await;
        Ok(host)
    }

    /// Renames or reconfigures a host. A changed URI or key reconnects it.
    pub async fn update(&self, id: HostId, changes: HostChanges) -> Result<Host, EngineError> {
        let current = self.get(id).await?;
        let uri = changes.uri.as_deref().unwrap_or(&current.uri);
        let key_file = match &changes.key_file {
            Some(k) => Some(k.as_str()),
            None => current.key_file.as_deref(),
        };
        let same_endpoint =
            HostUri::parse(uri).ok().map(|u| u.to_string()) == Some(current.uri.clone());
        let known = if same_endpoint {
            current.host_key.as_ref()
        } else {
            None
        };
        let v = self
            .validate(
                changes.name.as_deref().unwrap_or(&current.name),
                uri,
                key_file,
                changes.accepted_host_key.as_deref(),
                known,
            )
            .await?;
        let reconnect = v.config.uri != current.uri
            || v.config.key_file != current.key_file
            || v.config.host_key != current.host_key;
        let host = self
            .store
            .update_host_config(id, &v.config)
            .await
            .map_err(|e| conflict(e, &v.config))?
            .ok_or(EngineError::HostNotFound(id))?;
        if reconnect && let Some(sup) = self.supervisors.lock().await.get(&id) {
            sup.send(Command::Reconfigure(v.spec));
        }
        self.bus.publish(Event::HostUpserted {
            host: Box::new(host.clone()),
        });
        Ok(host)
    }

    /// Deletes a host after closing its connection.
    pub async fn remove(&self, id: HostId) -> Result<(), EngineError> {
        let sup = self.supervisors.lock().await.remove(&id);
        if let Some(sup) = sup {
            sup.stop().await;
        }
        if !self.store.delete_host(id).await? {
            return Err(EngineError::HostNotFound(id));
        }
        self.bus.publish(Event::HostRemoved { host_id: id });
        Ok(())
    }

    /// Marks the host as wanted-connected (persisted) and connects it, or retries at once.
    pub async fn connect(&self, id: HostId) -> Result<Host, EngineError> {
        self.set_wanted(id, true, Command::Connect).await
    }

    /// Marks the host as wanted-disconnected (persisted, survives restarts) and closes it.
    pub async fn disconnect(&self, id: HostId) -> Result<Host, EngineError> {
        self.set_wanted(id, false, Command::Disconnect).await
    }

    async fn set_wanted(&self, id: HostId, want: bool, cmd: Command) -> Result<Host, EngineError> {
        let host = self
            .store
            .set_auto_connect(id, want)
            .await?
            .ok_or(EngineError::HostNotFound(id))?;
        let sups = self.supervisors.lock().await;
        match sups.get(&id) {
            Some(sup) => sup.send(cmd),
            None => {
                drop(sups);
                self.supervise(&host).await;
            }
        }
        self.bus.publish(Event::HostUpserted {
            host: Box::new(host.clone()),
        });
        Ok(host)
    }

    /// Opens a connection to a URI without saving anything, reads its facts and closes it.
    pub async fn test_connection(&self, req: TestRequest) -> Result<ConnectionTest, EngineError> {
        let uri = HostUri::parse(&req.uri)?;
        let connector = self.connector(&uri)?;
        let key_file = normalize_key_file(req.key_file.as_deref(), &uri).await?;
        let spec = ConnectSpec {
            uri: uri.clone(),
            key_file: key_file.map(PathBuf::from),
            accepted_host_key: req
                .accepted_host_key
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty()),
        };
        let work = async {
            let host_key = connector.scan_host_key(&uri).await?;
            let conn = connector.open(&spec).await?;
            let facts = conn.facts().await;
            conn.close().await;
            Ok::<_, EngineError>(ConnectionTest {
                facts: facts?,
                host_key,
            })
        };
        tokio::time::timeout(TEST_DEADLINE, work)
            .await
            .unwrap_or_else(|_| {
                Err(ConnectError::Unreachable(format!(
                    "no answer from {uri} within {} s",
                    TEST_DEADLINE.as_secs()
                ))
                .into())
            })
    }

    /// Re-reads a connected host's whole inventory now (in the background).
    pub async fn resync(&self, id: HostId) -> Result<Host, EngineError> {
        let host = self.get(id).await?;
        if let Some(sup) = self.supervisors.lock().await.get(&id) {
            sup.send(Command::Resync);
        }
        Ok(host)
    }

    async fn ask<T>(
        &self,
        host: HostId,
        make: impl FnOnce(tokio::sync::oneshot::Sender<Result<T, EngineError>>) -> Command,
    ) -> Result<T, EngineError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        match self.supervisors.lock().await.get(&host) {
            Some(sup) => sup.send(make(tx)),
            None => return Err(EngineError::HostNotConnected(host)),
        }
        // A busy supervisor (a long full sync) answers late; a stopped one never.
        match tokio::time::timeout(Duration::from_secs(60), rx).await {
            Ok(Ok(r)) => r,
            Ok(Err(_)) | Err(_) => Err(EngineError::HostNotConnected(host)),
        }
    }

    /// Compares a VM's stored configuration with the live one on its host.
    pub async fn vm_drift(
        &self,
        vm: &virtumancer_model::VmDetail,
    ) -> Result<virtumancer_model::VmDrift, EngineError> {
        let uuid = vm.vm.uuid.clone();
        let live = self
            .ask(vm.vm.host_id, |reply| Command::InspectVm { uuid, reply })
            .await?;
        let live_hash = live.as_ref().map(crate::config_hash::vm);
        Ok(virtumancer_model::VmDrift {
            vm_id: vm.vm.id,
            in_sync: live_hash.as_deref() == Some(vm.vm.config_hash.as_str()),
            present: live.is_some(),
            stored_hash: vm.vm.config_hash.clone(),
            state_differs: live.as_ref().is_some_and(|l| l.state != vm.vm.state),
            live_hash,
            checked_at: chrono::Utc::now(),
        })
    }

    /// Re-reads one VM from its host and stores what changed.
    pub async fn resync_vm(
        &self,
        vm: &virtumancer_model::VmDetail,
    ) -> Result<crate::SyncReport, EngineError> {
        let uuid = vm.vm.uuid.clone();
        self.ask(vm.vm.host_id, |reply| Command::ResyncVm { uuid, reply })
            .await
    }

    /// The open connection of a connected host, for actions that run beside its supervisor.
    pub(crate) async fn connection(
        &self,
        host: HostId,
    ) -> Result<Arc<dyn virtumancer_drivers::HostConnection>, EngineError> {
        match self.supervisors.lock().await.get(&host) {
            Some(sup) => sup.connection().ok_or(EngineError::HostNotConnected(host)),
            None => Err(EngineError::HostNotFound(host)),
        }
    }

    /// Asks a host's supervisor to re-read one VM soon, without waiting for it (after an
    /// action, so the state shows even when the host sends no event).
    pub(crate) async fn refresh_vm(&self, host: HostId, uuid: String) {
        if let Some(sup) = self.supervisors.lock().await.get(&host) {
            let (reply, _) = tokio::sync::oneshot::channel();
            sup.send(Command::ResyncVm { uuid, reply });
        }
    }

    /// The store, for read-only use cases built next to the fleet.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Stops every supervisor (closing connections).
    pub async fn shutdown(&self) {
        let sups: Vec<_> = self
            .supervisors
            .lock()
            .await
            .drain()
            .map(|(_, s)| s)
            .collect();
        for s in sups {
            s.stop().await;
        }
    }
}

fn conflict(e: StoreError, config: &HostConfig) -> EngineError {
    match e {
        StoreError::Conflict { field: "name" } => EngineError::NameTaken(config.name.clone()),
        StoreError::Conflict { field: "uri" } => EngineError::UriTaken(config.uri.clone()),
        other => other.into(),
    }
}

/// Empty means none; a key file must be an absolute path to a readable file on the server and
/// is only used by ssh transports.
async fn normalize_key_file(
    key_file: Option<&str>,
    uri: &HostUri,
) -> Result<Option<String>, EngineError> {
    let Some(k) = key_file.map(str::trim).filter(|k| !k.is_empty()) else {
        return Ok(None);
    };
    if !uri.transport().uses_ssh() {
        return Err(EngineError::InvalidKeyFile(
            "a key file is only used by ssh, libssh2 and libssh transports".into(),
        ));
    }
    if !k.starts_with('/') {
        return Err(EngineError::InvalidKeyFile(format!(
            "'{k}' is not an absolute path on the server"
        )));
    }
    if k.len() > 4096 || k.chars().any(char::is_control) {
        return Err(EngineError::InvalidKeyFile(
            "the path is too long or contains control characters".into(),
        ));
    }
    match tokio::fs::metadata(k).await {
        Ok(m) if m.is_file() => Ok(Some(k.to_owned())),
        Ok(_) => Err(EngineError::InvalidKeyFile(format!(
            "'{k}' is not a regular file"
        ))),
        Err(e) => Err(EngineError::InvalidKeyFile(format!("'{k}': {e}"))),
    }
}
