//! One open libvirt connection.

use crate::blocking::CallLock;
use crate::inventory_events::{self, EventCallbacks};
use crate::normalize::VolumeIndex;
use crate::{
    blocking, close_callback, compute, facts, inventory, inventory_stream, networks, nics, stats,
};
use async_trait::async_trait;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Semaphore, broadcast, mpsc, watch};
use tokio::task::JoinHandle;
use virt::connect::Connect;
use virtumancer_drivers::{
    CloseReason, ComputeCapabilities, ComputeDriver, DriverError, HostConnection, InventoryEvent,
    InventoryReader, InventoryStream, NetworkDriver, NicDriver, StatsReader, StatsSample,
};
use virtumancer_model::{
    HostFacts, NetworkAction, NetworkInventory, NetworkSpec, NicAddresses, NicSpec, NicUpdate,
    PortgroupChange, PowerAction, PowerState, VmInventory,
};

/// How long `close` waits for libvirt before leaving the close to a background thread.
const CLOSE_WAIT: Duration = Duration::from_secs(2);

/// Deadline for reading facts or one VM; a host slower than this counts as unavailable.
const CALL_DEADLINE: Duration = Duration::from_secs(30);
/// Deadline for a whole inventory pass (thousands of domains on a slow link).
const SNAPSHOT_DEADLINE: Duration = Duration::from_secs(600);

/// The libvirt handle and what must be undone before it is released.
pub(crate) struct Live {
    pub conn: Connect,
    pub callbacks: EventCallbacks,
    /// A second, idle connection to the same daemon that only carries keepalive (ADR 0007).
    pub probe: Option<Connect>,
    /// A third connection, over which a full pass reads everything but the domains, so that
    /// those reads overlap the domains' instead of queuing behind them (ADR 0012). `None` for
    /// the in-process test driver, whose calls overlap anyway, or when it could not be opened.
    pub reader: Option<Connect>,
}

impl Live {
    /// Deregisters the callbacks and releases both connections. Blocks while the daemon does
    /// not answer: run it on a thread of its own, never beside another call on `conn`.
    pub(crate) fn release(self) {
        inventory_events::deregister(&self.conn, &self.callbacks);
        close_callback::unregister(&self.conn);
        if let Some(probe) = self.probe {
            close_callback::unregister(&probe);
            drop(Handle(probe));
        }
        if let Some(reader) = self.reader {
            drop(Handle(reader));
        }
        drop(Handle(self.conn));
    }
}

/// An open connection to one libvirt host. Closing (or dropping) it releases libvirt's handle.
pub struct LibvirtConnection {
    live: Arc<Mutex<Option<Live>>>,
    gate: Arc<Semaphore>,
    calls: CallLock,
    /// The reader connection's own call lock.
    reader_calls: CallLock,
    closed_tx: Arc<watch::Sender<Option<CloseReason>>>,
    events_tx: broadcast::Sender<InventoryEvent>,
    volumes: Arc<Mutex<Arc<VolumeIndex>>>,
    uri: String,
}

impl std::fmt::Debug for LibvirtConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LibvirtConnection")
            .field("uri", &self.uri)
            .finish_non_exhaustive()
    }
}

impl LibvirtConnection {
    /// Wraps a freshly opened connection whose callbacks send into the given channels; `rpc`
    /// when libvirt talks to a daemon (every driver but the in-process `test:///…`).
    pub(crate) fn new(
        live: Live,
        closed_tx: Arc<watch::Sender<Option<CloseReason>>>,
        events_tx: broadcast::Sender<InventoryEvent>,
        uri: String,
        rpc: bool,
    ) -> Self {
        Self {
            live: Arc::new(Mutex::new(Some(live))),
            gate: Arc::new(Semaphore::new(blocking::CALLS_PER_CONNECTION)),
            calls: CallLock::new(rpc),
            reader_calls: CallLock::new(rpc),
            closed_tx,
            events_tx,
            volumes: Arc::default(),
            uri,
        }
    }

    /// A clone of the libvirt handle (a new reference), or `Unavailable` once closed.
    fn handle(live: &Mutex<Option<Live>>) -> Result<Handle, DriverError> {
        let guard = live.lock().expect("connection mutex poisoned");
        guard
            .as_ref()
            .map(|l| Handle(l.conn.clone()))
            .ok_or_else(|| DriverError::Unavailable("connection closed".into()))
    }

    /// A clone of the reader connection's handle, if there is one and it is still open.
    fn reader_handle(live: &Mutex<Option<Live>>) -> Option<Handle> {
        let guard = live.lock().expect("connection mutex poisoned");
        guard
            .as_ref()
            .and_then(|l| l.reader.as_ref())
            .map(|r| Handle(r.clone()))
    }

    /// Releases the connection after the calls already running on it (a call stuck in a hung
    /// daemon holds the call lock until the daemon answers or the transport dies); calls made
    /// from now on fail as closed. The returned handle ends when the release is done.
    fn release_when_idle(&self) -> JoinHandle<()> {
        let taken = self.live.lock().expect("connection mutex poisoned").take();
        let calls = [self.calls.clone(), self.reader_calls.clone()];
        tokio::task::spawn_blocking(move || Self::release_after_calls(taken, &calls))
    }

    fn release_after_calls(taken: Option<Live>, calls: &[CallLock; 2]) {
        if let Some(l) = taken {
            let _held = calls.each_ref().map(CallLock::hold);
            l.release();
        }
    }
}

/// A libvirt connection reference that is released when dropped (`virt` 0.4 has no Drop).
struct Handle(Connect);

impl Drop for Handle {
    fn drop(&mut self) {
        let _ = self.0.close();
    }
}

#[async_trait]
impl HostConnection for LibvirtConnection {
    async fn facts(&self) -> Result<HostFacts, DriverError> {
        let live = Arc::clone(&self.live);
        blocking::run(
            &self.gate,
            &self.calls,
            CALL_DEADLINE,
            "reading host facts",
            move || facts::read(&Self::handle(&live)?.0),
        )
        .await
    }

    fn inventory(&self) -> &dyn InventoryReader {
        self
    }

    fn compute(&self) -> &dyn ComputeDriver {
        self
    }

    fn stats(&self) -> &dyn StatsReader {
        self
    }

    fn networks(&self) -> &dyn NetworkDriver {
        self
    }

    fn nics(&self) -> &dyn NicDriver {
        self
    }

    fn events(&self) -> broadcast::Receiver<InventoryEvent> {
        self.events_tx.subscribe()
    }

    fn closed(&self) -> watch::Receiver<Option<CloseReason>> {
        self.closed_tx.subscribe()
    }

    async fn close(&self) {
        self.closed_tx.send_if_modified(|cur| {
            let changed = cur.is_none();
            if changed {
                *cur = Some(CloseReason::Client);
            }
            changed
        });
        // Waiting for a hung daemon would hold the caller: the close finishes in the background.
        let _ = tokio::time::timeout(CLOSE_WAIT, self.release_when_idle()).await;
    }
}

#[async_trait]
impl InventoryReader for LibvirtConnection {
    fn stream(&self) -> InventoryStream {
        // Small: the reader stays at most a few parts ahead of the engine's writes.
        let (tx, rx) = mpsc::channel(4);
        let (live, volumes, gate, calls, reader_calls) = (
            Arc::clone(&self.live),
            Arc::clone(&self.volumes),
            Arc::clone(&self.gate),
            self.calls.clone(),
            self.reader_calls.clone(),
        );
        tokio::spawn(async move {
            let parts = tx.clone();
            let until = std::time::Instant::now() + SNAPSHOT_DEADLINE;
            // Holds the call lock per call, not for the pass: actions and stats get in between.
            let pass = blocking::run_unlocked(
                &gate,
                SNAPSHOT_DEADLINE,
                "reading the inventory",
                move || {
                    let conn = Self::handle(&live)?;
                    let reader = Self::reader_handle(&live);
                    let main = inventory_stream::Link {
                        conn: &conn.0,
                        calls: &calls,
                    };
                    let side = reader.as_ref().map(|r| inventory_stream::Link {
                        conn: &r.0,
                        calls: &reader_calls,
                    });
                    let pass = inventory_stream::run(main, side, &parts, until, |index| {
                        *volumes.lock().expect("volume index mutex poisoned") = index;
                    });
                    // If the connection was released meanwhile, these are its last references
                    // and closing them are calls too.
                    if let Some(reader) = reader {
                        let _held = reader_calls.hold_to_free(until);
                        drop(reader);
                    }
                    let _held = calls.hold_to_free(until);
                    drop(conn);
                    pass
                },
            )
            .await;
            match pass {
                Ok(handles) => {
                    // The engine has every part once the channel closes; the handles are
                    // freed beside its last writes.
                    drop(tx);
                    tokio::task::spawn_blocking(move || drop(handles));
                }
                // Nobody listening any more is fine: the pass was abandoned.
                Err(err) => {
                    let _ = tx.send(Err(err)).await;
                }
            }
        });
        rx
    }

    async fn vm(&self, uuid: &str) -> Result<Option<VmInventory>, DriverError> {
        let (live, volumes, uuid) = (
            Arc::clone(&self.live),
            Arc::clone(&self.volumes),
            uuid.to_owned(),
        );
        blocking::run(
            &self.gate,
            &self.calls,
            CALL_DEADLINE,
            "reading a VM",
            move || {
                let index = Arc::clone(&volumes.lock().expect("volume index mutex poisoned"));
                inventory::vm_by_uuid(&Self::handle(&live)?.0, &uuid, &index)
            },
        )
        .await
    }
}

#[async_trait]
impl ComputeDriver for LibvirtConnection {
    fn capabilities(&self) -> ComputeCapabilities {
        ComputeCapabilities {
            power_actions: PowerAction::ALL.to_vec(),
        }
    }

    async fn power(&self, uuid: &str, action: PowerAction) -> Result<(), DriverError> {
        let (live, uuid) = (Arc::clone(&self.live), uuid.to_owned());
        let what = format!("{} of a VM", action.as_str());
        blocking::run(&self.gate, &self.calls, CALL_DEADLINE, &what, move || {
            compute::power(&Self::handle(&live)?.0, &uuid, action)
        })
        .await
    }

    async fn power_state(&self, uuid: &str) -> Result<PowerState, DriverError> {
        let (live, uuid) = (Arc::clone(&self.live), uuid.to_owned());
        blocking::run(
            &self.gate,
            &self.calls,
            CALL_DEADLINE,
            "reading a VM's state",
            move || compute::power_state(&Self::handle(&live)?.0, &uuid),
        )
        .await
    }
}

#[async_trait]
impl NetworkDriver for LibvirtConnection {
    async fn network(&self, name: &str) -> Result<Option<NetworkInventory>, DriverError> {
        let (live, name) = (Arc::clone(&self.live), name.to_owned());
        blocking::run(
            &self.gate,
            &self.calls,
            CALL_DEADLINE,
            "reading a network",
            move || networks::network(&Self::handle(&live)?.0, &name),
        )
        .await
    }

    async fn create_network(&self, spec: &NetworkSpec) -> Result<(), DriverError> {
        let (live, spec) = (Arc::clone(&self.live), spec.clone());
        blocking::run(
            &self.gate,
            &self.calls,
            CALL_DEADLINE,
            "creating a network",
            move || networks::create(&Self::handle(&live)?.0, &spec),
        )
        .await
    }

    async fn network_action(&self, name: &str, action: NetworkAction) -> Result<(), DriverError> {
        let (live, name) = (Arc::clone(&self.live), name.to_owned());
        let what = format!("{} of a network", action.as_str());
        blocking::run(&self.gate, &self.calls, CALL_DEADLINE, &what, move || {
            networks::act(&Self::handle(&live)?.0, &name, action)
        })
        .await
    }

    async fn define_network(
        &self,
        name: &str,
        xml: &str,
        autostart: bool,
        start: bool,
    ) -> Result<(), DriverError> {
        let (live, name, xml) = (Arc::clone(&self.live), name.to_owned(), xml.to_owned());
        blocking::run(
            &self.gate,
            &self.calls,
            CALL_DEADLINE,
            "creating a network",
            move || networks::define(&Self::handle(&live)?.0, &name, &xml, autostart, start),
        )
        .await
    }

    async fn change_portgroup(
        &self,
        network: &str,
        change: &PortgroupChange,
    ) -> Result<(), DriverError> {
        let (live, network, change) = (Arc::clone(&self.live), network.to_owned(), change.clone());
        blocking::run(
            &self.gate,
            &self.calls,
            CALL_DEADLINE,
            "changing a portgroup",
            move || networks::change_portgroup(&Self::handle(&live)?.0, &network, &change),
        )
        .await
    }

    async fn delete_network(&self, name: &str) -> Result<(), DriverError> {
        let (live, name) = (Arc::clone(&self.live), name.to_owned());
        blocking::run(
            &self.gate,
            &self.calls,
            CALL_DEADLINE,
            "deleting a network",
            move || networks::delete(&Self::handle(&live)?.0, &name),
        )
        .await
    }
}

#[async_trait]
impl NicDriver for LibvirtConnection {
    async fn attach_nic(&self, uuid: &str, nic: &NicSpec) -> Result<(), DriverError> {
        let (live, uuid, nic) = (Arc::clone(&self.live), uuid.to_owned(), nic.clone());
        blocking::run(
            &self.gate,
            &self.calls,
            CALL_DEADLINE,
            "adding a NIC",
            move || nics::attach(&Self::handle(&live)?.0, &uuid, &nic),
        )
        .await
    }

    async fn attach_interface(&self, uuid: &str, xml: &str) -> Result<(), DriverError> {
        let (live, uuid, xml) = (Arc::clone(&self.live), uuid.to_owned(), xml.to_owned());
        blocking::run(
            &self.gate,
            &self.calls,
            CALL_DEADLINE,
            "adding a NIC",
            move || nics::attach_interface(&Self::handle(&live)?.0, &uuid, &xml),
        )
        .await
    }

    async fn detach_nic(&self, uuid: &str, mac: &str) -> Result<(), DriverError> {
        let (live, uuid, mac) = (Arc::clone(&self.live), uuid.to_owned(), mac.to_owned());
        blocking::run(
            &self.gate,
            &self.calls,
            CALL_DEADLINE,
            "removing a NIC",
            move || nics::detach(&Self::handle(&live)?.0, &uuid, &mac),
        )
        .await
    }

    async fn nic_addresses(&self, uuids: &[String]) -> Result<Vec<NicAddresses>, DriverError> {
        let (live, uuids) = (Arc::clone(&self.live), uuids.to_vec());
        blocking::run(
            &self.gate,
            &self.calls,
            CALL_DEADLINE,
            "reading NIC addresses",
            move || crate::nic_addresses::addresses(&Self::handle(&live)?.0, &uuids),
        )
        .await
    }

    async fn update_nic(
        &self,
        uuid: &str,
        mac: &str,
        change: &NicUpdate,
    ) -> Result<(), DriverError> {
        let (live, uuid, mac, change) = (
            Arc::clone(&self.live),
            uuid.to_owned(),
            mac.to_owned(),
            change.clone(),
        );
        blocking::run(
            &self.gate,
            &self.calls,
            CALL_DEADLINE,
            "changing a NIC",
            move || nics::update(&Self::handle(&live)?.0, &uuid, &mac, &change),
        )
        .await
    }
}

#[async_trait]
impl StatsReader for LibvirtConnection {
    async fn sample(&self) -> Result<StatsSample, DriverError> {
        let live = Arc::clone(&self.live);
        blocking::run(
            &self.gate,
            &self.calls,
            CALL_DEADLINE,
            "reading statistics",
            move || stats::sample(&Self::handle(&live)?.0),
        )
        .await
    }
}

impl Drop for LibvirtConnection {
    fn drop(&mut self) {
        let taken = self.live.lock().ok().and_then(|mut g| g.take());
        if taken.is_some() {
            let calls = [self.calls.clone(), self.reader_calls.clone()];
            std::thread::spawn(move || Self::release_after_calls(taken, &calls));
        }
    }
}
