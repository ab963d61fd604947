//! Running blocking libvirt calls off the async runtime, bounded and with deadlines.

use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;
use virtumancer_drivers::DriverError;

/// How many blocking calls one connection may have in flight; a hung host can pin at most
/// this many threads of the blocking pool.
pub const CALLS_PER_CONNECTION: usize = 4;

/// Runs `f` on the blocking pool once a permit of `gate` is free, failing with `Unavailable`
/// after `deadline` (the thread finishes on its own; its result is dropped).
pub async fn run<T, F>(
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
