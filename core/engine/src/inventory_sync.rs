//! Keeping the database's inventory of one host equal to what the host reports.
//!
//! A full pass streams parts from the driver and diffs each against the database as it
//! arrives. Changes are written through one transaction while the host is still being read,
//! and committed at the end, so a host that disconnects mid-sync leaves the previous state
//! intact. Rows are written only where the config hash or the power state differs: a re-sync
//! with nothing changed writes nothing.

use crate::full_pass::{FullPass, diff_vm};
use crate::{EngineError, EventBus};
use chrono::{DateTime, Utc};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use virtumancer_drivers::{DriverError, HostConnection, InventoryPart, InventoryStream};
use virtumancer_model::{Event, HostId, HostInventory, VmId};
use virtumancer_store::{InventoryBatch, InventoryWriter, Store};

/// How long a full pass may hold the database's write transaction while the host is still
/// being read, unless [`InventorySync::with_write_through_budget`] says otherwise. A slower
/// host's pass is rolled back and buffered in memory instead, then written in one go at the
/// end, so other writers never wait long behind a slow host.
const WRITE_THROUGH_BUDGET: Duration = Duration::from_secs(2);

/// What one pass changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SyncReport {
    /// VMs reported by the host.
    pub vms_seen: usize,
    /// VMs inserted, changed, re-stated or marked gone.
    pub vms_changed: usize,
    /// Inventory rows written (0 when nothing changed).
    pub rows_written: u64,
}

/// Syncs one host's inventory.
#[derive(Clone)]
pub struct InventorySync {
    host: HostId,
    store: Arc<dyn Store>,
    bus: EventBus,
    write_through_budget: Duration,
}

impl std::fmt::Debug for InventorySync {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InventorySync")
            .field("host", &self.host)
            .finish_non_exhaustive()
    }
}

/// Batches a pass may have diffed ahead of the writer.
const BATCHES_IN_FLIGHT: usize = 4;

/// The writer task of a pass. Dropped before it finished (the pass failed or was cancelled),
/// it is aborted, and its open transaction rolls back.
struct WriterTask(tokio::task::JoinHandle<Result<Pending, EngineError>>);

impl WriterTask {
    async fn finish(mut self) -> Result<Pending, EngineError> {
        match (&mut self.0).await {
            Ok(done) => done,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            // Only a runtime shutting down cancels it.
            Err(_) => Err(EngineError::Driver(DriverError::Unavailable(
                "the inventory writer was cancelled: shutting down".into(),
            ))),
        }
    }

    /// Stops the writer and waits until it has let go of its transaction (rolled back).
    async fn cancel(mut self) {
        self.0.abort();
        let _ = (&mut self.0).await;
    }
}

impl Drop for WriterTask {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The batches of a pass on their way to the database.
struct Pending {
    writer: Option<Box<dyn InventoryWriter>>,
    opened: Option<Instant>,
    /// Every non-empty batch so far, kept while writing through in case the pass must fall
    /// back to buffering.
    batches: Vec<InventoryBatch>,
    write_through: bool,
    rows: u64,
    changed: Vec<VmId>,
    other_changes: bool,
}

impl InventorySync {
    /// A syncer for `host`.
    pub fn new(host: HostId, store: Arc<dyn Store>, bus: EventBus) -> Self {
        Self {
            host,
            store,
            bus,
            write_through_budget: WRITE_THROUGH_BUDGET,
        }
    }

    /// The same syncer with another write-through budget: a pass that has held the write
    /// transaction this long falls back to buffering. Zero buffers every pass after its first
    /// write; a long budget keeps a slow pass (one under valgrind, say) writing through.
    pub fn with_write_through_budget(mut self, budget: Duration) -> Self {
        self.write_through_budget = budget;
        self
    }

    /// Full pass: every VM, network and pool. VMs no longer reported are marked gone.
    pub async fn full(&self, conn: &dyn HostConnection) -> Result<SyncReport, EngineError> {
        self.full_at(conn, Utc::now()).await
    }

    /// A full pass that dates what it writes (VMs' `last_seen_at`, the host's
    /// `last_synced_at`) `at`, the time the caller records for it.
    pub async fn full_at(
        &self,
        conn: &dyn HostConnection,
        at: DateTime<Utc>,
    ) -> Result<SyncReport, EngineError> {
        self.apply_stream_at(conn.inventory().stream(), at).await
    }

    /// Applies a snapshot already read from the host (as a full pass).
    pub async fn apply_snapshot(&self, inv: HostInventory) -> Result<SyncReport, EngineError> {
        let (tx, rx) = mpsc::channel(3);
        for part in [
            InventoryPart::Pools(inv.pools),
            InventoryPart::Networks(inv.networks),
            InventoryPart::Vms(inv.vms),
        ] {
            tx.send(Ok(part)).await.expect("the receiver is alive");
        }
        drop(tx);
        self.apply_stream(rx).await
    }

    /// Applies a full pass as its parts arrive. An error part ends the pass and nothing of it
    /// is applied. Diffing and writing overlap: this task diffs each part as it arrives and a
    /// second task writes the batches, so the database works while the host is still read.
    pub async fn apply_stream(&self, parts: InventoryStream) -> Result<SyncReport, EngineError> {
        self.apply_stream_at(parts, Utc::now()).await
    }

    async fn apply_stream_at(
        &self,
        mut parts: InventoryStream,
        synced_at: DateTime<Utc>,
    ) -> Result<SyncReport, EngineError> {
        let mut pass = FullPass::new(
            self.store.vm_sync_states(self.host).await?,
            self.store.network_hashes(self.host).await?,
            self.store.pool_hashes(self.host).await?,
        );
        let (batches, to_write) = mpsc::channel(BATCHES_IN_FLIGHT);
        let writer = WriterTask(tokio::spawn(
            self.clone().write_batches(to_write, synced_at),
        ));
        let diffed = async {
            while let Some(part) = parts.recv().await {
                let batch = pass.diff(part?);
                if !batch.is_empty() && batches.send(batch).await.is_err() {
                    // The writer stopped: its result says why.
                    return Ok(());
                }
            }
            let last = pass.finish();
            if !last.is_empty() {
                let _ = batches.send(last).await;
            }
            Ok::<_, EngineError>(())
        }
        .await;
        drop(batches);
        if let Err(e) = diffed {
            // A failed read: stop the writer, which rolls back what it wrote.
            writer.cancel().await;
            return Err(e);
        }
        let mut pending = writer.finish().await?;
        let vms_seen = pass.vms_seen;
        if pending.batches.is_empty() {
            return Ok(SyncReport {
                vms_seen,
                ..SyncReport::default()
            });
        }
        if !pending.write_through {
            let mut writer = self.store.begin_inventory(self.host, synced_at).await?;
            for b in &pending.batches {
                pending.rows += writer.write(b).await?;
            }
            pending.writer = Some(writer);
        }
        let writer = pending
            .writer
            .take()
            .expect("a non-empty pass has a writer");
        pending.rows += writer.commit().await?;
        // Freeing a large pass's VMs takes milliseconds (about 15 ms per 10,000): not on the
        // caller's time.
        let batches = std::mem::take(&mut pending.batches);
        if !batches.is_empty() {
            tokio::task::spawn_blocking(move || drop(batches));
        }
        Ok(self.publish(
            &pending.changed,
            pending.other_changes,
            pending.rows,
            vms_seen,
        ))
    }

    /// The writing half of a pass: records every batch until the channel closes.
    async fn write_batches(
        self,
        mut batches: mpsc::Receiver<InventoryBatch>,
        synced_at: chrono::DateTime<Utc>,
    ) -> Result<Pending, EngineError> {
        let mut pending = Pending {
            writer: None,
            opened: None,
            batches: Vec::new(),
            write_through: true,
            rows: 0,
            changed: Vec::new(),
            other_changes: false,
        };
        while let Some(mut batch) = batches.recv().await {
            // Batches that queued up while the last one was written go in one write: each
            // write has fixed costs (preparing its statements), which a writer that lags
            // behind should not pay once per small batch.
            while let Ok(more) = batches.try_recv() {
                batch.append(more);
            }
            self.push(&mut pending, batch, synced_at).await?;
        }
        Ok(pending)
    }

    /// Records one batch: written through the open transaction while that stays within its
    /// budget, buffered otherwise.
    async fn push(
        &self,
        p: &mut Pending,
        batch: InventoryBatch,
        synced_at: chrono::DateTime<Utc>,
    ) -> Result<(), EngineError> {
        if batch.is_empty() {
            return Ok(());
        }
        p.changed.extend(changed_vms(&batch));
        p.other_changes |= has_other_changes(&batch);
        if p.write_through {
            if p.writer.is_none() {
                p.writer = Some(self.store.begin_inventory(self.host, synced_at).await?);
                p.opened = Some(Instant::now());
            }
            let writer = p.writer.as_mut().expect("opened above");
            p.rows += writer.write(&batch).await?;
            if p.opened
                .is_some_and(|t| t.elapsed() >= self.write_through_budget)
            {
                // The host reads slowly: give the database back and write everything at the
                // end instead. Dropping the writer rolls back what it wrote.
                tracing::debug!(host = %self.host, "sync pass falls back to buffering");
                p.writer = None;
                p.rows = 0;
                p.write_through = false;
            }
        }
        p.batches.push(batch);
        Ok(())
    }

    /// One VM changed (event): re-read it; gone if the host no longer has it.
    pub async fn vm(
        &self,
        conn: &dyn HostConnection,
        uuid: &str,
    ) -> Result<SyncReport, EngineError> {
        let found = conn.inventory().vm(uuid).await?;
        let stored = self.store.vm_sync_state(self.host, uuid).await?;
        let mut batch = InventoryBatch::default();
        let vms_seen = usize::from(found.is_some());
        match (found, &stored) {
            (Some(vm), _) => diff_vm(&mut batch, stored.as_ref(), vm),
            (None, Some(s)) if !s.gone => batch.gone_vms.push(s.id),
            (None, _) => {}
        }
        if batch.is_empty() {
            return Ok(SyncReport {
                vms_seen,
                ..SyncReport::default()
            });
        }
        let rows = self.store.apply(self.host, &batch, Utc::now()).await?;
        let changed: Vec<VmId> = changed_vms(&batch).collect();
        Ok(self.publish(&changed, has_other_changes(&batch), rows, vms_seen))
    }

    /// One network changed (an action on it): re-read it and store it, or remove the stored
    /// one (`stored_uuid`) when the host no longer has it. Writes nothing when it is unchanged.
    pub async fn network(
        &self,
        conn: &dyn HostConnection,
        name: &str,
        stored_uuid: Option<&str>,
    ) -> Result<SyncReport, EngineError> {
        let found = conn.networks().network(name).await?;
        let mut batch = InventoryBatch::default();
        match found {
            Some(n) => {
                let hash = crate::config_hash::network(&n);
                let stored = self.store.network_hashes(self.host).await?;
                if !stored
                    .iter()
                    .any(|h| h.uuid == n.uuid && h.config_hash == hash)
                {
                    batch.upsert_networks.push((n, hash));
                }
            }
            None => batch.remove_networks.extend(stored_uuid.map(str::to_owned)),
        }
        if batch.is_empty() {
            return Ok(SyncReport::default());
        }
        let rows = self.store.apply(self.host, &batch, Utc::now()).await?;
        Ok(self.publish(&[], true, rows, 0))
    }

    /// Announces a committed change and reports it.
    fn publish(&self, changed: &[VmId], other: bool, rows: u64, vms_seen: usize) -> SyncReport {
        self.bus.publish(Event::InventoryChanged {
            host_id: self.host,
            vm_ids: changed.iter().take(100).copied().collect(),
            vm_count: changed.len(),
            other_changes: other,
        });
        SyncReport {
            vms_seen,
            vms_changed: changed.len(),
            rows_written: rows,
        }
    }
}

fn changed_vms(b: &InventoryBatch) -> impl Iterator<Item = VmId> + '_ {
    b.insert_vms
        .iter()
        .chain(&b.update_vms)
        .map(|(id, _, _)| *id)
        .chain(b.state_changes.iter().map(|(id, _)| *id))
        .chain(b.gone_vms.iter().copied())
}

fn has_other_changes(b: &InventoryBatch) -> bool {
    !(b.upsert_networks.is_empty()
        && b.remove_networks.is_empty()
        && b.upsert_pools.is_empty()
        && b.remove_pools.is_empty())
}
