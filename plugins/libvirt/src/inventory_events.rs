//! libvirt's domain, network and storage-pool lifecycle events, forwarded into a tokio
//! `broadcast` channel. Like the close callback, this needs `virt::sys`: `virt` 0.4 has no
//! safe event API. Callbacks run on the event-loop thread and only send.

use std::ffi::{CStr, c_char, c_int, c_void};
use tokio::sync::broadcast;
use virt::connect::Connect;
use virt::sys;
use virtumancer_drivers::InventoryEvent;

type Sender = broadcast::Sender<InventoryEvent>;

// The lifecycle callbacks libvirt calls, and the generic types it registers them as.
type DomainLifecycleCb =
    unsafe extern "C" fn(sys::virConnectPtr, sys::virDomainPtr, c_int, c_int, *mut c_void);
type DomainGenericCb = unsafe extern "C" fn(sys::virConnectPtr, sys::virDomainPtr, *mut c_void);
type NetworkLifecycleCb =
    unsafe extern "C" fn(sys::virConnectPtr, sys::virNetworkPtr, c_int, c_int, *mut c_void);
type NetworkGenericCb = unsafe extern "C" fn(sys::virConnectPtr, sys::virNetworkPtr, *mut c_void);
type PoolLifecycleCb =
    unsafe extern "C" fn(sys::virConnectPtr, sys::virStoragePoolPtr, c_int, c_int, *mut c_void);
type PoolGenericCb = unsafe extern "C" fn(sys::virConnectPtr, sys::virStoragePoolPtr, *mut c_void);

/// Registered callback ids, deregistered before the connection closes.
#[derive(Debug, Default)]
pub struct EventCallbacks {
    domain: Option<c_int>,
    network: Option<c_int>,
    pool_lifecycle: Option<c_int>,
    pool_refresh: Option<c_int>,
}

fn boxed(tx: &Sender) -> *mut c_void {
    Box::into_raw(Box::new(tx.clone())) as *mut c_void
}

unsafe extern "C" fn free_sender(opaque: *mut c_void) {
    // SAFETY: `opaque` came from `boxed` and libvirt frees it exactly once.
    drop(unsafe { Box::from_raw(opaque as *mut Sender) });
}

unsafe extern "C" fn on_domain_lifecycle(
    _conn: sys::virConnectPtr,
    dom: sys::virDomainPtr,
    event: c_int,
    _detail: c_int,
    opaque: *mut c_void,
) {
    // SAFETY: `opaque` is the boxed sender registered below, alive until `free_sender`.
    let tx = unsafe { &*(opaque as *const Sender) };
    let mut buf = [0 as c_char; sys::VIR_UUID_STRING_BUFLEN as usize];
    // SAFETY: `dom` is valid for the duration of the callback; the buffer has libvirt's
    // documented UUID string length. Reading the UUID needs no RPC.
    if unsafe { sys::virDomainGetUUIDString(dom, buf.as_mut_ptr()) } < 0 {
        return;
    }
    // SAFETY: libvirt wrote a NUL-terminated string into `buf`.
    let uuid = unsafe { CStr::from_ptr(buf.as_ptr()) }
        .to_string_lossy()
        .into_owned();
    let ev = if event as u32 == sys::VIR_DOMAIN_EVENT_UNDEFINED {
        InventoryEvent::VmRemoved { uuid }
    } else {
        InventoryEvent::VmChanged { uuid }
    };
    let _ = tx.send(ev);
}

unsafe extern "C" fn on_network(
    _conn: sys::virConnectPtr,
    _net: sys::virNetworkPtr,
    _e: c_int,
    _d: c_int,
    opaque: *mut c_void,
) {
    // SAFETY: as in `on_domain_lifecycle`.
    let tx = unsafe { &*(opaque as *const Sender) };
    let _ = tx.send(InventoryEvent::NetworksChanged);
}

unsafe extern "C" fn on_pool_lifecycle(
    _conn: sys::virConnectPtr,
    _pool: sys::virStoragePoolPtr,
    _e: c_int,
    _d: c_int,
    opaque: *mut c_void,
) {
    // SAFETY: as in `on_domain_lifecycle`.
    let tx = unsafe { &*(opaque as *const Sender) };
    let _ = tx.send(InventoryEvent::StoragePoolsChanged);
}

unsafe extern "C" fn on_pool_refresh(
    _conn: sys::virConnectPtr,
    _pool: sys::virStoragePoolPtr,
    opaque: *mut c_void,
) {
    // SAFETY: as in `on_domain_lifecycle`.
    let tx = unsafe { &*(opaque as *const Sender) };
    let _ = tx.send(InventoryEvent::StoragePoolsChanged);
}

/// Registers every callback; drivers without an event kind (e.g. no storage driver) just
/// skip it. Returns the ids to deregister.
pub fn register(conn: &Connect, tx: &Sender) -> EventCallbacks {
    let c = conn.as_ptr();
    let mut ids = EventCallbacks::default();
    let ok = |rc: c_int| (rc >= 0).then_some(rc);
    // SAFETY (all four): `c` is a live connection. Each callback is cast to the generic
    // callback type libvirt expects and is called back with the signature matching its event
    // id (libvirt's documented contract). Each opaque is a fresh box freed by `free_sender`.
    // When a registration fails, libvirt's ownership of the box is not documented: it is
    // leaked (one small sender) rather than risking a double free.
    unsafe {
        let op = boxed(tx);
        ids.domain = ok(sys::virConnectDomainEventRegisterAny(
            c,
            std::ptr::null_mut(),
            sys::VIR_DOMAIN_EVENT_ID_LIFECYCLE as c_int,
            Some(std::mem::transmute::<DomainLifecycleCb, DomainGenericCb>(
                on_domain_lifecycle,
            )),
            op,
            Some(free_sender),
        ));
        let op = boxed(tx);
        ids.network = ok(sys::virConnectNetworkEventRegisterAny(
            c,
            std::ptr::null_mut(),
            sys::VIR_NETWORK_EVENT_ID_LIFECYCLE as c_int,
            Some(std::mem::transmute::<NetworkLifecycleCb, NetworkGenericCb>(
                on_network,
            )),
            op,
            Some(free_sender),
        ));
        let op = boxed(tx);
        ids.pool_lifecycle = ok(sys::virConnectStoragePoolEventRegisterAny(
            c,
            std::ptr::null_mut(),
            sys::VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE as c_int,
            Some(std::mem::transmute::<PoolLifecycleCb, PoolGenericCb>(
                on_pool_lifecycle,
            )),
            op,
            Some(free_sender),
        ));
        let op = boxed(tx);
        ids.pool_refresh = ok(sys::virConnectStoragePoolEventRegisterAny(
            c,
            std::ptr::null_mut(),
            sys::VIR_STORAGE_POOL_EVENT_ID_REFRESH as c_int,
            Some(on_pool_refresh),
            op,
            Some(free_sender),
        ));
    }
    ids
}

/// Deregisters what [`register`] registered (libvirt then frees the boxed senders).
pub fn deregister(conn: &Connect, ids: &EventCallbacks) {
    let c = conn.as_ptr();
    // SAFETY: `c` is live and the ids came from successful registrations on it.
    unsafe {
        if let Some(id) = ids.domain {
            sys::virConnectDomainEventDeregisterAny(c, id);
        }
        if let Some(id) = ids.network {
            sys::virConnectNetworkEventDeregisterAny(c, id);
        }
        if let Some(id) = ids.pool_lifecycle {
            sys::virConnectStoragePoolEventDeregisterAny(c, id);
        }
        if let Some(id) = ids.pool_refresh {
            sys::virConnectStoragePoolEventDeregisterAny(c, id);
        }
    }
}
