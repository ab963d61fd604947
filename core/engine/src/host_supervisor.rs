//! One task per host that owns its connection: connects in the background, notices drops
//! (close callback, keepalive) and reconnects with exponential backoff.

use crate::state_recorder::{Recorded, Report};
use crate::{Backoff, EngineError, InventorySync, SyncReport};
use chrono::Utc;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;
use virtumancer_drivers::{ConnectSpec, HostConnection, HostConnector, InventoryEvent};
use virtumancer_model::{HostId, HostState, VmInventory};
use virtumancer_store::{HostStateRecord, SyncOutcome};

/// Bound on reading facts right after connecting.
const FACTS_DEADLINE: Duration = Duration::from_secs(30);

/// What the fleet tells a supervisor.
#[derive(Debug)]
pub(crate) enum Command {
    /// The user wants the host connected (also: retry now).
    Connect,
    /// The user wants it disconnected.
    Disconnect,
    /// URI or keys changed: drop the connection and use this spec from now on.
    Reconfigure(ConnectSpec),
    /// Re-read the whole inventory now (the user's resync).
    Resync,
    /// Read one VM's live configuration (drift check).
    InspectVm {
        /// Its UUID.
        uuid: String,
        /// Where the answer goes.
        reply: oneshot::Sender<Result<Option<VmInventory>, EngineError>>,
    },
    /// Re-read one VM and store what changed.
    ResyncVm {
        /// Its UUID.
        uuid: String,
        /// Where the answer goes.
        reply: oneshot::Sender<Result<SyncReport, EngineError>>,
    },
    /// The host is being deleted or the server stops.
    Stop,
}

/// What a supervisor works with.
pub(crate) struct SupervisorParts {
    /// Opens the connection.
    pub connector: Arc<dyn HostConnector>,
    /// Where state changes go.
    pub reports: mpsc::UnboundedSender<Report>,
    /// Reconnect backoff.
    pub backoff: Backoff,
    /// Inventory sync of this host.
    pub sync: InventorySync,
    /// Full re-read interval while connected.
    pub reconcile_every: Duration,
    /// Where live usage goes.
    pub stats: Arc<crate::StatsHub>,
    /// The store (VM ids for stats).
    pub store: Arc<dyn virtumancer_store::Store>,
    /// The event bus (stats events).
    pub bus: crate::EventBus,
}

/// The supervisor's open connection, shared with actions that run beside it.
pub(crate) type LiveConnection = Option<Arc<dyn HostConnection>>;

/// Handle to a running supervisor task.
pub(crate) struct HostSupervisor {
    commands: mpsc::UnboundedSender<Command>,
    task: JoinHandle<()>,
    live: watch::Receiver<LiveConnection>,
}

impl std::fmt::Debug for HostSupervisor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostSupervisor").finish_non_exhaustive()
    }
}

impl HostSupervisor {
    /// Starts supervising `host_id`. With `want_connected` it connects at once.
    pub(crate) fn spawn(
        host_id: HostId,
        spec: ConnectSpec,
        want_connected: bool,
        with: SupervisorParts,
    ) -> Self {
        let (commands, rx) = mpsc::unbounded_channel();
        let (live_tx, live) = watch::channel(None);
        let SupervisorParts {
            connector,
            reports,
            backoff,
            sync,
            reconcile_every,
            stats,
            store,
            bus,
        } = with;
        let run = Run {
            host_id,
            spec,
            want: want_connected,
            connector,
            reports,
            backoff,
            commands: rx,
            deferred: VecDeque::new(),
            sync,
            reconcile_every,
            live: live_tx,
            stats,
            store,
            bus,
        };
        let task = tokio::spawn(run.run());
        Self {
            commands,
            task,
            live,
        }
    }

    /// The open connection while the host is connected (actions use it beside the
    /// supervisor; it closes under them when the host drops).
    pub(crate) fn connection(&self) -> LiveConnection {
        self.live.borrow().clone()
    }

    /// Sends a command; a stopped supervisor ignores it.
    pub(crate) fn send(&self, cmd: Command) {
        let _ = self.commands.send(cmd);
    }

    /// Stops the task and waits until it has closed its connection (bounded).
    pub(crate) async fn stop(self) {
        self.send(Command::Stop);
        if tokio::time::timeout(Duration::from_secs(10), self.task)
            .await
            .is_err()
        {
            tracing::warn!("host supervisor did not stop within 10 s");
        }
    }
}

/// What a command means for the state machine.
enum Wake {
    /// Look at `want` and `spec` again.
    Retry,
    /// End the task.
    Stop,
    /// Nothing changes; keep doing what was being done.
    Ignore,
}

struct Run {
    host_id: HostId,
    spec: ConnectSpec,
    want: bool,
    connector: Arc<dyn HostConnector>,
    reports: mpsc::UnboundedSender<Report>,
    backoff: Backoff,
    commands: mpsc::UnboundedReceiver<Command>,
    /// Commands that arrived during a full pass and wait for it to end.
    deferred: VecDeque<Command>,
    sync: InventorySync,
    reconcile_every: Duration,
    live: watch::Sender<LiveConnection>,
    stats: Arc<crate::StatsHub>,
    store: Arc<dyn virtumancer_store::Store>,
    bus: crate::EventBus,
}

/// Runs `work` unless the connection closes first (`None` then; the caller's next look at
/// `closed` reports the loss).
async fn until_closed<F: std::future::Future>(
    closed: &mut watch::Receiver<Option<virtumancer_drivers::CloseReason>>,
    work: F,
) -> Option<F::Output> {
    tokio::select! {
        out = work => Some(out),
        _ = closed.wait_for(Option::is_some) => None,
    }
}

/// Why a full pass did not finish.
enum Cut {
    /// The connection closed (the caller's next look at `closed` reports the loss).
    Closed,
    /// A command that ends the connection (stop, disconnect, reconfigure; `None` when the
    /// fleet is gone): it must not wait for a pass that can take minutes on a large or slow
    /// host, so the pass is dropped, which rolls its transaction back.
    Ending(Option<Command>),
}

/// Runs a full pass unless the connection closes or an ending command arrives first. Other
/// commands are kept in `deferred`, in order, for after the pass.
async fn full_pass_until_cut(
    closed: &mut watch::Receiver<Option<virtumancer_drivers::CloseReason>>,
    commands: &mut mpsc::UnboundedReceiver<Command>,
    deferred: &mut VecDeque<Command>,
    pass: impl std::future::Future<Output = ()>,
) -> Result<(), Cut> {
    tokio::pin!(pass);
    loop {
        tokio::select! {
            () = &mut pass => return Ok(()),
            _ = closed.wait_for(Option::is_some) => return Err(Cut::Closed),
            cmd = commands.recv() => match cmd {
                Some(
                    c @ (Command::Connect
                    | Command::Resync
                    | Command::InspectVm { .. }
                    | Command::ResyncVm { .. }),
                ) => deferred.push_back(c),
                ending => return Err(Cut::Ending(ending)),
            },
        }
    }
}

/// The next command: a deferred one first.
async fn next_command(
    deferred: &mut VecDeque<Command>,
    commands: &mut mpsc::UnboundedReceiver<Command>,
) -> Option<Command> {
    match deferred.pop_front() {
        Some(c) => Some(c),
        None => commands.recv().await,
    }
}

/// The stats collector of a connected host; stopped (and its numbers forgotten) on drop.
struct Collecting {
    task: JoinHandle<()>,
    hub: Arc<crate::StatsHub>,
    host: HostId,
}

impl Drop for Collecting {
    fn drop(&mut self) {
        self.task.abort();
        self.hub.forget_host(self.host);
    }
}

impl Run {
    fn report(&self, state: HostState, reason: Option<String>) {
        let record = HostStateRecord {
            state,
            reason,
            facts: None,
            connected_at: None,
        };
        let _ = self.reports.send(Report {
            host_id: self.host_id,
            record: record.into(),
        });
    }

    /// Applies a command received while not connected. `Wake::Stop` ends the task; after
    /// `Wake::Retry` the main loop looks at `want` and `spec` again.
    fn apply(&mut self, cmd: Option<Command>) -> Wake {
        match cmd {
            None | Some(Command::Stop) => return Wake::Stop,
            // Nothing to re-read while not connected; the next connection syncs anyway.
            Some(Command::Resync) => return Wake::Ignore,
            Some(Command::InspectVm { reply, .. }) => {
                let _ = reply.send(Err(EngineError::HostNotConnected(self.host_id)));
                return Wake::Ignore;
            }
            Some(Command::ResyncVm { reply, .. }) => {
                let _ = reply.send(Err(EngineError::HostNotConnected(self.host_id)));
                return Wake::Ignore;
            }
            Some(Command::Connect) => {
                self.want = true;
                self.backoff.reset();
            }
            Some(Command::Disconnect) => self.want = false,
            Some(Command::Reconfigure(spec)) => {
                self.spec = spec;
                self.backoff.reset();
            }
        }
        Wake::Retry
    }

    async fn run(mut self) {
        loop {
            if !self.want {
                self.report(HostState::Disconnected, None);
                loop {
                    let cmd = self.commands.recv().await;
                    match self.apply(cmd) {
                        Wake::Stop => return,
                        Wake::Retry => break,
                        Wake::Ignore => {}
                    }
                }
                continue;
            }
            self.report(HostState::Connecting, None);
            let attempt = self.spec.clone();
            let connector = Arc::clone(&self.connector);
            let opened = {
                let open = connector.open(&attempt);
                tokio::pin!(open);
                loop {
                    tokio::select! {
                        r = &mut open => break Some(r),
                        cmd = self.commands.recv() => match self.apply(cmd) {
                            Wake::Stop => return,
                            Wake::Retry => break None,
                            Wake::Ignore => {}
                        },
                    }
                }
            };
            let Some(opened) = opened else { continue };
            match opened {
                Err(e) => {
                    self.report(HostState::Error, Some(e.to_string()));
                    // Wrong keys or an unaccepted host key will not fix themselves.
                    let wait = if e.is_transient() {
                        Some(self.backoff.next_delay())
                    } else {
                        None
                    };
                    if let Wake::Stop = self.wait(wait).await {
                        return;
                    }
                }
                Ok(conn) => match self.serve_shared(Arc::from(conn)).await {
                    Served::Stop => return,
                    Served::Lost(why) => {
                        self.report(HostState::Disconnected, Some(why));
                        let delay = self.backoff.next_delay();
                        if let Wake::Stop = self.wait(Some(delay)).await {
                            return;
                        }
                    }
                    Served::Released => {}
                },
            }
        }
    }

    /// Waits `delay` (forever when `None`) or until a command arrives.
    async fn wait(&mut self, delay: Option<Duration>) -> Wake {
        let sleep = async {
            match delay {
                Some(d) => tokio::time::sleep(d).await,
                None => std::future::pending().await,
            }
        };
        tokio::pin!(sleep);
        loop {
            tokio::select! {
                () = &mut sleep => return Wake::Retry,
                cmd = self.commands.recv() => match self.apply(cmd) {
                    Wake::Ignore => {}
                    w => return w,
                },
            }
        }
    }

    /// [`Self::serve`], sharing the connection with actions while it is held.
    async fn serve_shared(&mut self, conn: Arc<dyn HostConnection>) -> Served {
        let served = self.serve(conn).await;
        self.live.send_replace(None);
        self.refuse_deferred();
        served
    }

    /// Answers the commands deferred during a full pass that the connection did not outlive.
    fn refuse_deferred(&mut self) {
        for cmd in std::mem::take(&mut self.deferred) {
            match cmd {
                Command::InspectVm { reply, .. } => {
                    let _ = reply.send(Err(EngineError::HostNotConnected(self.host_id)));
                }
                Command::ResyncVm { reply, .. } => {
                    let _ = reply.send(Err(EngineError::HostNotConnected(self.host_id)));
                }
                // Nothing to re-read without a connection; "connect" came while connected.
                _ => {}
            }
        }
    }

    /// A full pass on `conn`. `Some` when a command ended the connection before the pass
    /// finished: the pass is dropped (its transaction rolls back), the connection closed, and
    /// the result is what `serve` returns.
    async fn pass(
        &mut self,
        conn: &Arc<dyn HostConnection>,
        closed: &mut watch::Receiver<Option<virtumancer_drivers::CloseReason>>,
        why: &str,
    ) -> Option<Served> {
        let pass = full_sync(&self.sync, self.host_id, conn.as_ref(), why, &self.reports);
        match full_pass_until_cut(closed, &mut self.commands, &mut self.deferred, pass).await {
            Ok(()) | Err(Cut::Closed) => None,
            Err(Cut::Ending(cmd)) => {
                tracing::info!(host = %self.host_id, why, "inventory sync cut short: the connection is ending");
                Some(self.end(conn, cmd).await)
            }
        }
    }

    /// Closes `conn` for `cmd` (stop, disconnect, reconfigure, or `None`: the fleet is gone).
    async fn end(&mut self, conn: &Arc<dyn HostConnection>, cmd: Option<Command>) -> Served {
        conn.close().await;
        match self.apply(cmd) {
            Wake::Stop => Served::Stop,
            Wake::Retry | Wake::Ignore => Served::Released,
        }
    }

    /// Holds an open connection until it drops or a command ends it.
    async fn serve(&mut self, conn: Arc<dyn HostConnection>) -> Served {
        let facts = match tokio::time::timeout(FACTS_DEADLINE, conn.facts()).await {
            Ok(Ok(f)) => virtumancer_model::HostFacts {
                power_actions: conn.compute().capabilities().power_actions,
                ..f
            },
            Ok(Err(e)) => {
                conn.close().await;
                return Served::Lost(format!("connected, but reading host facts failed: {e}"));
            }
            Err(_) => {
                conn.close().await;
                return Served::Lost(
                    "connected, but the host did not report its facts within 30 s".into(),
                );
            }
        };
        self.backoff.reset();
        let record = HostStateRecord {
            state: HostState::Connected,
            reason: None,
            facts: Some(facts),
            connected_at: Some(Utc::now()),
        };
        let _ = self.reports.send(Report {
            host_id: self.host_id,
            record: record.into(),
        });
        let mut closed = conn.closed();
        let mut events = conn.events();
        self.live.send_replace(Some(Arc::clone(&conn)));
        let _collecting = Collecting {
            task: tokio::spawn(crate::stats_collector::run(
                self.host_id,
                Arc::clone(&conn),
                Arc::clone(&self.stats),
                Arc::clone(&self.store),
                self.bus.clone(),
            )),
            hub: Arc::clone(&self.stats),
            host: self.host_id,
        };
        let mut events_open = true;
        // Every host call below races the close callback: a host that hangs mid-call is
        // reported lost by keepalive instead of holding the supervisor until the call fails.
        if let Some(served) = self.pass(&conn, &mut closed, "connect").await {
            return served;
        }
        let mut reconcile = tokio::time::interval_at(
            tokio::time::Instant::now() + self.reconcile_every,
            self.reconcile_every,
        );
        reconcile.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                // Map inside the future so the watch guard is released before the next await.
                r = async { closed.wait_for(Option::is_some).await.map(|g| g.as_ref().map(ToString::to_string)) } => {
                    let why = match r {
                        Ok(reason) => reason.unwrap_or_default(),
                        Err(_) => "the connection was dropped".to_owned(),
                    };
                    conn.close().await;
                    return Served::Lost(format!("connection lost: {why}"));
                }
                ev = events.recv(), if events_open => match ev {
                    Ok(InventoryEvent::VmChanged { uuid } | InventoryEvent::VmRemoved { uuid }) => {
                        if let Some(Err(e)) = until_closed(&mut closed, self.sync.vm(conn.as_ref(), &uuid)).await {
                            tracing::warn!(host = %self.host_id, %uuid, error = %e, "syncing a VM after an event failed");
                        }
                    }
                    Ok(InventoryEvent::NetworksChanged | InventoryEvent::StoragePoolsChanged) => {
                        if let Some(served) = self.pass(&conn, &mut closed, "network or pool event").await {
                            return served;
                        }
                    }
                    // Missed events: only a full pass is sure to catch up.
                    Err(RecvError::Lagged(_)) => {
                        if let Some(served) = self.pass(&conn, &mut closed, "missed events").await {
                            return served;
                        }
                    }
                    Err(RecvError::Closed) => events_open = false,
                },
                _ = reconcile.tick() => {
                    if let Some(served) = self.pass(&conn, &mut closed, "periodic reconcile").await {
                        return served;
                    }
                }
                cmd = next_command(&mut self.deferred, &mut self.commands) => {
                    // Already connected: "connect" has nothing to do.
                    if matches!(cmd, Some(Command::Connect)) {
                        continue;
                    }
                    match cmd {
                        Some(Command::Resync) => {
                            if let Some(served) = self.pass(&conn, &mut closed, "user resync").await {
                                return served;
                            }
                            continue;
                        }
                        Some(Command::InspectVm { uuid, reply }) => {
                            let read = until_closed(&mut closed, conn.inventory().vm(&uuid)).await;
                            let _ = reply.send(match read {
                                Some(r) => r.map_err(EngineError::from),
                                None => Err(EngineError::HostNotConnected(self.host_id)),
                            });
                            continue;
                        }
                        Some(Command::ResyncVm { uuid, reply }) => {
                            let synced = until_closed(&mut closed, self.sync.vm(conn.as_ref(), &uuid)).await;
                            let _ = reply.send(synced.unwrap_or(Err(EngineError::HostNotConnected(self.host_id))));
                            continue;
                        }
                        _ => {}
                    }
                    return self.end(&conn, cmd).await;
                }
            }
        }
    }
}

/// A full inventory pass; its outcome is recorded on the host (the time of a success, the
/// reason of a failure) and logged. The next pass or reconnect retries a failed one.
async fn full_sync(
    sync: &InventorySync,
    host: HostId,
    conn: &dyn HostConnection,
    why: &str,
    reports: &mpsc::UnboundedSender<Report>,
) {
    let started = Utc::now();
    let outcome = match sync.full_at(conn, started).await {
        Ok(r) => {
            tracing::info!(host = %host, why, vms = r.vms_seen, changed = r.vms_changed, rows = r.rows_written, "inventory synced");
            SyncOutcome::Synced { at: started }
        }
        Err(e) => {
            let reason = crate::with_causes(&e);
            tracing::warn!(host = %host, why, error = %reason, "inventory sync failed");
            SyncOutcome::Failed {
                at: Utc::now(),
                reason,
            }
        }
    };
    let _ = reports.send(Report {
        host_id: host,
        record: Recorded::Sync(outcome),
    });
}

enum Served {
    Stop,
    Lost(String),
    Released,
}
