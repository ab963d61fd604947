//! `virConnectGetAllDomainStats` and the node CPU/memory statistics through `virt::sys`: the
//! `virt` crate returns the stats records without decoding or freeing them, and has no node
//! statistics at all. (The crate's `unsafe` code is listed at the top of `lib.rs`.)

use crate::errors::driver_error;
use std::ffi::CStr;
use virt::connect::Connect;
use virt::sys;
use virtumancer_drivers::{DriverError, HostCounters};

/// One typed parameter's value (string parameters are skipped: nothing reads them).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// Any integer kind.
    Int(i128),
    /// A double.
    Double(f64),
    /// A boolean.
    Bool(bool),
}

impl Value {
    /// The value as an unsigned integer, when it is a non-negative integer.
    pub fn as_u64(self) -> Option<u64> {
        match self {
            Self::Int(i) => u64::try_from(i).ok(),
            _ => None,
        }
    }
}

/// Calls `f(field, value)` for each of `n` typed parameters at `params`, borrowing the field
/// names and strings (no allocation per parameter).
///
/// # Safety
/// `params` must point to `n` initialized `virTypedParameter`s that stay valid for the call.
unsafe fn each_param(
    params: sys::virTypedParameterPtr,
    n: libc::c_int,
    mut f: impl FnMut(&[u8], Typed<'_>),
) {
    for i in 0..usize::try_from(n).unwrap_or(0) {
        // SAFETY: i < n, and the caller guarantees n valid parameters.
        let p = unsafe { &*params.add(i) };
        // SAFETY: libvirt NUL-terminates `field` within its 80 bytes.
        let field = unsafe { CStr::from_ptr(p.field.as_ptr()) }.to_bytes();
        // SAFETY: `type_` says which union member libvirt wrote; a string member is a
        // NUL-terminated string of the parameter (or NULL).
        let value = unsafe {
            match p.type_ as u32 {
                sys::VIR_TYPED_PARAM_INT => Value::Int(i128::from(p.value.i)),
                sys::VIR_TYPED_PARAM_UINT => Value::Int(i128::from(p.value.ui)),
                sys::VIR_TYPED_PARAM_LLONG => Value::Int(i128::from(p.value.l)),
                sys::VIR_TYPED_PARAM_ULLONG => Value::Int(i128::from(p.value.ul)),
                sys::VIR_TYPED_PARAM_DOUBLE => Value::Double(p.value.d),
                sys::VIR_TYPED_PARAM_BOOLEAN => Value::Bool(p.value.b != 0),
                sys::VIR_TYPED_PARAM_STRING if !p.value.s.is_null() => {
                    f(field, Typed::Text(CStr::from_ptr(p.value.s).to_bytes()));
                    continue;
                }
                _ => continue,
            }
        };
        f(field, Typed::Value(value));
    }
}

/// A typed parameter's value as [`each_param`] reports it.
enum Typed<'a> {
    Value(Value),
    Text(&'a [u8]),
}

/// What [`each_domain_stat`] reports, in order: a domain, then its parameters.
#[derive(Debug)]
pub enum Item<'a> {
    /// How many domains follow (sent first).
    Count(usize),
    /// The next domain.
    Domain(uuid::Uuid),
    /// One of its parameters.
    Param(&'a [u8], Value),
    /// One of its string parameters.
    Text(&'a [u8], &'a [u8]),
}

/// Calls `f` for every domain and each of its parameters of the stats groups in `stats`, from
/// one call that skips (rather than waits for) domains whose job lock is held. Returns the
/// number of domains.
pub fn each_domain_stat(
    conn: &Connect,
    stats: u32,
    f: impl FnMut(Item<'_>),
) -> Result<usize, DriverError> {
    let mut records: *mut sys::virDomainStatsRecordPtr = std::ptr::null_mut();
    // SAFETY: a valid connection pointer and an out-pointer libvirt fills with a
    // NULL-terminated array that `walk_records` frees.
    let n = unsafe {
        sys::virConnectGetAllDomainStats(
            conn.as_ptr(),
            stats,
            &mut records,
            sys::VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT,
        )
    };
    // SAFETY: as libvirt returned them.
    unsafe { walk_records(n, records, f) }
}

/// [`each_domain_stat`] for the given domains only (`virDomainListGetStats`).
pub fn each_listed_domain_stat(
    doms: &[&virt::domain::Domain],
    stats: u32,
    f: impl FnMut(Item<'_>),
) -> Result<usize, DriverError> {
    // libvirt takes a NULL-terminated array of domains of one connection.
    let mut list: Vec<sys::virDomainPtr> = doms.iter().map(|d| d.as_ptr()).collect();
    list.push(std::ptr::null_mut());
    let mut records: *mut sys::virDomainStatsRecordPtr = std::ptr::null_mut();
    // SAFETY: live domain pointers, NULL-terminated; the out-pointer is filled with a
    // NULL-terminated array that `walk_records` frees.
    let n = unsafe {
        sys::virDomainListGetStats(
            list.as_mut_ptr(),
            stats,
            &mut records,
            sys::VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT,
        )
    };
    // SAFETY: as libvirt returned them.
    unsafe { walk_records(n, records, f) }
}

/// Reports `n` stats records (or the error that `n < 0` means) to `f`, then frees them.
///
/// # Safety
/// `n` and `records` must be what a libvirt stats call just returned.
unsafe fn walk_records(
    n: libc::c_int,
    records: *mut sys::virDomainStatsRecordPtr,
    mut f: impl FnMut(Item<'_>),
) -> Result<usize, DriverError> {
    if n < 0 {
        return Err(driver_error(&virt::error::Error::last_error()));
    }
    let mut seen = 0;
    f(Item::Count(usize::try_from(n).unwrap_or(0)));
    for i in 0..usize::try_from(n).unwrap_or(0) {
        // SAFETY: records holds n valid record pointers until freed.
        let rec = unsafe { &**records.add(i) };
        let mut raw = [0u8; sys::VIR_UUID_BUFLEN as usize];
        // SAFETY: rec.dom is a valid domain of the record; the buffer has the required size.
        if unsafe { sys::virDomainGetUUID(rec.dom, raw.as_mut_ptr()) } < 0 {
            continue;
        }
        f(Item::Domain(uuid::Uuid::from_bytes(raw)));
        // SAFETY: the record's params array has nparams entries.
        unsafe {
            each_param(rec.params, rec.nparams, |k, v| match v {
                Typed::Value(v) => f(Item::Param(k, v)),
                Typed::Text(t) => f(Item::Text(k, t)),
            })
        };
        seen += 1;
    }
    if !records.is_null() {
        // SAFETY: the array came from a libvirt stats call and is freed once.
        unsafe { sys::virDomainStatsRecordListFree(records) };
    }
    Ok(seen)
}

/// Reads `(field, value)` pairs of the node's CPU or memory statistics (all CPUs/cells).
fn node_params(conn: &Connect, cpu: bool) -> Result<Vec<(String, u64)>, DriverError> {
    let mut n: libc::c_int = 0;
    // SAFETY: first call with NULL params asks libvirt for the count only.
    let got = unsafe {
        if cpu {
            sys::virNodeGetCPUStats(
                conn.as_ptr(),
                sys::VIR_NODE_CPU_STATS_ALL_CPUS,
                std::ptr::null_mut(),
                &mut n,
                0,
            )
        } else {
            sys::virNodeGetMemoryStats(
                conn.as_ptr(),
                sys::VIR_NODE_MEMORY_STATS_ALL_CELLS,
                std::ptr::null_mut(),
                &mut n,
                0,
            )
        }
    };
    if got < 0 {
        return Err(driver_error(&virt::error::Error::last_error()));
    }
    let count = usize::try_from(n).unwrap_or(0);
    // Both structs are { char field[80]; unsigned long long value; }.
    let mut buf = vec![
        sys::_virNodeCPUStats {
            field: [0; 80],
            value: 0,
        };
        count
    ];
    // SAFETY: buf has room for n entries; for memory stats the struct layout is identical.
    let got = unsafe {
        if cpu {
            sys::virNodeGetCPUStats(
                conn.as_ptr(),
                sys::VIR_NODE_CPU_STATS_ALL_CPUS,
                buf.as_mut_ptr(),
                &mut n,
                0,
            )
        } else {
            sys::virNodeGetMemoryStats(
                conn.as_ptr(),
                sys::VIR_NODE_MEMORY_STATS_ALL_CELLS,
                buf.as_mut_ptr().cast(),
                &mut n,
                0,
            )
        }
    };
    if got < 0 {
        return Err(driver_error(&virt::error::Error::last_error()));
    }
    Ok(buf
        .iter()
        .take(usize::try_from(n).unwrap_or(0).min(count))
        .map(|p| {
            // SAFETY: libvirt NUL-terminates each field name.
            let f = unsafe { CStr::from_ptr(p.field.as_ptr()) };
            (f.to_string_lossy().into_owned(), p.value)
        })
        .collect())
}

/// The host's CPU time and memory. Drivers without node statistics (the test driver) leave
/// the counters empty rather than failing the tick.
pub fn host_counters(conn: &Connect) -> HostCounters {
    let cpus = conn.get_node_info().map(|i| i.cpus).unwrap_or(0);
    let mut h = HostCounters {
        cpus,
        ..HostCounters::default()
    };
    if let Ok(cpu) = node_params(conn, true) {
        let get = |k: &str| cpu.iter().find(|(f, _)| f == k).map(|(_, v)| *v);
        let busy = get("kernel").zip(get("user")).map(|(k, u)| k + u);
        h.cpu_busy_ns = busy;
        h.cpu_total_ns = busy
            .zip(get("idle"))
            .map(|(b, i)| b + i + get("iowait").unwrap_or(0));
    }
    if let Ok(mem) = node_params(conn, false) {
        // KiB in libvirt's node memory stats.
        let get = |k: &str| mem.iter().find(|(f, _)| f == k).map(|(_, v)| *v * 1024);
        h.memory_total_bytes = get("total");
        h.memory_available_bytes =
            get("free").map(|f| f + get("buffers").unwrap_or(0) + get("cached").unwrap_or(0));
    }
    h
}
