//! Blocking inventory reads on one libvirt connection.

use crate::block_sizes::{BlockSizes, Size};
use crate::blocking::CallLock;
use crate::errors::driver_error;
use crate::libvirt_xml_text::LibvirtXmlText;
use crate::normalize::{self, DomainFlags, VolumeIndex};
use std::collections::{HashMap, HashSet};
use std::time::Instant;
use virt::connect::Connect;
use virt::domain::Domain as VirDomain;
use virtumancer_drivers::DriverError;
use virtumancer_libvirt_xml::{DomainInventoryView, Network, StoragePool, StorageVolume};
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
                let xml = LibvirtXmlText::of_volume(&v, 0).map_err(e)?;
                volumes.push(normalize::volume(
                    &StorageVolume::from_xml(xml.as_str()).map_err(xml_err)?,
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

/// One domain's inventory, asking libvirt for its state, persistence and autostart.
pub fn vm(dom: &VirDomain, volumes: &VolumeIndex) -> Result<VmInventory, DriverError> {
    let flags = ask_flags(dom)?;
    vm_with(dom, flags, volumes)
}

/// One domain's inventory with its flags already known.
fn vm_with(
    dom: &VirDomain,
    flags: DomainFlags,
    volumes: &VolumeIndex,
) -> Result<VmInventory, DriverError> {
    let xml = dom.get_xml_desc(0).map_err(e)?;
    parse_vm(dom, &xml, flags, volumes)
}

/// One domain's inventory from its XML (the caller holds the call lock). The sizes of disks
/// that are not pool volumes come from the domain's block statistics, or from one call per
/// disk that those do not size.
fn parse_vm(
    dom: &VirDomain,
    xml: &str,
    flags: DomainFlags,
    volumes: &VolumeIndex,
) -> Result<VmInventory, DriverError> {
    let xml = DomainInventoryView::from_xml(xml).map_err(xml_err)?;
    let stats = if xml
        .devices
        .disks
        .iter()
        .any(|k| normalize::needs_block_info(k, volumes))
    {
        match BlockSizes::of_domain(dom) {
            Ok(sizes) => sizes,
            Err(err @ DriverError::NotFound { .. }) => return Err(err),
            // Without statistics every disk is asked on its own.
            Err(_) => BlockSizes::default(),
        }
    } else {
        BlockSizes::default()
    };
    let sized = domain_uuid(&xml).and_then(|u| stats.domain(&u));
    vm_from_view(dom, xml, flags, volumes, sized, None)
}

/// The UUID a domain's XML gives, when it gives a valid one.
pub(crate) fn domain_uuid(xml: &DomainInventoryView) -> Option<uuid::Uuid> {
    xml.uuid
        .as_deref()
        .and_then(|u| uuid::Uuid::parse_str(u).ok())
}

/// One domain's inventory from its parsed XML. `sized` are the sizes its block statistics
/// gave; libvirt is asked for those of other disks outside pools. `calls` is the connection's
/// call lock to hold around each such call and when to give up waiting for it; `None` when
/// the caller holds the lock already.
pub(crate) fn vm_from_view(
    dom: &VirDomain,
    xml: DomainInventoryView,
    flags: DomainFlags,
    volumes: &VolumeIndex,
    sized: Option<&HashMap<String, Size>>,
    calls: Option<(&CallLock, Instant)>,
) -> Result<VmInventory, DriverError> {
    let mut blocks = HashMap::new();
    for disk in xml
        .devices
        .disks
        .iter()
        .filter(|k| normalize::needs_block_info(k, volumes))
    {
        let dev = &disk.target.dev;
        if let Some(size) = sized.and_then(|s| s.get(dev)) {
            blocks.insert(dev.clone(), *size);
            continue;
        }
        let _held = match calls {
            Some((lock, until)) => Some(lock.hold_until(until, "reading a disk's size")?),
            None => None,
        };
        // A missing image is not an error for the inventory: the size is just unknown.
        if let Ok(info) = dom.get_block_info(dev, 0) {
            blocks.insert(dev.clone(), (info.capacity, Some(info.allocation)));
        }
    }
    Ok(normalize::vm(xml, flags, volumes, &blocks))
}

fn uuids(conn: &Connect, flags: u32) -> Result<HashSet<uuid::Uuid>, DriverError> {
    conn.list_all_domains(flags)
        .map_err(e)?
        .iter()
        .map(|d| d.get_uuid().map_err(e))
        .collect()
}

/// The power state, persistence and autostart of every domain, from four list calls that each
/// return only the few domains that are paused, in some other active state, transient, or
/// started with their host. Whether a domain is active at all its XML tells (an active domain
/// has an `id`), and active domains outside those lists are running. Listing every running
/// domain instead cost a 10,000-domain pass as much as the listing of all domains.
pub(crate) struct DomainStates {
    paused: HashSet<uuid::Uuid>,
    other: HashSet<uuid::Uuid>,
    transient: HashSet<uuid::Uuid>,
    autostart: HashSet<uuid::Uuid>,
}

/// What [`DomainStates::of`] could tell from the lists.
pub(crate) enum KnownState {
    /// The state, persistence and autostart.
    Known(DomainFlags),
    /// Active in a state the lists do not name (shutting down, crashed, suspended), or the
    /// XML has no readable UUID: libvirt must be asked.
    Ask,
}

impl DomainStates {
    /// Reads the four lists. Domains whose state changes between these calls and the reading
    /// of their XML get a slightly stale state; the lifecycle event of that change corrects it.
    /// (Autostart changes send no event: the next pass, or our own action's re-read, sees them.)
    pub(crate) fn read(conn: &Connect) -> Result<Self, DriverError> {
        use virt::sys;
        Ok(Self {
            paused: uuids(conn, sys::VIR_CONNECT_LIST_DOMAINS_PAUSED)?,
            other: uuids(conn, sys::VIR_CONNECT_LIST_DOMAINS_OTHER)?,
            transient: uuids(conn, sys::VIR_CONNECT_LIST_DOMAINS_TRANSIENT)?,
            autostart: uuids(conn, sys::VIR_CONNECT_LIST_DOMAINS_AUTOSTART)?,
        })
    }

    /// The flags of the domain `xml` describes.
    pub(crate) fn of(&self, xml: &DomainInventoryView) -> KnownState {
        let Some(uuid) = domain_uuid(xml) else {
            return KnownState::Ask;
        };
        let state = match xml.id {
            None => PowerState::Shutoff,
            Some(_) if self.paused.contains(&uuid) => PowerState::Paused,
            Some(_) if self.other.contains(&uuid) => return KnownState::Ask,
            Some(_) => PowerState::Running,
        };
        KnownState::Known(DomainFlags {
            state,
            persistent: !self.transient.contains(&uuid),
            autostart: self.autostart.contains(&uuid),
        })
    }
}

/// A domain's state, persistence and autostart asked of libvirt (the caller holds the call
/// lock).
pub(crate) fn ask_flags(dom: &VirDomain) -> Result<DomainFlags, DriverError> {
    let (state, _reason) = dom.get_state().map_err(e)?;
    Ok(DomainFlags {
        state: normalize::power_state(state),
        persistent: dom.is_persistent().map_err(e)?,
        // A driver without autostart has it off, not an unreadable domain.
        autostart: match dom.get_autostart() {
            Ok(on) => on,
            Err(err) => match driver_error(&err) {
                DriverError::Unsupported { .. } => false,
                other => return Err(other),
            },
        },
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    const PAUSED: &str = "6695eb01-f6a4-8304-79aa-97f2502e1001";
    const OTHER: &str = "6695eb01-f6a4-8304-79aa-97f2502e1002";
    const TRANSIENT: &str = "6695eb01-f6a4-8304-79aa-97f2502e1003";
    const PLAIN: &str = "6695eb01-f6a4-8304-79aa-97f2502e1004";
    const AUTOSTART: &str = "6695eb01-f6a4-8304-79aa-97f2502e1005";

    fn domain(id: Option<u32>, uuid: Option<&str>) -> DomainInventoryView {
        let id = id.map(|i| format!(" id='{i}'")).unwrap_or_default();
        let uuid = uuid
            .map(|u| format!("<uuid>{u}</uuid>"))
            .unwrap_or_default();
        DomainInventoryView::from_xml(&format!(
            "<domain type='test'{id}><name>d</name>{uuid}<memory>1</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>"
        ))
        .unwrap()
    }

    fn known(k: KnownState) -> Option<(PowerState, bool, bool)> {
        match k {
            KnownState::Known(f) => Some((f.state, f.persistent, f.autostart)),
            KnownState::Ask => None,
        }
    }

    #[test]
    fn states_come_from_the_short_lists_and_the_xml() {
        let set = |u: &str| HashSet::from([uuid::Uuid::parse_str(u).unwrap()]);
        let states = DomainStates {
            paused: set(PAUSED),
            other: set(OTHER),
            transient: set(TRANSIENT),
            autostart: set(AUTOSTART),
        };
        let of = |id, uuid| known(states.of(&domain(id, uuid)));
        let (on, off) = (true, false);
        // Inactive domains are shut off whatever a list said when it was read.
        assert_eq!(
            of(None, Some(PLAIN)),
            Some((PowerState::Shutoff, true, off))
        );
        assert_eq!(
            of(None, Some(PAUSED)),
            Some((PowerState::Shutoff, true, off))
        );
        // Active ones are running unless a list names them.
        let running = PowerState::Running;
        assert_eq!(of(Some(3), Some(PLAIN)), Some((running, true, off)));
        assert_eq!(
            of(Some(3), Some(PAUSED)),
            Some((PowerState::Paused, true, off))
        );
        assert_eq!(of(Some(3), Some(TRANSIENT)), Some((running, false, off)));
        // Autostart, whether the domain runs or not.
        assert_eq!(of(Some(3), Some(AUTOSTART)), Some((running, true, on)));
        assert_eq!(
            of(None, Some(AUTOSTART)),
            Some((PowerState::Shutoff, true, on))
        );
        // Shutting down, crashed, suspended: only libvirt can say which.
        assert_eq!(of(Some(3), Some(OTHER)), None);
        // Without a UUID to look up, libvirt is asked too.
        assert_eq!(of(Some(3), None), None);
        assert_eq!(of(Some(3), Some("not-a-uuid")), None);
    }

    #[test]
    fn autostart_comes_from_its_list_in_a_pass_and_from_the_domain_alone() {
        let mut conn = Connect::open(Some("test:///default")).unwrap();
        let dom = VirDomain::lookup_by_name(&conn, "test").unwrap();
        let xml = DomainInventoryView::from_xml(&dom.get_xml_desc(0).unwrap()).unwrap();
        // Off last, as the shared test driver had it.
        for on in [true, false] {
            dom.set_autostart(on).unwrap();
            let KnownState::Known(listed) = DomainStates::read(&conn).unwrap().of(&xml) else {
                panic!("the running test domain's flags come from the lists");
            };
            assert_eq!(listed.autostart, on);
            assert_eq!(listed, ask_flags(&dom).unwrap());
        }
        drop(dom);
        conn.close().unwrap();
    }
}
