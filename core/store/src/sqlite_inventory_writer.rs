//! Writing one host's inventory: a transaction that takes sync batches as they are produced
//! and commits them together, so a pass is applied completely or not at all.

use crate::StoreError;
use crate::inventory_repository::{InventoryBatch, InventoryWriter};
use crate::sqlite_bulk_insert::{insert_children, insert_vms, insert_volumes, json};
use crate::sqlite_checkpointer::Checkpointer;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{Sqlite, Transaction};
use std::sync::Arc;
use virtumancer_model::{HostId, NetworkInventory, StoragePoolInventory, VmId};

type Tx<'a> = Transaction<'a, Sqlite>;

async fn delete_children(tx: &mut Tx<'_>, vm: VmId) -> Result<u64, StoreError> {
    let mut rows = 0;
    for sql in [
        "DELETE FROM disk_attachments WHERE vm_id = ?",
        "DELETE FROM nics WHERE vm_id = ?",
        "DELETE FROM graphics WHERE vm_id = ?",
        "DELETE FROM consoles WHERE vm_id = ?",
    ] {
        rows += sqlx::query(sql)
            .bind(vm.to_string())
            .execute(&mut **tx)
            .await?
            .rows_affected();
    }
    Ok(rows)
}

async fn upsert_network(
    tx: &mut Tx<'_>,
    host: HostId,
    n: &NetworkInventory,
    hash: &str,
) -> Result<u64, StoreError> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO networks (host_id, uuid, name, forward_mode, bridge, virtualport_type, active, autostart, ip_ranges, config_hash) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (host_id, uuid) DO UPDATE SET name = excluded.name, \
         forward_mode = excluded.forward_mode, bridge = excluded.bridge, virtualport_type = excluded.virtualport_type, \
         active = excluded.active, autostart = excluded.autostart, ip_ranges = excluded.ip_ranges, config_hash = excluded.config_hash \
         RETURNING id",
    )
    .bind(host.to_string())
    .bind(&n.uuid)
    .bind(&n.name)
    .bind(&n.forward_mode)
    .bind(&n.bridge)
    .bind(&n.virtualport_type)
    .bind(n.active)
    .bind(n.autostart)
    .bind(json(&n.ip_ranges))
    .bind(hash)
    .fetch_one(&mut **tx)
    .await?;
    let mut rows = 1 + sqlx::query("DELETE FROM portgroups WHERE network_id = ?")
        .bind(id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    for p in &n.portgroups {
        sqlx::query("INSERT INTO portgroups (network_id, name, is_default, vlan_tags, trunk, native_vlan) VALUES (?, ?, ?, ?, ?, ?)")
            .bind(id)
            .bind(&p.name)
            .bind(p.is_default)
            .bind(json(&p.vlan_tags))
            .bind(p.trunk)
            .bind(p.native_vlan.map(i64::from))
            .execute(&mut **tx)
            .await?;
        rows += 1;
    }
    Ok(rows)
}

async fn upsert_pool(
    tx: &mut Tx<'_>,
    host: HostId,
    p: &StoragePoolInventory,
    hash: &str,
) -> Result<u64, StoreError> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO storage_pools (host_id, uuid, name, kind, active, autostart, path, capacity_bytes, allocation_bytes, \
         available_bytes, config_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (host_id, uuid) DO UPDATE SET \
         name = excluded.name, kind = excluded.kind, active = excluded.active, autostart = excluded.autostart, path = excluded.path, \
         capacity_bytes = excluded.capacity_bytes, allocation_bytes = excluded.allocation_bytes, \
         available_bytes = excluded.available_bytes, config_hash = excluded.config_hash RETURNING id",
    )
    .bind(host.to_string())
    .bind(&p.uuid)
    .bind(&p.name)
    .bind(&p.kind)
    .bind(p.active)
    .bind(p.autostart)
    .bind(&p.path)
    .bind(p.capacity_bytes.map(|v| v as i64))
    .bind(p.allocation_bytes.map(|v| v as i64))
    .bind(p.available_bytes.map(|v| v as i64))
    .bind(hash)
    .fetch_one(&mut **tx)
    .await?;
    let mut rows = 1 + sqlx::query("DELETE FROM volumes WHERE pool_id = ?")
        .bind(id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    rows += insert_volumes(tx, id, &p.volumes).await?;
    Ok(rows)
}

/// Binds the columns of `vms` an update sets, in this order: name, title,
/// description, state, persistent, autostart, vcpus, current_vcpus, memory_bytes, current_memory_bytes,
/// max_memory_bytes, firmware, os_type, arch, machine, cpu_mode, cpu_model, boot_devices, hardware,
/// config_hash.
macro_rules! bind_vm_columns {
    ($q:expr, $v:expr, $hash:expr) => {
        $q.bind(&$v.name)
            .bind(&$v.title)
            .bind(&$v.description)
            .bind($v.state.as_str())
            .bind($v.persistent)
            .bind($v.autostart)
            .bind(i64::from($v.vcpus))
            .bind(i64::from($v.current_vcpus))
            .bind($v.memory_bytes as i64)
            .bind($v.current_memory_bytes as i64)
            .bind($v.max_memory_bytes.map(|m| m as i64))
            .bind(&$v.firmware)
            .bind(&$v.os_type)
            .bind(&$v.arch)
            .bind(&$v.machine)
            .bind(&$v.cpu_mode)
            .bind(&$v.cpu_model)
            .bind(json(&$v.boot_devices))
            .bind(json(&$v.hardware))
            .bind($hash)
    };
}

/// Deletes networks or pools of a host by UUID; returns rows deleted.
async fn delete_by_uuid(
    tx: &mut Tx<'_>,
    sql: &'static str,
    host: HostId,
    uuids: &[String],
) -> Result<u64, StoreError> {
    let mut rows = 0;
    for uuid in uuids {
        rows += sqlx::query(sql)
            .bind(host.to_string())
            .bind(uuid)
            .execute(&mut **tx)
            .await?
            .rows_affected();
    }
    Ok(rows)
}

/// An open inventory transaction on SQLite. Dropped without [`InventoryWriter::commit`], it
/// rolls back.
pub(crate) struct SqliteInventoryWriter {
    tx: Tx<'static>,
    host: HostId,
    at: DateTime<Utc>,
    /// Some VM's disks were rewritten: storage objects may have lost their last user.
    orphans: bool,
    /// Rows written so far.
    written: u64,
    /// Woken after a large commit (a full pass can write thousands of pages); small ones,
    /// like a single VM's event, wait for its timer.
    checkpoints: Option<Arc<Checkpointer>>,
}

/// Rows from which a commit asks for a checkpoint right away.
const LARGE_COMMIT_ROWS: u64 = 1000;

impl SqliteInventoryWriter {
    pub(crate) fn new(
        tx: Tx<'static>,
        host: HostId,
        at: DateTime<Utc>,
        checkpoints: Option<Arc<Checkpointer>>,
    ) -> Self {
        Self {
            tx,
            host,
            at,
            orphans: false,
            written: 0,
            checkpoints,
        }
    }
}

#[async_trait]
impl InventoryWriter for SqliteInventoryWriter {
    async fn write(&mut self, b: &InventoryBatch) -> Result<u64, StoreError> {
        let (host, synced_at, tx) = (self.host, self.at, &mut self.tx);
        let mut rows = insert_vms(tx, host, &b.insert_vms, synced_at).await?;
        for (id, v, hash) in &b.update_vms {
            let q = sqlx::query(
                "UPDATE vms SET name = ?, title = ?, description = ?, state = ?, persistent = ?, autostart = ?, vcpus = ?, current_vcpus = ?, \
                 memory_bytes = ?, current_memory_bytes = ?, max_memory_bytes = ?, firmware = ?, os_type = ?, arch = ?, machine = ?, \
                 cpu_mode = ?, cpu_model = ?, boot_devices = ?, hardware = ?, config_hash = ?, gone_at = NULL, last_seen_at = ?, updated_at = ? \
                 WHERE id = ?",
            );
            rows += bind_vm_columns!(q, v, hash)
                .bind(synced_at)
                .bind(synced_at)
                .bind(id.to_string())
                .execute(&mut **tx)
                .await?
                .rows_affected();
            rows += delete_children(tx, *id).await?;
        }
        rows += insert_children(tx, host, &b.update_vms).await?;
        self.orphans |= !b.update_vms.is_empty();
        for (id, state) in &b.state_changes {
            rows += sqlx::query(
                "UPDATE vms SET state = ?, last_seen_at = ?, updated_at = ? WHERE id = ?",
            )
            .bind(state.as_str())
            .bind(synced_at)
            .bind(synced_at)
            .bind(id.to_string())
            .execute(&mut **tx)
            .await?
            .rows_affected();
        }
        for id in &b.gone_vms {
            rows += sqlx::query(
                "UPDATE vms SET gone_at = ?, updated_at = ? WHERE id = ? AND gone_at IS NULL",
            )
            .bind(synced_at)
            .bind(synced_at)
            .bind(id.to_string())
            .execute(&mut **tx)
            .await?
            .rows_affected();
        }
        for (n, hash) in &b.upsert_networks {
            rows += upsert_network(tx, host, n, hash).await?;
        }
        rows += delete_by_uuid(
            tx,
            "DELETE FROM networks WHERE host_id = ? AND uuid = ?",
            host,
            &b.remove_networks,
        )
        .await?;
        for (p, hash) in &b.upsert_pools {
            rows += upsert_pool(tx, host, p, hash).await?;
        }
        rows += delete_by_uuid(
            tx,
            "DELETE FROM storage_pools WHERE host_id = ? AND uuid = ?",
            host,
            &b.remove_pools,
        )
        .await?;
        self.written += rows;
        Ok(rows)
    }

    async fn commit(mut self: Box<Self>) -> Result<u64, StoreError> {
        let mut rows = 0;
        if self.orphans {
            // Storage objects no VM attaches any more.
            rows += sqlx::query(
                "DELETE FROM disks WHERE host_id = ? AND NOT EXISTS (SELECT 1 FROM disk_attachments a WHERE a.disk_id = disks.id)",
            )
            .bind(self.host.to_string())
            .execute(&mut *self.tx)
            .await?
            .rows_affected();
        }
        // The host's sync time is bookkeeping, not inventory: not counted. (The engine records
        // it again once the pass is over, as it does for passes that change nothing; here it
        // commits with the VMs it dates.)
        sqlx::query(
            "UPDATE hosts SET last_synced_at = ?, sync_error = NULL, sync_failed_at = NULL WHERE id = ?",
        )
            .bind(self.at)
            .bind(self.host.to_string())
            .execute(&mut *self.tx)
            .await?;
        self.tx.commit().await?;
        if let Some(c) = &self.checkpoints
            && self.written + rows >= LARGE_COMMIT_ROWS
        {
            c.wake();
        }
        Ok(rows)
    }
}
