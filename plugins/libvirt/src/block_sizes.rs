//! The sizes of disks outside pools, from libvirt's block statistics: one call for every
//! domain of a full pass, or one for the single domain of an event, instead of one
//! `virDomainGetBlockInfo` round trip per disk. Over a daemon each round trip queues on the
//! socket the domains' XML comes through; a host with a thousand plain image files paid a
//! thousand of them per pass.
//!
//! The statistics size the disks of inactive domains too (QEMU reads the image headers).
//! Disks they leave out (a driver without block statistics, such as the test driver, or a
//! domain whose job was busy) are still asked one by one, so a driver that has them and one
//! that has not give the same inventory in a pass and in a single-VM read alike.

use crate::domain_stats::{self, Item};
use std::collections::HashMap;
use virt::domain::Domain as VirDomain;
use virt::sys;
use virtumancer_drivers::DriverError;

/// (capacity, allocation) of one disk; libvirt leaves the allocation out where it does not
/// know it (or, for an inactive domain, where it is zero).
pub(crate) type Size = (u64, Option<u64>);

/// The sizes the statistics gave, per domain and disk target.
#[derive(Debug, Default)]
pub(crate) struct BlockSizes(HashMap<uuid::Uuid, HashMap<String, Size>>);

/// One `block.<i>.*` entry while the parameters of its domain are read.
#[derive(Default)]
struct Entry {
    name: Option<String>,
    capacity: Option<u64>,
    allocation: Option<u64>,
}

impl BlockSizes {
    /// Every domain's, from one `virConnectGetAllDomainStats`. A driver without statistics
    /// gives none.
    pub(crate) fn of_all(conn: &virt::connect::Connect) -> Result<Self, DriverError> {
        Self::read(|f| domain_stats::each_domain_stat(conn, sys::VIR_DOMAIN_STATS_BLOCK, f))
    }

    /// One domain's, from `virDomainListGetStats`.
    pub(crate) fn of_domain(dom: &VirDomain) -> Result<Self, DriverError> {
        Self::read(|f| {
            domain_stats::each_listed_domain_stat(&[dom], sys::VIR_DOMAIN_STATS_BLOCK, f)
        })
    }

    /// Whether no domain got any size.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The sizes `uuid`'s disks got, by target.
    pub(crate) fn domain(&self, uuid: &uuid::Uuid) -> Option<&HashMap<String, Size>> {
        self.0.get(uuid)
    }

    fn read(
        call: impl FnOnce(&mut dyn FnMut(Item<'_>)) -> Result<usize, DriverError>,
    ) -> Result<Self, DriverError> {
        let mut out = HashMap::new();
        let mut current: Option<(uuid::Uuid, Vec<Entry>)> = None;
        let mut finish = |cur: Option<(uuid::Uuid, Vec<Entry>)>| {
            if let Some((uuid, entries)) = cur {
                let sized: HashMap<String, Size> = entries
                    .into_iter()
                    .filter_map(|e| Some((e.name?, (e.capacity?, e.allocation))))
                    .collect();
                if !sized.is_empty() {
                    out.insert(uuid, sized);
                }
            }
        };
        let result = call(&mut |item| match item {
            Item::Count(_) => {}
            Item::Domain(uuid) => finish(current.replace((uuid, Vec::new()))),
            Item::Param(field, value) => {
                if let (Some((_, entries)), Some((i, suffix))) = (&mut current, block(field))
                    && let Some(v) = value.as_u64()
                {
                    match (suffix, entry(entries, i)) {
                        (b"capacity", Some(e)) => e.capacity = Some(v),
                        (b"allocation", Some(e)) => e.allocation = Some(v),
                        _ => {}
                    }
                }
            }
            Item::Text(field, text) => {
                if let (Some((_, entries)), Some((i, b"name"))) = (&mut current, block(field))
                    && let Some(e) = entry(entries, i)
                {
                    e.name = Some(String::from_utf8_lossy(text).into_owned());
                }
            }
        });
        match result {
            Ok(_) => {}
            // No statistics at all: every disk is asked on its own.
            Err(DriverError::Unsupported { .. }) => return Ok(Self::default()),
            Err(err) => return Err(err),
        }
        finish(current.take());
        Ok(Self(out))
    }
}

/// `block.<i>.<suffix>` as (i, suffix).
fn block(field: &[u8]) -> Option<(usize, &[u8])> {
    let rest = field.strip_prefix(b"block.")?;
    let dot = rest.iter().position(|&b| b == b'.')?;
    let i = std::str::from_utf8(&rest[..dot]).ok()?.parse().ok()?;
    Some((i, &rest[dot + 1..]))
}

/// The entry of disk `i`, made when first seen (libvirt counts them up to `block.count`);
/// `None` for an index beyond any domain's disks, which gets no room.
fn entry(entries: &mut Vec<Entry>, i: usize) -> Option<&mut Entry> {
    const MAX_DISKS: usize = 4096;
    if i >= MAX_DISKS {
        return None;
    }
    if entries.len() <= i {
        entries.resize_with(i + 1, Entry::default);
    }
    entries.get_mut(i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain_stats::Value;

    const A: uuid::Uuid = uuid::Uuid::from_u128(0xa);
    const B: uuid::Uuid = uuid::Uuid::from_u128(0xb);
    const C: uuid::Uuid = uuid::Uuid::from_u128(0xc);

    fn int(v: u64) -> Value {
        Value::Int(i128::from(v))
    }

    #[test]
    fn sizes_are_read_per_domain_and_target_from_the_block_group() {
        let sizes = BlockSizes::read(|f| {
            f(Item::Count(3));
            f(Item::Domain(A));
            f(Item::Param(b"state.state", int(1)));
            f(Item::Param(b"block.count", int(4)));
            f(Item::Text(b"block.0.name", b"vda"));
            f(Item::Text(b"block.0.path", b"/img/a.qcow2"));
            f(Item::Param(b"block.0.allocation", int(200_704)));
            f(Item::Param(b"block.0.capacity", int(1 << 30)));
            f(Item::Param(b"block.0.physical", int(196_616)));
            // A sparse raw file of an inactive domain: no allocation.
            f(Item::Text(b"block.1.name", b"vdb"));
            f(Item::Param(b"block.1.capacity", int(100 << 20)));
            // An empty CD-ROM: a name, no size.
            f(Item::Text(b"block.2.name", b"sda"));
            // Out of order, as nothing promises the order.
            f(Item::Param(b"block.3.capacity", int(7)));
            f(Item::Text(b"block.3.name", b"vdc"));
            // Nonsense indexes are ignored.
            f(Item::Param(b"block.99999.capacity", int(1)));
            f(Item::Param(b"block.x.capacity", int(1)));
            // A domain without disk statistics, then one more with.
            f(Item::Domain(B));
            f(Item::Domain(C));
            f(Item::Text(b"block.0.name", b"hda"));
            f(Item::Param(b"block.0.capacity", int(5)));
            f(Item::Param(b"block.0.allocation", int(4)));
            Ok(3)
        })
        .unwrap();
        let a = sizes.domain(&A).unwrap();
        assert_eq!(a.get("vda"), Some(&(1 << 30, Some(200_704))));
        assert_eq!(a.get("vdb"), Some(&(100 << 20, None)));
        assert_eq!(a.get("sda"), None);
        assert_eq!(a.get("vdc"), Some(&(7, None)));
        assert_eq!(a.len(), 3);
        assert!(sizes.domain(&B).is_none());
        assert_eq!(sizes.domain(&C).unwrap().get("hda"), Some(&(5, Some(4))));
        assert!(!sizes.is_empty());
    }

    #[test]
    fn a_driver_without_statistics_sizes_nothing_and_other_errors_fail() {
        let none = BlockSizes::read(|_| {
            Err(DriverError::Unsupported {
                capability: "stats".into(),
            })
        })
        .unwrap();
        assert!(none.is_empty());
        assert!(BlockSizes::read(|_| Err(DriverError::Backend("boom".into()))).is_err());
    }

    #[test]
    fn the_test_driver_has_no_block_statistics() {
        let mut conn = virt::connect::Connect::open(Some("test:///default")).unwrap();
        assert!(BlockSizes::of_all(&conn).unwrap().is_empty());
        let dom = VirDomain::lookup_by_name(&conn, "test").unwrap();
        assert!(BlockSizes::of_domain(&dom).unwrap().is_empty());
        drop(dom);
        conn.close().unwrap();
    }
}
