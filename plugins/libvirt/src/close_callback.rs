//! libvirt's connection close callback, forwarded into a tokio `watch` channel.
//!
//! `virt` 0.4 has no safe wrapper for `virConnectRegisterCloseCallback`, so this module calls it
//! through `virt::sys` (the crate's `unsafe` code is listed at the top of `lib.rs`). The callback
//! runs on the event-loop thread and only sends into the channel.

use std::ffi::c_void;
use std::sync::Arc;
use tokio::sync::watch;
use virt::connect::Connect;
use virt::sys;
use virtumancer_drivers::CloseReason;

/// The sender libvirt's callback owns a reference to.
pub type Sender = Arc<watch::Sender<Option<CloseReason>>>;

unsafe extern "C" fn on_close(_conn: sys::virConnectPtr, reason: libc::c_int, opaque: *mut c_void) {
    // SAFETY: `opaque` is the `Box<Sender>` leaked in `register`; libvirt keeps it alive until
    // it calls `free_sender`, which happens only after the last callback invocation.
    let tx = unsafe { &*(opaque as *const Sender) };
    let reason = match reason as sys::virConnectCloseReason {
        sys::VIR_CONNECT_CLOSE_REASON_EOF => CloseReason::Eof,
        sys::VIR_CONNECT_CLOSE_REASON_KEEPALIVE => CloseReason::Keepalive,
        sys::VIR_CONNECT_CLOSE_REASON_CLIENT => CloseReason::Client,
        _ => CloseReason::Error("transport error".into()),
    };
    tx.send_if_modified(|cur| {
        if cur.is_none() {
            *cur = Some(reason);
            true
        } else {
            false
        }
    });
}

unsafe extern "C" fn free_sender(opaque: *mut c_void) {
    // SAFETY: `opaque` came from `Box::into_raw` in `register` and libvirt frees it once.
    drop(unsafe { Box::from_raw(opaque as *mut Sender) });
}

/// Registers the close callback on `conn`; it sends the close reason into `tx`.
pub fn register(conn: &Connect, tx: Sender) -> Result<(), virt::error::Error> {
    let opaque = Box::into_raw(Box::new(tx)) as *mut c_void;
    // SAFETY: `conn` is a live connection; `on_close`/`free_sender` match libvirt's callback
    // signatures and `opaque` stays valid until libvirt calls `free_sender`.
    let rc = unsafe {
        sys::virConnectRegisterCloseCallback(
            conn.as_ptr(),
            Some(on_close),
            opaque,
            Some(free_sender),
        )
    };
    if rc < 0 {
        // SAFETY: libvirt did not take ownership on failure.
        drop(unsafe { Box::from_raw(opaque as *mut Sender) });
        return Err(virt::error::Error::last_error());
    }
    Ok(())
}

/// Unregisters the callback before we close the connection ourselves (libvirt then frees the
/// boxed sender).
pub fn unregister(conn: &Connect) {
    // SAFETY: `conn` is live; unregistering an absent callback just fails, which we ignore.
    let _ = unsafe { sys::virConnectUnregisterCloseCallback(conn.as_ptr(), Some(on_close)) };
}
