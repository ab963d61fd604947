//! A full inventory pass as a stream of parts. The connection's thread lists the domains and
//! fetches their XML (the floor of any inventory: nothing else is on its path). Pools, networks
//! and the domains' states are read beside it (the side reads), and a parser thread parses the
//! domains as they arrive and normalizes them once the side reads are in; the engine stores the
//! first VMs while later ones are still being read. Every libvirt call of the pass holds its
//! connection's call lock (ADR 0007), so other jobs' calls get in between. Over RPC the side
//! reads go through the host's reader connection (ADR 0012): on the main connection those
//! hundreds of volume calls would queue with the domains' on one socket, one round trip at a
//! time.

use crate::block_sizes::BlockSizes;
use crate::blocking::CallLock;
use crate::errors::driver_error;
use crate::inventory::{self, DomainStates, KnownState};
use crate::libvirt_xml_text::LibvirtXmlText;
use crate::normalize::VolumeIndex;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::time::Instant;
use tokio::sync::mpsc;
use virt::connect::Connect;
use virt::domain::Domain as VirDomain;
use virtumancer_drivers::{DriverError, InventoryPart};
use virtumancer_libvirt_xml::DomainInventoryView;

/// Domains per message between the threads, and VMs per part sent to the engine, at most…
const CHUNK: usize = 256;
/// …and at least.
const MIN_CHUNK: usize = 16;

/// The size of the next chunk when `left` domains are still to be fetched: an eighth of them
/// within the bounds, so the chunks shrink towards the end and the last one, which is parsed
/// and written after the last fetch, is small.
fn chunk_size(left: usize) -> usize {
    (left / 8).clamp(MIN_CHUNK, CHUNK)
}

/// Where parts go: the engine's end of the pass.
pub type PartSender = mpsc::Sender<Result<InventoryPart, DriverError>>;

/// A domain as libvirt described it, not yet parsed.
struct RawDomain {
    dom: VirDomain,
    xml: LibvirtXmlText,
}

fn abandoned() -> DriverError {
    DriverError::Unavailable("the inventory pass was abandoned by its reader".into())
}

fn send(parts: &PartSender, part: InventoryPart) -> Result<(), DriverError> {
    parts.blocking_send(Ok(part)).map_err(|_| abandoned())
}

/// The domain handles of a finished pass, to be freed off its path. libvirt spends about
/// 1.7 µs freeing each one (it formats the UUID for a debug message, logged or not): 17 ms
/// of a 10,000-domain pass that nothing waits for. The last handle of a connection released
/// meanwhile closes that connection, which is a call, so dropping them holds the call lock.
pub struct DomainHandles {
    doms: Vec<VirDomain>,
    calls: CallLock,
    until: Instant,
}

impl Drop for DomainHandles {
    fn drop(&mut self) {
        if self.doms.is_empty() {
            return;
        }
        let _held = self.calls.hold_to_free(self.until);
        self.doms.clear();
    }
}

/// A libvirt connection and the call lock its calls hold.
#[derive(Clone, Copy)]
pub struct Link<'a> {
    /// The connection.
    pub conn: &'a Connect,
    /// Its call lock.
    pub calls: &'a CallLock,
}

/// Runs one pass on the calling (blocking) thread plus a parser thread (which does the side
/// reads first in-process) and, over RPC, a side thread. The domains are read through `main`;
/// pools, networks and states through `side` when there is one, else through `main` too.
/// `cache_index` receives the volume index (used later to size the disks of single-VM reads).
/// Returns the pass's domain handles, for the caller to free once the engine has every part.
pub fn run(
    main: Link<'_>,
    side: Option<Link<'_>>,
    parts: &PartSender,
    until: Instant,
    cache_index: impl FnOnce(Arc<VolumeIndex>) + Send,
) -> Result<DomainHandles, DriverError> {
    // Roomy enough that listing and fetching never wait while the parser lags a little behind
    // (it keeps parsing while the side reads go on, but normalizes only after them).
    let (raw_tx, raw_rx) = sync_channel(64);
    let (conn, calls) = (main.conn, main.calls);
    let rpc = Rpc { calls, until };
    let rpc = &rpc;
    let side = side.unwrap_or(main);
    let side_rpc = Rpc {
        calls: side.calls,
        until,
    };
    let over_rpc = calls.guards_rpc();
    let (side_tx, side_rx) = sync_channel(1);
    let side_reads = move || {
        let read = side_reads(side.conn, &side_rpc, over_rpc, parts, cache_index);
        // The parser stopped (it failed): its error is the one reported.
        let _ = side_tx.send(read);
    };
    std::thread::scope(|s| {
        // Over RPC the side reads run on a thread of their own, so that domains are parsed
        // while they go on: reading a few hundred volumes from a daemon takes longer than the
        // domains' XML. In-process, where the pass is bound by CPU, a third busy thread only
        // holds the parsed domains back: the parser reads them first.
        let (side_thread, parse_after_side) = if over_rpc {
            let thread = std::thread::Builder::new()
                .name("libvirt-side".into())
                .spawn_scoped(s, side_reads)
                .map_err(|e| DriverError::Backend(format!("cannot start the side thread: {e}")))?;
            (Some(thread), None)
        } else {
            (None, Some(side_reads))
        };
        let parser = std::thread::Builder::new()
            .name("libvirt-parse".into())
            .spawn_scoped(s, move || {
                if let Some(first) = parse_after_side {
                    first();
                }
                parse(raw_rx, side_rx, parts, rpc)
            })
            .map_err(|e| DriverError::Backend(format!("cannot start the parser thread: {e}")))?;
        let fetched = fetch(conn, raw_tx, rpc);
        let parsed = parser.join().unwrap_or_else(|_| {
            Err(DriverError::Backend(
                "parsing the inventory panicked".into(),
            ))
        });
        // Joined here, a panic of the side reads is an error of the pass, not of the scope.
        if side_thread.is_some_and(|t| t.join().is_err()) {
            return Err(DriverError::Backend(
                "reading the inventory's pools and networks panicked".into(),
            ));
        }
        // A parse error closes the channel and so also fails fetching: report the cause.
        let doms = parsed?;
        fetched?;
        Ok(DomainHandles {
            doms,
            calls: calls.clone(),
            until,
        })
    })
}

/// Lists every domain and fetches its XML, in chunks.
fn fetch(
    conn: &Connect,
    raw: SyncSender<Vec<RawDomain>>,
    rpc: &Rpc<'_>,
) -> Result<(), DriverError> {
    let domains = rpc.call(|| conn.list_all_domains(0).map_err(|e| driver_error(&e)))?;
    let mut left = domains.len();
    let mut size = chunk_size(left);
    let mut chunk = Vec::with_capacity(size);
    for dom in domains {
        left -= 1;
        let xml = match rpc.call(|| Ok(LibvirtXmlText::of_domain(&dom, 0)))? {
            Ok(x) => x,
            Err(err) => match driver_error(&err) {
                // Undefined between listing and reading: it is gone, not an error.
                DriverError::NotFound { .. } => continue,
                other => return Err(other),
            },
        };
        chunk.push(RawDomain { dom, xml });
        if chunk.len() >= size {
            size = chunk_size(left);
            raw.send(std::mem::replace(&mut chunk, Vec::with_capacity(size)))
                .map_err(|_| abandoned())?;
        }
    }
    if !chunk.is_empty() {
        raw.send(chunk).map_err(|_| abandoned())?;
    }
    Ok(())
}

/// What the side reads give the parser: what it needs to normalize domains.
struct SideReads {
    index: Arc<VolumeIndex>,
    states: DomainStates,
    sizes: BlockSizes,
}

/// Reads pools (sending them, and handing their volume index to `cache_index`), networks
/// (sending them), the domains' states and, over RPC, their disks' sizes.
fn side_reads(
    conn: &Connect,
    rpc: &Rpc<'_>,
    over_rpc: bool,
    parts: &PartSender,
    cache_index: impl FnOnce(Arc<VolumeIndex>),
) -> Result<SideReads, DriverError> {
    // Pools first: disks that are pool volumes are sized from them.
    let pools = rpc.call(|| inventory::pools(conn))?;
    let index = Arc::new(VolumeIndex::new(&pools));
    cache_index(Arc::clone(&index));
    send(parts, InventoryPart::Pools(pools))?;
    let networks = rpc.call(|| inventory::networks(conn))?;
    send(parts, InventoryPart::Networks(networks))?;
    let states = rpc.call(|| DomainStates::read(conn))?;
    // Over RPC, one call sizes every disk outside pools; in-process, asking per disk costs no
    // round trips (and the test driver has no block statistics).
    let sizes = if over_rpc {
        rpc.call(|| Ok(BlockSizes::of_all(conn).unwrap_or_default()))?
    } else {
        BlockSizes::default()
    };
    Ok(SideReads {
        index,
        states,
        sizes,
    })
}

/// A domain parsed and waiting for the side reads.
type Parsed = (VirDomain, DomainInventoryView);

/// Parses chunks until the fetcher is done and normalizes them once the side reads are in,
/// sending one part per chunk (those parsed before, in one part); returns the domain handles,
/// unfreed.
fn parse(
    raw: Receiver<Vec<RawDomain>>,
    side: Receiver<Result<SideReads, DriverError>>,
    parts: &PartSender,
    rpc: &Rpc<'_>,
) -> Result<Vec<VirDomain>, DriverError> {
    let mut handles = Vec::new();
    let mut waiting: Vec<Parsed> = Vec::new();
    let mut ready: Option<SideReads> = None;
    for chunk in raw {
        let mut parsed = Vec::with_capacity(chunk.len());
        for d in chunk {
            let xml = DomainInventoryView::from_xml(d.xml.as_str())
                .map_err(|e| DriverError::Backend(e.to_string()))?;
            parsed.push((d.dom, xml));
        }
        if ready.is_none() {
            match side.try_recv() {
                Ok(read) => ready = Some(read?),
                Err(_) => {
                    waiting.append(&mut parsed);
                    continue;
                }
            }
        }
        let read = ready.as_ref().expect("set above");
        if !waiting.is_empty() {
            normalize(std::mem::take(&mut waiting), read, parts, rpc, &mut handles)?;
        }
        normalize(parsed, read, parts, rpc, &mut handles)?;
    }
    if ready.is_none() {
        let read = side.recv().map_err(|_| {
            DriverError::Backend("the inventory's side reads stopped without a result".into())
        })??;
        normalize(waiting, &read, parts, rpc, &mut handles)?;
    }
    Ok(handles)
}

/// Normalizes parsed domains into one part and sends it (none for none); keeps their handles
/// in `handles`.
fn normalize(
    parsed: Vec<Parsed>,
    read: &SideReads,
    parts: &PartSender,
    rpc: &Rpc<'_>,
    handles: &mut Vec<VirDomain>,
) -> Result<(), DriverError> {
    if parsed.is_empty() {
        return Ok(());
    }
    let mut vms = Vec::with_capacity(parsed.len());
    for (dom, xml) in parsed {
        let flags = match read.states.of(&xml) {
            KnownState::Known(flags) => flags,
            KnownState::Ask => match rpc.call(|| inventory::ask_flags(&dom)) {
                Ok(known) => known,
                // Undefined since it was listed: it is gone, not an error.
                Err(DriverError::NotFound { .. }) => continue,
                Err(err) => return Err(err),
            },
        };
        let calls = Some((rpc.calls, rpc.until));
        let sized = if read.sizes.is_empty() {
            None
        } else {
            inventory::domain_uuid(&xml).and_then(|u| read.sizes.domain(&u))
        };
        match inventory::vm_from_view(&dom, xml, flags, &read.index, sized, calls) {
            Ok(v) => vms.push(v),
            Err(DriverError::NotFound { .. }) => {}
            Err(err) => return Err(err),
        }
        handles.push(dom);
    }
    send(parts, InventoryPart::Vms(vms))
}

/// The connection's call lock and when the pass stops waiting for it.
struct Rpc<'a> {
    calls: &'a CallLock,
    until: Instant,
}

impl Rpc<'_> {
    /// Runs libvirt calls while holding the call lock.
    fn call<T>(&self, f: impl FnOnce() -> Result<T, DriverError>) -> Result<T, DriverError> {
        let _held = self.calls.hold_until(self.until, "reading the inventory")?;
        f()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The chunk sizes a pass over `n` domains uses, in order.
    fn chunks(n: usize) -> Vec<usize> {
        let (mut out, mut left, mut size, mut cur) = (Vec::new(), n, chunk_size(n), 0);
        for _ in 0..n {
            left -= 1;
            cur += 1;
            if cur >= size {
                out.push(cur);
                size = chunk_size(left);
                cur = 0;
            }
        }
        if cur > 0 {
            out.push(cur);
        }
        out
    }

    #[test]
    fn chunks_cover_every_domain_and_shrink_towards_the_end() {
        for n in [0, 1, 15, 16, 17, 100, 1_000, 10_000] {
            let c = chunks(n);
            assert_eq!(c.iter().sum::<usize>(), n, "{n}: {c:?}");
            assert!(c.iter().all(|&s| s <= CHUNK), "{n}: {c:?}");
            assert!(
                c.windows(2).all(|w| w[0] >= w[1]),
                "{n}: not shrinking: {c:?}"
            );
            // Only the final chunk may be below the minimum.
            assert!(
                c.iter().rev().skip(1).all(|&s| s >= MIN_CHUNK),
                "{n}: {c:?}"
            );
        }
        let big = chunks(10_000);
        assert_eq!(big[0], CHUNK);
        assert!(*big.last().unwrap() <= MIN_CHUNK, "{big:?}");
        assert!(big.len() < 80, "{} chunks for 10,000 domains", big.len());
    }

    /// The test driver's domains as the fetcher would send them.
    fn raw_domains(conn: &Connect) -> Vec<RawDomain> {
        conn.list_all_domains(0)
            .unwrap()
            .into_iter()
            .map(|dom| {
                let xml = LibvirtXmlText::of_domain(&dom, 0).unwrap();
                RawDomain { dom, xml }
            })
            .collect()
    }

    /// Runs `f` on the shared test driver with a lock-free call path, then closes it.
    fn on_test_driver(f: impl FnOnce(&Connect, &Rpc<'_>)) {
        let mut conn = Connect::open(Some("test:///default")).unwrap();
        let calls = CallLock::new(false);
        let rpc = Rpc {
            calls: &calls,
            until: Instant::now() + std::time::Duration::from_secs(30),
        };
        f(&conn, &rpc);
        conn.close().unwrap();
    }

    #[test]
    fn domains_parsed_before_the_side_reads_are_sent_once_those_are_in() {
        on_test_driver(|conn, rpc| {
            let (parts_tx, mut parts_rx) = mpsc::channel(8);
            // A rendezvous: each send returns only once the parser takes the chunk, that is, once
            // it is done with the one before.
            let (raw_tx, raw_rx) = sync_channel(0);
            let (side_tx, side_rx) = sync_channel(1);
            std::thread::scope(|s| {
                let parser = s.spawn(|| parse(raw_rx, side_rx, &parts_tx, rpc));
                // Two chunks arrive before the side reads: nothing can be normalized yet.
                raw_tx.send(raw_domains(conn)).unwrap();
                raw_tx.send(raw_domains(conn)).unwrap();
                raw_tx.send(Vec::new()).unwrap();
                assert!(
                    parts_rx.try_recv().is_err(),
                    "a VM was sent before its state was known"
                );
                let read = side_reads(conn, rpc, false, &parts_tx, |_| {}).unwrap();
                assert!(matches!(
                    parts_rx.blocking_recv(),
                    Some(Ok(InventoryPart::Pools(_)))
                ));
                assert!(matches!(
                    parts_rx.blocking_recv(),
                    Some(Ok(InventoryPart::Networks(_)))
                ));
                side_tx.send(Ok(read)).unwrap();
                // The chunks that waited go in one part; the one after them in its own.
                raw_tx.send(raw_domains(conn)).unwrap();
                drop(raw_tx);
                let handles = parser.join().unwrap().unwrap();
                let vms = |p: Option<Result<InventoryPart, DriverError>>| match p {
                    Some(Ok(InventoryPart::Vms(v))) => v,
                    other => panic!("expected VMs, got {other:?}"),
                };
                let waited = vms(parts_rx.blocking_recv());
                assert_eq!(waited.len(), 2);
                assert!(
                    waited
                        .iter()
                        .all(|v| v.name == "test"
                            && v.state == virtumancer_model::PowerState::Running)
                );
                assert_eq!(vms(parts_rx.blocking_recv()).len(), 1);
                assert_eq!(handles.len(), 3);
            });
        });
    }

    #[test]
    fn side_reads_that_end_after_the_last_domain_still_send_every_vm() {
        on_test_driver(|conn, rpc| {
            let (parts_tx, mut parts_rx) = mpsc::channel(8);
            let (raw_tx, raw_rx) = sync_channel(4);
            let (side_tx, side_rx) = sync_channel(1);
            raw_tx.send(raw_domains(conn)).unwrap();
            raw_tx.send(raw_domains(conn)).unwrap();
            drop(raw_tx);
            let read = side_reads(conn, rpc, false, &parts_tx, |_| {}).unwrap();
            std::thread::scope(|s| {
                let parser = s.spawn(|| parse(raw_rx, side_rx, &parts_tx, rpc));
                side_tx.send(Ok(read)).unwrap();
                assert_eq!(parser.join().unwrap().unwrap().len(), 2);
            });
            let mut names = Vec::new();
            while let Ok(part) = parts_rx.try_recv() {
                if let Ok(InventoryPart::Vms(v)) = part {
                    names.extend(v.into_iter().map(|v| v.name));
                }
            }
            assert_eq!(names, ["test", "test"]);
        });
    }

    #[test]
    fn a_failed_side_read_fails_the_parse() {
        on_test_driver(|conn, rpc| {
            let (parts_tx, _parts_rx) = mpsc::channel(8);
            for before_any_chunk in [true, false] {
                let (raw_tx, raw_rx) = sync_channel(4);
                let (side_tx, side_rx) = sync_channel(1);
                if before_any_chunk {
                    side_tx
                        .send(Err(DriverError::Unavailable("pools".into())))
                        .unwrap();
                    raw_tx.send(raw_domains(conn)).unwrap();
                } else {
                    raw_tx.send(raw_domains(conn)).unwrap();
                    drop(raw_tx);
                    side_tx
                        .send(Err(DriverError::Unavailable("pools".into())))
                        .unwrap();
                    let err = parse(raw_rx, side_rx, &parts_tx, rpc).unwrap_err();
                    assert!(err.to_string().contains("pools"), "{err}");
                    continue;
                }
                drop(raw_tx);
                let err = parse(raw_rx, side_rx, &parts_tx, rpc).unwrap_err();
                assert!(err.to_string().contains("pools"), "{err}");
            }
        });
    }
}
