//! libvirt's default event loop on one dedicated thread.
//!
//! Keepalive and the close callback only work while something runs libvirt's event loop, and
//! the loop must be registered before the first `virConnectOpen`. [`ensure_started`] does both
//! once per process; every connector calls it before opening anything.

use std::ffi::{c_int, c_void};
use std::sync::OnceLock;

static STARTED: OnceLock<Result<(), String>> = OnceLock::new();

/// Registers libvirt's default event implementation and starts the thread that runs it.
/// Idempotent; returns the first attempt's outcome.
pub fn ensure_started() -> Result<(), String> {
    STARTED
        .get_or_init(|| {
            keep_openssl_until_exit();
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

/// `OPENSSL_INIT_NO_ATEXIT` from OpenSSL 3's `crypto.h`.
const OPENSSL_INIT_NO_ATEXIT: u64 = 0x0008_0000;

/// Keeps OpenSSL's global state until the process is gone.
///
/// libvirt frees a closed connection's transport from the event loop, so for a libssh2 or
/// libssh connection the session may still be closing on the event thread when the process
/// exits. OpenSSL (which those libraries use) frees its global state in an `atexit` handler;
/// the closing session then used freed locks and the process crashed on exit (seen about once
/// in 30 runs of a test that closes a `qemu+libssh2` connection just before it ends).
/// Initializing OpenSSL first with `OPENSSL_INIT_NO_ATEXIT` means no such handler is
/// registered; the operating system reclaims the memory at exit anyway. OpenSSL comes in with
/// libvirt's own dependencies, so it is looked up rather than linked: a libvirt without it
/// needs nothing.
fn keep_openssl_until_exit() {
    type InitCrypto = unsafe extern "C" fn(u64, *const c_void) -> c_int;
    // SAFETY: `dlsym` with `RTLD_DEFAULT` only looks the name up among the loaded objects.
    let found = unsafe { libc::dlsym(libc::RTLD_DEFAULT, c"OPENSSL_init_crypto".as_ptr()) };
    if found.is_null() {
        return;
    }
    // SAFETY: the symbol is OpenSSL's `int OPENSSL_init_crypto(uint64_t, const
    // OPENSSL_INIT_SETTINGS *)`, which may be called at any time from any thread; NULL settings
    // are allowed. Called before any connection exists, this is OpenSSL's first initialization,
    // so its choice about the exit handler is the one that sticks.
    let init: InitCrypto = unsafe { std::mem::transmute::<*mut c_void, InitCrypto>(found) };
    // SAFETY: as above.
    if unsafe { init(OPENSSL_INIT_NO_ATEXIT, std::ptr::null()) } != 1 {
        tracing::warn!(
            "OpenSSL did not initialize early; a libssh2 connection may crash the process on exit"
        );
    }
}
