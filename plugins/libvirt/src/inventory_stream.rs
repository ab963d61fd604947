//! A full inventory pass as a stream of parts. The connection's thread lists the domains and
//! fetches their XML (the floor of any inventory: nothing else is on its path) while a second
//! thread reads pools, networks and the domains' states and then parses and normalizes the
//! domains, and the engine stores the first VMs while later ones are still being read. Every
//! libvirt call of the pass holds its connection's call lock (ADR 0007), so other jobs' calls
//! get in between. Over RPC the second thread reads pools, networks and states through the
//! host's reader connection (ADR 0012): on the main connection those thousands of volume calls
//! would queue with the domains' on one socket, one round trip at a time.

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
        let _held = self.calls.hold_until(self.until, "freeing domain handles");
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

/// Runs one pass on the calling (blocking) thread plus one parser thread. The domains are read
/// through `main`; pools, networks and states through `side` when there is one, else through
/// `main` too. `cache_index` receives the volume index (used later to size the disks of
/// single-VM reads). Returns the pass's domain handles, for the caller to free once the engine
/// has every part.
pub fn run(
    main: Link<'_>,
    side: Option<Link<'_>>,
    parts: &PartSender,
    until: Instant,
    cache_index: impl FnOnce(Arc<VolumeIndex>) + Send,
) -> Result<DomainHandles, DriverError> {
    // Roomy enough that listing and fetching never wait while the parser reads the pools, nor
    // when it lags a little behind the many small chunks at the end.
    let (raw_tx, raw_rx) = sync_channel(64);
    let (conn, calls) = (main.conn, main.calls);
    let rpc = Rpc { calls, until };
    let rpc = &rpc;
    let side = side.unwrap_or(main);
    let side_rpc = Rpc {
        calls: side.calls,
        until,
    };
    std::thread::scope(|s| {
        let parser = std::thread::Builder::new()
            .name("libvirt-parse".into())
            .spawn_scoped(s, || {
                let (aux, aux_rpc) = (side.conn, &side_rpc);
                // Pools first: disks that are pool volumes are sized from them.
                let pools = aux_rpc.call(|| inventory::pools(aux))?;
                let index = Arc::new(VolumeIndex::new(&pools));
                cache_index(Arc::clone(&index));
                send(parts, InventoryPart::Pools(pools))?;
                let networks = aux_rpc.call(|| inventory::networks(aux))?;
                send(parts, InventoryPart::Networks(networks))?;
                let states = aux_rpc.call(|| DomainStates::read(aux))?;
                // Over RPC, one call sizes every disk outside pools; in-process, asking per
                // disk costs no round trips (and the test driver has no block statistics).
                let sizes = if calls.guards_rpc() {
                    aux_rpc.call(|| Ok(BlockSizes::of_all(aux).unwrap_or_default()))?
                } else {
                    BlockSizes::default()
                };
                parse(raw_rx, &index, &states, &sizes, parts, rpc)
            })
            .map_err(|e| DriverError::Backend(format!("cannot start the parser thread: {e}")))?;
        let fetched = fetch(conn, raw_tx, rpc);
        let parsed = parser.join().unwrap_or_else(|_| {
            Err(DriverError::Backend(
                "parsing the inventory panicked".into(),
            ))
        });
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

/// Parses and normalizes chunks until the fetcher is done, sending one part per chunk; returns
/// the domain handles, unfreed.
fn parse(
    raw: Receiver<Vec<RawDomain>>,
    index: &VolumeIndex,
    states: &DomainStates,
    sizes: &BlockSizes,
    parts: &PartSender,
    rpc: &Rpc<'_>,
) -> Result<Vec<VirDomain>, DriverError> {
    let mut handles = Vec::new();
    for chunk in raw {
        let mut vms = Vec::with_capacity(chunk.len());
        for d in chunk {
            let xml = DomainInventoryView::from_xml(d.xml.as_str())
                .map_err(|e| DriverError::Backend(e.to_string()))?;
            let flags = match states.of(&xml) {
                KnownState::Known(flags) => flags,
                KnownState::Ask => match rpc.call(|| inventory::ask_flags(&d.dom)) {
                    Ok(known) => known,
                    // Undefined since it was listed: it is gone, not an error.
                    Err(DriverError::NotFound { .. }) => continue,
                    Err(err) => return Err(err),
                },
            };
            let calls = Some((rpc.calls, rpc.until));
            let sized = if sizes.is_empty() {
                None
            } else {
                inventory::domain_uuid(&xml).and_then(|u| sizes.domain(&u))
            };
            match inventory::vm_from_view(&d.dom, xml, flags, index, sized, calls) {
                Ok(v) => vms.push(v),
                Err(DriverError::NotFound { .. }) => {}
                Err(err) => return Err(err),
            }
            handles.push(d.dom);
        }
        send(parts, InventoryPart::Vms(vms))?;
    }
    Ok(handles)
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
}
