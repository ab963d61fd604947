//! libvirt's default event loop on one dedicated thread.
//!
//! Keepalive and the close callback only work while something runs libvirt's event loop, and
//! the loop must be registered before the first `virConnectOpen`. [`ensure_started`] does both
//! once per process; every connector calls it before opening anything.

use std::sync::OnceLock;

static STARTED: OnceLock<Result<(), String>> = OnceLock::new();

/// Registers libvirt's default event implementation and starts the thread that runs it.
/// Idempotent; returns the first attempt's outcome.
pub fn ensure_started() -> Result<(), String> {
    STARTED
        .get_or_init(|| {
            // libvirt prints every error to stderr by default; we log the Results instead.
            virt::error::clear_error_callback();
            virt::event::event_register_default_impl().map_err(|e| e.message().to_owned())?;
            std::thread::Builder::new()
                .name("libvirt-events".into())
                .spawn(|| {
                    loop {
                        if let Err(e) = virt::event::event_run_default_impl() {
                            tracing::error!(
                                error = e.message(),
                                "libvirt event loop iteration failed"
                            );
                            std::thread::sleep(std::time::Duration::from_millis(100));
                        }
                    }
                })
                .map(|_| ())
                .map_err(|e| format!("cannot start the libvirt event thread: {e}"))
        })
        .clone()
}
