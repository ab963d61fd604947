//! One open libvirt connection.

use crate::{blocking, close_callback, facts};
use async_trait::async_trait;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Semaphore, watch};
use virt::connect::Connect;
use virtumancer_drivers::{CloseReason, DriverError, HostConnection};
use virtumancer_model::HostFacts;

/// Deadline for reading facts; a host slower than this counts as unavailable.
const FACTS_DEADLINE: Duration = Duration::from_secs(30);

/// An open connection to one libvirt host. Closing (or dropping) it releases libvirt's handle.
pub struct LibvirtConnection {
    conn: Arc<Mutex<Option<Connect>>>,
    gate: Arc<Semaphore>,
    closed_tx: Arc<watch::Sender<Option<CloseReason>>>,
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
    /// Wraps a freshly opened connection whose close callback sends into `closed_tx`.
    pub(crate) fn new(
        conn: Connect,
        closed_tx: Arc<watch::Sender<Option<CloseReason>>>,
        uri: String,
    ) -> Self {
        Self {
            conn: Arc::new(Mutex::new(Some(conn))),
            gate: Arc::new(Semaphore::new(blocking::CALLS_PER_CONNECTION)),
            closed_tx,
            uri,
        }
    }

    /// A clone of the libvirt handle (a new reference), or `Unavailable` once closed.
    fn handle(conn: &Mutex<Option<Connect>>) -> Result<Handle, DriverError> {
        let guard = conn.lock().expect("connection mutex poisoned");
        guard
            .as_ref()
            .map(|c| Handle(c.clone()))
            .ok_or_else(|| DriverError::Unavailable("connection closed".into()))
    }

    fn close_now(conn: &Mutex<Option<Connect>>) {
        let taken = conn.lock().expect("connection mutex poisoned").take();
        if let Some(c) = taken {
            close_callback::unregister(&c);
            drop(Handle(c));
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
        let conn = Arc::clone(&self.conn);
        blocking::run(
            &self.gate,
            FACTS_DEADLINE,
            "reading host facts",
            move || {
                let h = Self::handle(&conn)?;
                facts::read(&h.0)
            },
        )
        .await
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
        let conn = Arc::clone(&self.conn);
        // virConnectClose may block on a hung transport: never on a worker thread.
        let _ = tokio::task::spawn_blocking(move || Self::close_now(&conn)).await;
    }
}

impl Drop for LibvirtConnection {
    fn drop(&mut self) {
        if self.conn.lock().map(|g| g.is_some()).unwrap_or(false) {
            let conn = Arc::clone(&self.conn);
            std::thread::spawn(move || Self::close_now(&conn));
        }
    }
}
