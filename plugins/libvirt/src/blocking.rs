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

    /// Whether this lock guards an RPC connection (one whose every call is a round trip).
    pub fn guards_rpc(&self) -> bool {
        self.0.is_some()
    }

    /// Holds the lock for a call, waiting until `deadline` at most. Fails once `deadline` has
    /// passed even if the lock is free (or there is none): a caller that gave up at its
    /// deadline must not have its call sent later (a blocking job may start, or get the lock,
    /// after that).
    pub fn hold_until(
        &self,
        deadline: Instant,
        what: &str,
    ) -> Result<Option<MutexGuard<'_, ()>>, DriverError> {
        let busy = || {
            DriverError::Unavailable(format!(
                "{what}: the host is still busy with an earlier call that does not answer"
            ))
        };
        let held = match &self.0 {
            Some(lock) => Some(lock.try_lock_until(deadline).ok_or_else(busy)?),
            None => None,
        };
        if Instant::now() >= deadline {
            return Err(busy());
        }
        Ok(held)
    }

    /// Holds the lock to free what a finished job leaves (domain handles, a connection's last
    /// reference), waiting until `deadline` at most and then taking it if it is free; `None`
    /// if an earlier call still holds it (the caller frees without it).
    pub fn hold_to_free(&self, deadline: Instant) -> Option<MutexGuard<'_, ()>> {
        let lock = self.0.as_ref()?;
        lock.try_lock_until(deadline).or_else(|| lock.try_lock())
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
    run_unlocked_until(gate, until, what, move || {
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
    run_unlocked_until(gate, Instant::now() + deadline, what, f).await
}

/// [`run_unlocked`] with the deadline as an instant, so a job's lock waits and its timeout end
/// together.
async fn run_unlocked_until<T, F>(
    gate: &Arc<Semaphore>,
    until: Instant,
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
    let allowed = until.saturating_duration_since(Instant::now());
    match tokio::time::timeout_at(until.into(), work).await {
        Ok(r) => r,
        Err(_) => Err(DriverError::Unavailable(format!(
            "{what} did not answer within {}",
            seconds(allowed)
        ))),
    }
}

/// A deadline as people read it: "30 s", "0.2 s".
fn seconds(d: Duration) -> String {
    let s = (d.as_secs_f64() * 10.0).round() / 10.0;
    format!("{s} s")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};

    #[tokio::test]
    async fn a_call_that_cannot_get_the_lock_in_time_fails_unsent() {
        let gate = Arc::new(Semaphore::new(CALLS_PER_CONNECTION));
        let calls = CallLock::new(true);
        // Another call is stuck in a hung daemon.
        let stuck = calls.clone();
        let (held_tx, held_rx) = std::sync::mpsc::channel();
        let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
        let holder = std::thread::spawn(move || {
            let _held = stuck.hold();
            held_tx.send(()).unwrap();
            let _ = release_rx.recv();
        });
        held_rx.recv().unwrap();

        let sent = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&sent);
        let r = run(
            &gate,
            &calls,
            Duration::from_millis(200),
            "a power action",
            move || {
                flag.store(true, Ordering::SeqCst);
                Ok(())
            },
        )
        .await;
        assert!(matches!(r, Err(DriverError::Unavailable(_))), "{r:?}");

        // Once the stuck call returns, the abandoned one must still not run: wait until every
        // job has left the blocking pool (each holds a permit while it runs).
        release_tx.send(()).unwrap();
        holder.join().unwrap();
        let _all = gate
            .acquire_many(CALLS_PER_CONNECTION as u32)
            .await
            .unwrap();
        assert!(
            !sent.load(Ordering::SeqCst),
            "the abandoned call was sent later"
        );
    }

    #[test]
    fn a_free_lock_is_not_taken_for_a_call_past_its_deadline() {
        // A blocking job can start late (a busy pool) and find the lock free: its caller has
        // given up by then, so it must not send.
        let calls = CallLock::new(true);
        let past = Instant::now() - Duration::from_millis(1);
        let r = calls.hold_until(past, "a power action");
        assert!(matches!(r, Err(DriverError::Unavailable(_))), "{r:?}");
        // Freeing what a finished job left still takes a free lock, and releases it.
        assert!(calls.hold_to_free(past).is_some());
        let future = Instant::now() + Duration::from_secs(30);
        assert!(calls.hold_until(future, "a call").unwrap().is_some());
        // In-process connections have nothing to hold, and a late call is not made either.
        let in_process = CallLock::new(false);
        assert!(in_process.hold_until(future, "a call").unwrap().is_none());
        let r = in_process.hold_until(past, "a call");
        assert!(matches!(r, Err(DriverError::Unavailable(_))), "{r:?}");
    }

    /// Runs one job per permit, each of which waits (up to `wait`) for all of them to be
    /// inside at once; returns how many were inside together at most.
    async fn most_inside_together(calls: CallLock, wait: Duration) -> usize {
        #[derive(Default)]
        struct Meeting {
            inside: usize,
            most: usize,
            arrived: usize,
        }
        let gate = Arc::new(Semaphore::new(CALLS_PER_CONNECTION));
        let meet = Arc::new((
            std::sync::Mutex::new(Meeting::default()),
            std::sync::Condvar::new(),
        ));
        let jobs: Vec<_> = (0..CALLS_PER_CONNECTION)
            .map(|_| {
                let (gate, calls, meet) = (Arc::clone(&gate), calls.clone(), Arc::clone(&meet));
                tokio::spawn(async move {
                    run(
                        &gate,
                        &calls,
                        Duration::from_secs(30),
                        "a call",
                        move || {
                            let (lock, cv) = &*meet;
                            let mut m = lock.lock().unwrap();
                            m.inside += 1;
                            m.most = m.most.max(m.inside);
                            m.arrived += 1;
                            cv.notify_all();
                            let (mut m, _) = cv
                                .wait_timeout_while(m, wait, |m| m.arrived < CALLS_PER_CONNECTION)
                                .unwrap();
                            m.inside -= 1;
                            Ok(())
                        },
                    )
                    .await
                })
            })
            .collect();
        for j in jobs {
            j.await.unwrap().unwrap();
        }
        meet.0.lock().unwrap().most
    }

    #[tokio::test]
    async fn calls_on_an_rpc_connection_never_overlap() {
        let most = most_inside_together(CallLock::new(true), Duration::from_millis(100)).await;
        assert_eq!(most, 1, "calls overlapped on an RPC connection");
    }

    #[tokio::test]
    async fn calls_on_an_in_process_connection_run_together() {
        // Each waits for all the others: this only ends early if they really run at once.
        let most = most_inside_together(CallLock::new(false), Duration::from_secs(20)).await;
        assert_eq!(most, CALLS_PER_CONNECTION);
    }
}
