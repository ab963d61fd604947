//! Multi-row inserts of VMs and their children (disks, attachments, NICs, graphics): one
//! statement per few hundred rows instead of one per row. Used for new VMs and for rewriting
//! the children of changed ones.

use crate::StoreError;
use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, Sqlite, Transaction};
use std::collections::HashMap;
use virtumancer_model::{DiskInventory, HostId, VmId, VmInventory};

/// Rows per statement; SQLite allows 32,766 bound values, the widest table binds 24 per row.
pub(crate) const CHUNK: usize = 400;

pub(crate) fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("serializing plain data cannot fail")
}

/// Inserts new VMs with their disks, attachments, NICs and graphics; returns rows written.
pub async fn insert_vms(
    tx: &mut Transaction<'_, Sqlite>,
    host: HostId,
    vms: &[(VmId, VmInventory, String)],
    at: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let host_s = host.to_string();
    let mut rows = 0;
    for chunk in vms.chunks(CHUNK) {
        let mut q = QueryBuilder::<Sqlite>::new(
            "INSERT INTO vms (id, host_id, uuid, name, title, description, state, persistent, vcpus, current_vcpus, \
             memory_bytes, current_memory_bytes, max_memory_bytes, firmware, os_type, arch, machine, cpu_mode, cpu_model, \
             boot_devices, config_hash, last_seen_at, created_at, updated_at) ",
        );
        q.push_values(chunk, |mut b, (id, v, hash)| {
            b.push_bind(id.to_string())
                .push_bind(host_s.clone())
                .push_bind(v.uuid.clone())
                .push_bind(v.name.clone())
                .push_bind(v.title.clone())
                .push_bind(v.description.clone())
                .push_bind(v.state.as_str())
                .push_bind(v.persistent)
                .push_bind(i64::from(v.vcpus))
                .push_bind(i64::from(v.current_vcpus))
                .push_bind(v.memory_bytes as i64)
                .push_bind(v.current_memory_bytes as i64)
                .push_bind(v.max_memory_bytes.map(|m| m as i64))
                .push_bind(v.firmware.clone())
                .push_bind(v.os_type.clone())
                .push_bind(v.arch.clone())
                .push_bind(v.machine.clone())
                .push_bind(v.cpu_mode.clone())
                .push_bind(v.cpu_model.clone())
                .push_bind(json(&v.boot_devices))
                .push_bind(hash.clone())
                .push_bind(at)
                .push_bind(at)
                .push_bind(at);
        });
        rows += q.build().execute(&mut **tx).await?.rows_affected();
    }
    Ok(rows + insert_children(tx, host, vms).await?)
}

/// Inserts the disks (upserted, shared by key), attachments, NICs and graphics of `vms`, whose
/// previous children, if any, are already deleted; returns rows written.
pub async fn insert_children(
    tx: &mut Transaction<'_, Sqlite>,
    host: HostId,
    vms: &[(VmId, VmInventory, String)],
) -> Result<u64, StoreError> {
    let host_s = host.to_string();
    let mut rows = 0;
    // Storage objects, once each even when several VMs share them.
    let mut disks: HashMap<String, &DiskInventory> = HashMap::new();
    for (_, v, _) in vms {
        for d in &v.disks {
            if let Some(key) = crate::sqlite_inventory::source_key(d) {
                disks.entry(key).or_insert(d);
            }
        }
    }
    let disks: Vec<(String, &DiskInventory)> = disks.into_iter().collect();
    // The upsert returns the id of every row it inserted or updated: no second lookup.
    let mut ids: HashMap<String, i64> = HashMap::new();
    for chunk in disks.chunks(CHUNK) {
        let mut q = QueryBuilder::<Sqlite>::new(
            "INSERT INTO disks (host_id, source_key, kind, source_path, pool, volume, protocol, remote_name, format, \
             capacity_bytes, allocation_bytes) ",
        );
        q.push_values(chunk, |mut b, (key, d)| {
            b.push_bind(host_s.clone())
                .push_bind(key.clone())
                .push_bind(d.kind.clone())
                .push_bind(d.source_path.clone())
                .push_bind(d.pool.clone())
                .push_bind(d.volume.clone())
                .push_bind(d.protocol.clone())
                .push_bind(d.remote_name.clone())
                .push_bind(d.format.clone())
                .push_bind(d.capacity_bytes.map(|v| v as i64))
                .push_bind(d.allocation_bytes.map(|v| v as i64));
        });
        q.push(
            " ON CONFLICT (host_id, source_key) DO UPDATE SET kind = excluded.kind, source_path = excluded.source_path, \
             pool = excluded.pool, volume = excluded.volume, protocol = excluded.protocol, remote_name = excluded.remote_name, \
             format = excluded.format, capacity_bytes = excluded.capacity_bytes, allocation_bytes = excluded.allocation_bytes \
             RETURNING id, source_key",
        );
        let written: Vec<(i64, String)> = q.build_query_as().fetch_all(&mut **tx).await?;
        rows += written.len() as u64;
        ids.extend(written.into_iter().map(|(id, key)| (key, id)));
    }

    let attachments: Vec<(VmId, usize, &DiskInventory)> = vms
        .iter()
        .flat_map(|(id, v, _)| v.disks.iter().enumerate().map(move |(i, d)| (*id, i, d)))
        .collect();
    for chunk in attachments.chunks(CHUNK) {
        let mut q = QueryBuilder::<Sqlite>::new(
            "INSERT INTO disk_attachments (vm_id, ordinal, disk_id, device, target, bus, readonly, shareable, boot_order, serial) ",
        );
        q.push_values(chunk, |mut b, (vm, i, d)| {
            let disk_id = crate::sqlite_inventory::source_key(d).and_then(|k| ids.get(&k).copied());
            b.push_bind(vm.to_string())
                .push_bind(*i as i64)
                .push_bind(disk_id)
                .push_bind(d.device.clone())
                .push_bind(d.target.clone())
                .push_bind(d.bus.clone())
                .push_bind(d.readonly)
                .push_bind(d.shareable)
                .push_bind(d.boot_order.map(i64::from))
                .push_bind(d.serial.clone());
        });
        rows += q.build().execute(&mut **tx).await?.rows_affected();
    }

    let nics: Vec<_> = vms
        .iter()
        .flat_map(|(id, v, _)| v.nics.iter().enumerate().map(move |(i, n)| (*id, i, n)))
        .collect();
    for chunk in nics.chunks(CHUNK) {
        let mut q = QueryBuilder::<Sqlite>::new(
            "INSERT INTO nics (vm_id, ordinal, kind, mac, model, network, bridge, portgroup, source_dev, source_mode, vlan_tags, \
             trunk, native_vlan, virtualport_type, interface_id, target_dev, link_state) ",
        );
        q.push_values(chunk, |mut b, (vm, i, n)| {
            b.push_bind(vm.to_string())
                .push_bind(*i as i64)
                .push_bind(n.kind.clone())
                .push_bind(n.mac.clone())
                .push_bind(n.model.clone())
                .push_bind(n.network.clone())
                .push_bind(n.bridge.clone())
                .push_bind(n.portgroup.clone())
                .push_bind(n.source_dev.clone())
                .push_bind(n.source_mode.clone())
                .push_bind(json(&n.vlan_tags))
                .push_bind(n.trunk)
                .push_bind(n.native_vlan.map(i64::from))
                .push_bind(n.virtualport_type.clone())
                .push_bind(n.interface_id.clone())
                .push_bind(n.target_dev.clone())
                .push_bind(n.link_state.clone());
        });
        rows += q.build().execute(&mut **tx).await?.rows_affected();
    }

    let graphics: Vec<_> = vms
        .iter()
        .flat_map(|(id, v, _)| v.graphics.iter().enumerate().map(move |(i, g)| (*id, i, g)))
        .collect();
    for chunk in graphics.chunks(CHUNK) {
        let mut q = QueryBuilder::<Sqlite>::new(
            "INSERT INTO graphics (vm_id, ordinal, kind, port, autoport, listen, has_password) ",
        );
        q.push_values(chunk, |mut b, (vm, i, g)| {
            b.push_bind(vm.to_string())
                .push_bind(*i as i64)
                .push_bind(g.kind.clone())
                .push_bind(g.port)
                .push_bind(g.autoport)
                .push_bind(g.listen.clone())
                .push_bind(g.has_password);
        });
        rows += q.build().execute(&mut **tx).await?.rows_affected();
    }
    Ok(rows)
}
