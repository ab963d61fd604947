//! Bulk inserts of VMs and their children (disks, attachments, NICs, graphics, consoles) and of
//! pool volumes: one prepared statement per table, stepped once per row through SQLite's C API
//! (ADR 0011). Used for new VMs, for rewriting the children of changed ones and for pools.

use crate::StoreError;
use crate::sqlite_raw::{RawConn, Stmt, Val, blocking};
use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::{Sqlite, Transaction};
use std::collections::HashMap;
use virtumancer_model::{DiskInventory, HostId, VmId, VmInventory, VolumeInventory};

pub(crate) fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("serializing plain data cannot fail")
}

/// Inserts new VMs with their disks, attachments, NICs, graphics and consoles; returns rows
/// written.
pub async fn insert_vms(
    tx: &mut Transaction<'_, Sqlite>,
    host: HostId,
    vms: &[(VmId, VmInventory, String)],
    at: DateTime<Utc>,
) -> Result<u64, StoreError> {
    if vms.is_empty() {
        return Ok(0);
    }
    let conn = RawConn::new(tx.lock_handle().await?);
    blocking(|| {
        let ids = vm_ids(vms);
        Ok(write_vms(&conn, host, vms, &ids, at)? + write_children(&conn, host, vms, &ids)?)
    })
}

/// Inserts the disks (upserted, shared by key), attachments, NICs, graphics and consoles of `vms`, whose
/// previous children, if any, are already deleted; returns rows written.
pub async fn insert_children(
    tx: &mut Transaction<'_, Sqlite>,
    host: HostId,
    vms: &[(VmId, VmInventory, String)],
) -> Result<u64, StoreError> {
    if vms.is_empty() {
        return Ok(0);
    }
    let conn = RawConn::new(tx.lock_handle().await?);
    blocking(|| write_children(&conn, host, vms, &vm_ids(vms)))
}

/// Inserts the volumes of one pool, whose previous volumes are already deleted.
pub async fn insert_volumes(
    tx: &mut Transaction<'_, Sqlite>,
    pool: i64,
    volumes: &[VolumeInventory],
) -> Result<u64, StoreError> {
    if volumes.is_empty() {
        return Ok(0);
    }
    let conn = RawConn::new(tx.lock_handle().await?);
    blocking(|| {
        let mut stmt = conn.prepare(
            "INSERT INTO volumes (pool_id, name, vol_key, path, format, capacity_bytes, allocation_bytes) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )?;
        for v in volumes {
            stmt.run(&[
                pool.into(),
                (&v.name).into(),
                (&v.key).into(),
                (&v.path).into(),
                (&v.format).into(),
                (v.capacity_bytes as i64).into(),
                v.allocation_bytes.map(|a| a as i64).into(),
            ])?;
        }
        Ok(volumes.len() as u64)
    })
}

fn vm_ids(vms: &[(VmId, VmInventory, String)]) -> Vec<String> {
    vms.iter().map(|(id, _, _)| id.to_string()).collect()
}

fn write_vms(
    conn: &RawConn<'_>,
    host: HostId,
    vms: &[(VmId, VmInventory, String)],
    ids: &[String],
    at: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let host = host.to_string();
    // Formatted once, as sqlx formats a `DateTime<Utc>`, so that reads parse it the same way.
    let at = at.to_rfc3339_opts(SecondsFormat::AutoSi, false);
    let mut stmt = conn.prepare(
        "INSERT INTO vms (id, host_id, uuid, name, title, description, state, persistent, autostart, vcpus, \
         current_vcpus, memory_bytes, current_memory_bytes, max_memory_bytes, firmware, os_type, arch, machine, cpu_mode, \
         cpu_model, boot_devices, hardware, config_hash, last_seen_at, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )?;
    for ((_, v, hash), id) in vms.iter().zip(ids) {
        let boot = json(&v.boot_devices);
        let hardware = json(&v.hardware);
        stmt.run(&[
            id.into(),
            host.as_str().into(),
            (&v.uuid).into(),
            (&v.name).into(),
            (&v.title).into(),
            (&v.description).into(),
            v.state.as_str().into(),
            v.persistent.into(),
            v.autostart.into(),
            i64::from(v.vcpus).into(),
            i64::from(v.current_vcpus).into(),
            (v.memory_bytes as i64).into(),
            (v.current_memory_bytes as i64).into(),
            v.max_memory_bytes.map(|m| m as i64).into(),
            (&v.firmware).into(),
            (&v.os_type).into(),
            (&v.arch).into(),
            (&v.machine).into(),
            (&v.cpu_mode).into(),
            (&v.cpu_model).into(),
            boot.as_str().into(),
            hardware.as_str().into(),
            hash.into(),
            at.as_str().into(),
            at.as_str().into(),
            at.as_str().into(),
        ])?;
    }
    Ok(vms.len() as u64)
}

fn write_children(
    conn: &RawConn<'_>,
    host: HostId,
    vms: &[(VmId, VmInventory, String)],
    vm_ids: &[String],
) -> Result<u64, StoreError> {
    let mut disks = Disks {
        conn,
        insert: conn.prepare(
            "INSERT INTO disks (kind, source_path, pool, volume, protocol, remote_name, format, capacity_bytes, \
             allocation_bytes, host_id, source_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (host_id, source_key) DO NOTHING",
        )?,
        update: None,
        host: host.to_string(),
        ids: HashMap::new(),
    };
    let mut attach = conn.prepare(
        "INSERT INTO disk_attachments (vm_id, ordinal, disk_id, device, target, bus, readonly, shareable, boot_order, serial) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )?;
    let mut nic = conn.prepare(
        "INSERT INTO nics (vm_id, ordinal, kind, mac, model, network, bridge, portgroup, source_dev, source_mode, vlan_tags, \
         trunk, native_vlan, virtualport_type, interface_id, target_dev, link_state) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )?;
    let mut graphics = conn.prepare(
        "INSERT INTO graphics (vm_id, ordinal, kind, port, autoport, listen, has_password) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )?;
    let mut console = conn.prepare(
        "INSERT INTO consoles (vm_id, ordinal, kind, target_type, port, source_type, source) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )?;
    let mut rows = 0;
    for ((_, v, _), id) in vms.iter().zip(vm_ids) {
        for (i, d) in v.disks.iter().enumerate() {
            let (disk_id, written) = disks.upsert(d)?;
            rows += written;
            attach.run(&[
                id.into(),
                (i as i64).into(),
                disk_id.into(),
                (&d.device).into(),
                (&d.target).into(),
                (&d.bus).into(),
                d.readonly.into(),
                d.shareable.into(),
                d.boot_order.map(i64::from).into(),
                (&d.serial).into(),
            ])?;
            rows += 1;
        }
        for (i, n) in v.nics.iter().enumerate() {
            let tags = json(&n.vlan_tags);
            nic.run(&[
                id.into(),
                (i as i64).into(),
                (&n.kind).into(),
                (&n.mac).into(),
                (&n.model).into(),
                (&n.network).into(),
                (&n.bridge).into(),
                (&n.portgroup).into(),
                (&n.source_dev).into(),
                (&n.source_mode).into(),
                tags.as_str().into(),
                n.trunk.into(),
                n.native_vlan.map(i64::from).into(),
                (&n.virtualport_type).into(),
                (&n.interface_id).into(),
                (&n.target_dev).into(),
                (&n.link_state).into(),
            ])?;
            rows += 1;
        }
        for (i, g) in v.graphics.iter().enumerate() {
            graphics.run(&[
                id.into(),
                (i as i64).into(),
                (&g.kind).into(),
                g.port.map(i64::from).into(),
                g.autoport.into(),
                (&g.listen).into(),
                g.has_password.into(),
            ])?;
            rows += 1;
        }
        for (i, c) in v.consoles.iter().enumerate() {
            console.run(&[
                id.into(),
                (i as i64).into(),
                (&c.kind).into(),
                (&c.target_type).into(),
                c.port.map(i64::from).into(),
                (&c.source_type).into(),
                (&c.source).into(),
            ])?;
            rows += 1;
        }
    }
    Ok(rows)
}

/// Storage objects of one write: each upserted once, however many VMs attach it.
struct Disks<'c> {
    conn: &'c RawConn<'c>,
    insert: Stmt<'c>,
    /// For a storage object already stored (a changed VM's, or one shared with a VM of an
    /// earlier write): prepared when first needed.
    update: Option<Stmt<'c>>,
    host: String,
    ids: HashMap<String, i64>,
}

impl Disks<'_> {
    /// The row id of `d`'s storage object (`None` for an empty drive) and the rows written.
    fn upsert(&mut self, d: &DiskInventory) -> Result<(Option<i64>, u64), StoreError> {
        let Some(key) = crate::sqlite_inventory::source_key(d) else {
            return Ok((None, 0));
        };
        if let Some(id) = self.ids.get(&key) {
            return Ok((Some(*id), 0));
        }
        // The insert and the update take the same values in the same order.
        let vals: [Val<'_>; 11] = [
            (&d.kind).into(),
            (&d.source_path).into(),
            (&d.pool).into(),
            (&d.volume).into(),
            (&d.protocol).into(),
            (&d.remote_name).into(),
            (&d.format).into(),
            d.capacity_bytes.map(|v| v as i64).into(),
            d.allocation_bytes.map(|v| v as i64).into(),
            self.host.as_str().into(),
            key.as_str().into(),
        ];
        let id = match self.insert.insert(&vals)? {
            Some(id) => id,
            None => {
                let update = match &mut self.update {
                    Some(u) => u,
                    None => self.update.insert(self.conn.prepare(
                        "UPDATE disks SET kind = ?, source_path = ?, pool = ?, volume = ?, protocol = ?, \
                         remote_name = ?, format = ?, capacity_bytes = ?, allocation_bytes = ? \
                         WHERE host_id = ? AND source_key = ? RETURNING id",
                    )?),
                };
                update.run(&vals)?.ok_or_else(|| StoreError::Corrupt {
                    column: "disks.id",
                    message: "the stored disk the insert conflicted with was not found".into(),
                })?
            }
        };
        self.ids.insert(key, id);
        Ok((Some(id), 1))
    }
}
