//! Blocking inventory reads on one libvirt connection.

use crate::blocking::CallLock;
use crate::errors::driver_error;
use crate::normalize::{self, VolumeIndex};
use std::collections::{HashMap, HashSet};
use std::time::Instant;
use virt::connect::Connect;
use virt::domain::Domain as VirDomain;
use virtumancer_drivers::DriverError;
use virtumancer_libvirt_xml::{Domain, Network, StoragePool, StorageVolume};
use virtumancer_model::{PowerState, StoragePoolInventory, VmInventory};

fn e(err: virt::error::Error) -> DriverError {
    driver_error(&err)
}

fn xml_err(err: virtumancer_libvirt_xml::XmlError) -> DriverError {
    DriverError::Backend(err.to_string())
}

/// Every pool with its volumes (volumes only for active pools).
pub fn pools(conn: &Connect) -> Result<Vec<StoragePoolInventory>, DriverError> {
    let mut out = Vec::new();
    let pools = match conn.list_all_storage_pools(0) {
        Ok(p) => p,
        // A daemon without a storage driver has no pools rather than an error.
        Err(err) if matches!(driver_error(&err), DriverError::Unsupported { .. }) => {
            return Ok(out);
        }
        Err(err) => return Err(e(err)),
    };
    for p in pools {
        let xml = StoragePool::from_xml(&p.get_xml_desc(0).map_err(e)?).map_err(xml_err)?;
        let active = p.is_active().map_err(e)?;
        let mut volumes = Vec::new();
        if active {
            for v in p.list_all_volumes(0).map_err(e)? {
                volumes.push(normalize::volume(
                    &StorageVolume::from_xml(&v.get_xml_desc(0).map_err(e)?).map_err(xml_err)?,
                ));
            }
        }
        out.push(normalize::pool(
            &xml,
            active,
            p.get_autostart().map_err(e)?,
            volumes,
        ));
    }
    Ok(out)
}

/// Every network.
pub fn networks(conn: &Connect) -> Result<Vec<virtumancer_model::NetworkInventory>, DriverError> {
    let nets = match conn.list_all_networks(0) {
        Ok(n) => n,
        Err(err) if matches!(driver_error(&err), DriverError::Unsupported { .. }) => {
            return Ok(Vec::new());
        }
        Err(err) => return Err(e(err)),
    };
    nets.iter().map(network).collect()
}

/// One network's inventory.
pub(crate) fn network(
    n: &virt::network::Network,
) -> Result<virtumancer_model::NetworkInventory, DriverError> {
    let xml = Network::from_xml(&n.get_xml_desc(0).map_err(e)?).map_err(xml_err)?;
    Ok(normalize::network(
        &xml,
        n.is_active().map_err(e)?,
        n.get_autostart().map_err(e)?,
    ))
}

/// One domain's inventory, asking libvirt for its state.
pub fn vm(dom: &VirDomain, volumes: &VolumeIndex) -> Result<VmInventory, DriverError> {
    let (state, _reason) = dom.get_state().map_err(e)?;
    let persistent = dom.is_persistent().map_err(e)?;
    vm_with(dom, normalize::power_state(state), persistent, volumes)
}

/// One domain's inventory with state and persistence already known.
fn vm_with(
    dom: &VirDomain,
    state: PowerState,
    persistent: bool,
    volumes: &VolumeIndex,
) -> Result<VmInventory, DriverError> {
    let xml = dom.get_xml_desc(0).map_err(e)?;
    parse_vm(dom, &xml, state, persistent, volumes, None)
}

/// One domain's inventory from its XML, asking libvirt only for the sizes of disks that are
/// not pool volumes. `calls` is the connection's call lock to hold around each such call and
/// when to give up waiting for it; `None` when the caller holds the lock already.
pub(crate) fn parse_vm(
    dom: &VirDomain,
    xml: &str,
    state: PowerState,
    persistent: bool,
    volumes: &VolumeIndex,
    calls: Option<(&CallLock, Instant)>,
) -> Result<VmInventory, DriverError> {
    let xml = Domain::from_xml(xml).map_err(xml_err)?;
    let mut blocks = HashMap::new();
    for disk in xml
        .devices
        .disks
        .iter()
        .filter(|k| normalize::needs_block_info(k, volumes))
    {
        // A missing image is not an error for the inventory: the size is just unknown.
        let _held = match calls {
            Some((lock, until)) => Some(lock.hold_until(until, "reading a disk's size")?),
            None => None,
        };
        let info = dom.get_block_info(&disk.target.dev, 0);
        if let Ok(info) = info {
            blocks.insert(disk.target.dev.clone(), (info.capacity, info.allocation));
        }
    }
    Ok(normalize::vm(xml, state, persistent, volumes, &blocks))
}

fn uuids(conn: &Connect, flags: u32) -> Result<HashSet<uuid::Uuid>, DriverError> {
    conn.list_all_domains(flags)
        .map_err(e)?
        .iter()
        .map(|d| d.get_uuid().map_err(e))
        .collect()
}

/// Every domain with its power state and persistence, from a handful of list calls instead of
/// two calls per domain (a domain is active when it has an id, which needs no call). Domains whose state changes between the calls get a slightly stale
/// state; the lifecycle event of that change corrects it.
pub(crate) fn domains_with_state(
    conn: &Connect,
) -> Result<Vec<(VirDomain, PowerState, bool)>, DriverError> {
    use virt::sys;
    let all = conn.list_all_domains(0).map_err(e)?;
    let running = uuids(conn, sys::VIR_CONNECT_LIST_DOMAINS_RUNNING)?;
    let paused = uuids(conn, sys::VIR_CONNECT_LIST_DOMAINS_PAUSED)?;
    let transient = uuids(conn, sys::VIR_CONNECT_LIST_DOMAINS_TRANSIENT)?;
    let mut out = Vec::with_capacity(all.len());
    for dom in all {
        let uuid = dom.get_uuid().map_err(e)?;
        let state = if running.contains(&uuid) {
            PowerState::Running
        } else if paused.contains(&uuid) {
            PowerState::Paused
        } else if dom.get_id().is_some() {
            // Active but neither running nor paused: shutting down, crashed, suspended.
            match dom.get_state() {
                Ok((s, _)) => normalize::power_state(s),
                Err(err) if matches!(driver_error(&err), DriverError::NotFound { .. }) => continue,
                Err(err) => return Err(e(err)),
            }
        } else {
            PowerState::Shutoff
        };
        out.push((dom, state, !transient.contains(&uuid)));
    }
    Ok(out)
}

/// One domain by UUID; `None` when it does not exist.
pub fn vm_by_uuid(
    conn: &Connect,
    uuid: &str,
    volumes: &VolumeIndex,
) -> Result<Option<VmInventory>, DriverError> {
    match VirDomain::lookup_by_uuid_string(conn, uuid) {
        Ok(dom) => match vm(&dom, volumes) {
            Ok(v) => Ok(Some(v)),
            Err(DriverError::NotFound { .. }) => Ok(None),
            Err(err) => Err(err),
        },
        Err(err) => match driver_error(&err) {
            DriverError::NotFound { .. } => Ok(None),
            other => Err(other),
        },
    }
}
