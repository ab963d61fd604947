//! Running blocking libvirt calls off the async runtime, bounded, one at a time per connection,
//! and with deadlines.

use parking_lot::{Mutex, MutexGuard};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;
use virtumancer_drivers::DriverError;

/// How many blocking jobs one connection may have on the blocking pool; a hung host can pin
/// at most this many of its threads.
pub const CALLS_PER_CONNECTION: usize = 4;

/// The lock every libvirt call on one connection holds: calls never overlap (ADR 0007).
///
/// libvirt 9.0's RPC client crashes when threads share a connection: a thread that wakes the
/// one waiting for a reply leaves a GLib watch behind that points into that thread's stack,
/// and a later call dispatches it (segfault in `virNetClientIOEventFD`). Jobs still run in
/// parallel between their calls (parsing, normalizing), and a job that cannot get the lock
/// before its deadline fails without having sent anything. In-process drivers (`test:///…`)
/// have no RPC client, so their lock holds nothing.
#[derive(Debug, Clone)]
pub struct CallLock(Option<Arc<Mutex<()>>>);

impl CallLock {
    /// A lock for a connection that talks RPC (`rpc`), or one that holds nothing.
    pub fn new(rpc: bool) -> Self {
        Self(rpc.then(Arc::default))
    }

    /// Holds the lock, waiting until `deadline` at most.
    pub fn hold_until(
        &self,
        deadline: Instant,
        what: &str,
    ) -> Result<Option<MutexGuard<'_, ()>>, DriverError> {
        let Some(lock) = &self.0 else {
            return Ok(None);
        };
        lock.try_lock_until(deadline).map(Some).ok_or_else(|| {
            DriverError::Unavailable(format!(
                "{what}: the host is still busy with an earlier call that does not answer"
            ))
        })
    }

    /// Holds the lock however long that takes (releasing a connection must happen after every
    /// call on it; it runs on a thread of its own).
    pub fn hold(&self) -> Option<MutexGuard<'_, ()>> {
        self.0.as_ref().map(|l| l.lock())
    }
}

/// Runs `f` on the blocking pool, holding `calls` for its whole run, once a permit of `gate`
/// is free; fails with `Unavailable` after `deadline` (a call already sent finishes on its own
/// thread and its result is dropped; one still waiting for the lock gives up unsent).
pub async fn run<T, F>(
    gate: &Arc<Semaphore>,
    calls: &CallLock,
    deadline: Duration,
    what: &str,
    f: F,
) -> Result<T, DriverError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, DriverError> + Send + 'static,
{
    let (calls, label) = (calls.clone(), what.to_owned());
    let until = Instant::now() + deadline;
    run_unlocked(gate, deadline, what, move || {
        let _held = calls.hold_until(until, &label)?;
        f()
    })
    .await
}

/// Like [`run`] without holding the call lock: for jobs that take it around each of their
/// calls themselves (a long inventory pass lets other calls in between its own).
pub async fn run_unlocked<T, F>(
    gate: &Arc<Semaphore>,
    deadline: Duration,
    what: &str,
    f: F,
) -> Result<T, DriverError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, DriverError> + Send + 'static,
{
    let work = async {
        let permit = Arc::clone(gate)
            .acquire_owned()
            .await
            .map_err(|_| DriverError::Unavailable("connection closed".into()))?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            f()
        })
        .await
        .map_err(|e| DriverError::Backend(format!("{what} panicked: {e}")))?
    };
    match tokio::time::timeout(deadline, work).await {
        Ok(r) => r,
        Err(_) => Err(DriverError::Unavailable(format!(
            "{what} did not answer within {} s",
            deadline.as_secs()
        ))),
    }
}
