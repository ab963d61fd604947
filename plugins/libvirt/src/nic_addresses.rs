//! IP addresses of running VMs' NICs: libvirt's DHCP leases first, the guest agent where the
//! leases know nothing (an agent that answers slowly costs only its own VM's lookup).

use crate::errors::driver_error;
use virt::connect::Connect;
use virt::domain::Domain;
use virt::sys;
use virtumancer_drivers::DriverError;
use virtumancer_model::{NicAddresses, PortAddress};

/// The addresses of each NIC of the running VMs among `uuids`, grouped by VM and MAC.
pub fn addresses(conn: &Connect, uuids: &[String]) -> Result<Vec<NicAddresses>, DriverError> {
    let test_driver = conn.get_type().map_err(|e| driver_error(&e))? == "TEST";
    let mut out = Vec::new();
    for uuid in uuids {
        let dom = match Domain::lookup_by_uuid_string(conn, uuid) {
            Ok(d) => d,
            Err(e) => match driver_error(&e) {
                DriverError::NotFound { .. } => continue,
                other => return Err(other),
            },
        };
        if !dom.is_active().map_err(|e| driver_error(&e))? {
            continue;
        }
        if test_driver && !test_driver_can_answer(conn, &dom) {
            continue;
        }
        let mut found = ask(
            &dom,
            uuid,
            sys::VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE,
            "lease",
        )?;
        if found.is_empty() {
            found = ask(
                &dom,
                uuid,
                sys::VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT,
                "agent",
            )?;
        }
        out.extend(found);
    }
    Ok(out)
}

/// libvirt 9.0's test driver makes up a lease from the first IP of each NIC's network and
/// crashes the process (or remote daemon) when that network has none; such VMs are not asked.
fn test_driver_can_answer(conn: &Connect, dom: &Domain) -> bool {
    let Some(def) = dom
        .get_xml_desc(0)
        .ok()
        .and_then(|x| virtumancer_libvirt_xml::Domain::from_xml(&x).ok())
    else {
        return false;
    };
    def.devices.interfaces.iter().all(|i| {
        let Some(net) = i.source.as_ref().and_then(|s| s.network.as_deref()) else {
            return i.kind != "network";
        };
        virt::network::Network::lookup_by_name(conn, net)
            .and_then(|n| n.get_xml_desc(0))
            .ok()
            .and_then(|x| virtumancer_libvirt_xml::Network::from_xml(&x).ok())
            .is_some_and(|n| !n.ips.is_empty())
    })
}

/// One source's answer for one VM; a source that cannot answer for this VM (no agent, no
/// lease database) answers nothing, while a lost connection is an error.
fn ask(
    dom: &Domain,
    uuid: &str,
    source: sys::virDomainInterfaceAddressesSource,
    name: &str,
) -> Result<Vec<NicAddresses>, DriverError> {
    let ifaces = match interface_addresses(dom, source) {
        Ok(i) => i,
        Err(e) => {
            return match driver_error(&e) {
                err @ DriverError::Unavailable(_) => Err(err),
                _ => {
                    tracing::debug!(uuid, source = name, error = e.message(), "no addresses");
                    Ok(Vec::new())
                }
            };
        }
    };
    let mut out: Vec<NicAddresses> = Vec::new();
    for (mac, addrs) in ifaces {
        let Some(mac) = mac.map(|m| m.to_ascii_lowercase()) else {
            continue;
        };
        if addrs.is_empty() {
            continue;
        }
        let addresses = addrs.into_iter().map(|address| PortAddress {
            address,
            source: name.to_owned(),
        });
        match out.iter_mut().find(|n| n.mac == mac) {
            Some(nic) => nic.addresses.extend(addresses),
            None => out.push(NicAddresses {
                uuid: uuid.to_owned(),
                mac,
                addresses: addresses.collect(),
            }),
        }
    }
    for nic in &mut out {
        let mut seen = std::collections::HashSet::new();
        nic.addresses.retain(|a| seen.insert(a.address.clone()));
    }
    Ok(out)
}

/// One interface's MAC (absent for some the guest agent reports) and its `addr/prefix` list.
type MacAddresses = (Option<String>, Vec<String>);

/// `virDomainInterfaceAddresses`: each interface's MAC (absent for some the guest agent
/// reports) and its addresses as `addr/prefix`. The virt crate's wrapper reads the name and
/// MAC without checking for NULL (libvirt's test driver and guest agents return NULL there),
/// so this reads the C structures itself.
fn interface_addresses(
    dom: &Domain,
    source: sys::virDomainInterfaceAddressesSource,
) -> Result<Vec<MacAddresses>, virt::error::Error> {
    fn text(p: *const std::os::raw::c_char) -> Option<String> {
        // SAFETY: libvirt gives NUL-terminated strings or NULL.
        (!p.is_null()).then(|| {
            unsafe { std::ffi::CStr::from_ptr(p) }
                .to_string_lossy()
                .into_owned()
        })
    }
    let mut list: *mut sys::virDomainInterfacePtr = std::ptr::null_mut();
    // SAFETY: a valid domain handle and an out pointer libvirt fills with `n` interfaces.
    let n = unsafe { sys::virDomainInterfaceAddresses(dom.as_ptr(), &mut list, source, 0) };
    if n < 0 {
        return Err(virt::error::Error::last_error());
    }
    let mut out = Vec::with_capacity(n as usize);
    for i in 0..n as usize {
        // SAFETY: `list` holds `n` interface pointers, each freed once below.
        let iface = unsafe { *list.add(i) };
        if iface.is_null() {
            continue;
        }
        // SAFETY: `iface` is valid until freed; `addrs` holds `naddrs` entries.
        let (mac, addrs) = unsafe {
            let f = &*iface;
            let addrs = (0..f.naddrs as usize)
                .filter_map(|j| {
                    let a = &*f.addrs.add(j);
                    text(a.addr).map(|addr| format!("{addr}/{}", a.prefix))
                })
                .collect();
            (text(f.hwaddr), addrs)
        };
        out.push((mac, addrs));
        // SAFETY: frees what libvirt allocated for this interface, once.
        unsafe { sys::virDomainInterfaceFree(iface) };
    }
    if !list.is_null() {
        // SAFETY: the array itself was allocated by libvirt with malloc.
        unsafe { libc::free(list.cast()) };
    }
    Ok(out)
}
