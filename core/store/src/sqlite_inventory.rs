//! The SQLite implementation of the inventory repository.

use crate::inventory_repository::{
    HashedItem, InventoryRepository, InventoryWriter, VmPage, VmQuery, VmSort, VmSyncState,
};
use crate::sqlite_inventory_writer::SqliteInventoryWriter;
use crate::{SqliteStore, StoreError};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;
use virtumancer_model::{
    ConsoleInventory, DiskInventory, GraphicsInventory, HostId, HostVmCounts, NicInventory,
    PowerState, Vm, VmDetail, VmId,
};

pub(crate) fn corrupt(column: &'static str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt {
        column,
        message: e.to_string(),
    }
}

/// The identity of a disk's storage object, shared by every VM that attaches it; `None` for
/// an empty drive.
pub(crate) fn source_key(d: &DiskInventory) -> Option<String> {
    if let Some(p) = &d.source_path {
        return Some(p.clone());
    }
    if let (Some(pool), Some(vol)) = (&d.pool, &d.volume) {
        return Some(format!("volume:{pool}/{vol}"));
    }
    d.protocol
        .as_ref()
        .map(|p| format!("{p}:{}", d.remote_name.as_deref().unwrap_or("")))
}

/// `SELECT <vm columns + host name> FROM vms JOIN hosts …` as one static string.
macro_rules! select_vms {
    ($tail:literal) => {
        concat!(
            "SELECT v.id, v.host_id, h.name AS host_name, v.uuid, v.name, v.title, v.description, v.state, v.persistent, v.autostart, ",
            "v.managed, v.dismissed, v.vcpus, v.current_vcpus, v.memory_bytes, v.current_memory_bytes, v.firmware, v.os_type, ",
            "v.config_hash, v.gone_at, v.last_seen_at, v.created_at, v.updated_at, h.last_synced_at, v.max_memory_bytes, ",
            "v.arch, v.machine, v.cpu_mode, v.cpu_model, v.boot_devices, v.hardware FROM vms v JOIN hosts h ON h.id = v.host_id ",
            $tail
        )
    };
}

/// The filter shared by the VM list and its count (parameters ?1…?6).
macro_rules! vm_filter {
    () => {
        "WHERE (?1 IS NULL OR v.host_id = ?1) AND (?2 IS NULL OR v.managed = ?2) AND (?3 OR v.dismissed = 0) \
         AND (?4 OR v.gone_at IS NULL) AND (?5 IS NULL OR v.state = ?5) \
         AND (?6 IS NULL OR v.name LIKE '%' || ?6 || '%' ESCAPE '\\' OR v.uuid LIKE ?6 || '%' ESCAPE '\\') "
    };
}

/// Per host: its present VMs counted, and the vCPUs and memory of all of them and of the active
/// ones (the states `PowerState::is_active` names, spelled out here from the model).
static VM_COUNTS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let active = PowerState::ALL
        .into_iter()
        .filter(|s| s.is_active())
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "SELECT host_id, COUNT(*) AS vms, SUM(state = 'running') AS running, \
         SUM(state = 'shutoff') AS shutoff, SUM(managed) AS managed, \
         SUM(managed = 0 AND dismissed = 0) AS discovered, SUM(active) AS active, \
         SUM(current_vcpus) AS vcpus, SUM(current_memory_bytes) AS memory_bytes, \
         SUM(active * current_vcpus) AS active_vcpus, \
         SUM(active * current_memory_bytes) AS active_memory_bytes \
         FROM (SELECT *, state IN ({active}) AS active FROM vms WHERE gone_at IS NULL) \
         GROUP BY host_id"
    )
});

fn vm_from_row(r: &SqliteRow) -> Result<Vm, StoreError> {
    let gone_at: Option<DateTime<Utc>> = r.try_get("gone_at")?;
    let host_synced: Option<DateTime<Utc>> = r.try_get("last_synced_at")?;
    let seen: DateTime<Utc> = r.try_get("last_seen_at")?;
    let state: String = r.try_get("state")?;
    let id: String = r.try_get("id")?;
    let host_id: String = r.try_get("host_id")?;
    Ok(Vm {
        id: id.parse().map_err(|e| corrupt("vms.id", e))?,
        host_id: host_id.parse().map_err(|e| corrupt("vms.host_id", e))?,
        host_name: r.try_get("host_name")?,
        uuid: r.try_get("uuid")?,
        name: r.try_get("name")?,
        title: r.try_get("title")?,
        description: r.try_get("description")?,
        state: PowerState::parse(&state).ok_or_else(|| corrupt("vms.state", &state))?,
        persistent: r.try_get("persistent")?,
        autostart: r.try_get("autostart")?,
        managed: r.try_get("managed")?,
        dismissed: r.try_get("dismissed")?,
        vcpus: r.try_get::<i64, _>("vcpus")? as u32,
        current_vcpus: r.try_get::<i64, _>("current_vcpus")? as u32,
        memory_bytes: r.try_get::<i64, _>("memory_bytes")? as u64,
        current_memory_bytes: r.try_get::<i64, _>("current_memory_bytes")? as u64,
        firmware: r.try_get("firmware")?,
        os_type: r.try_get("os_type")?,
        config_hash: r.try_get("config_hash")?,
        // A present VM was seen at its host's last sync; a gone one when it was last present.
        last_seen_at: if gone_at.is_none() {
            host_synced.map_or(seen, |h| h.max(seen))
        } else {
            seen
        },
        gone_at,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// A `nics` row as the driver reported it.
pub(crate) fn nic_from_row(r: &SqliteRow) -> Result<NicInventory, StoreError> {
    Ok(NicInventory {
        kind: r.try_get("kind")?,
        mac: r.try_get("mac")?,
        model: r.try_get("model")?,
        network: r.try_get("network")?,
        bridge: r.try_get("bridge")?,
        portgroup: r.try_get("portgroup")?,
        source_dev: r.try_get("source_dev")?,
        source_mode: r.try_get("source_mode")?,
        vlan_tags: parse_json("nics.vlan_tags", &r.try_get::<String, _>("vlan_tags")?)?,
        trunk: r.try_get("trunk")?,
        native_vlan: r
            .try_get::<Option<i64>, _>("native_vlan")?
            .and_then(|v| u16::try_from(v).ok()),
        virtualport_type: r.try_get("virtualport_type")?,
        interface_id: r.try_get("interface_id")?,
        target_dev: r.try_get("target_dev")?,
        link_state: r.try_get("link_state")?,
        plugin_kind: None,
    })
}

pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    column: &'static str,
    s: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(s).map_err(|e| corrupt(column, e))
}

/// The rows `sql` selects for one VM (its one parameter), each turned into a `T` by
/// `from_row`.
async fn vm_rows<T>(
    conn: &mut sqlx::SqliteConnection,
    sql: &'static str,
    vm: VmId,
    from_row: impl Fn(&SqliteRow) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    sqlx::query(sql)
        .bind(vm.to_string())
        .fetch_all(conn)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

fn disk_from_row(r: &SqliteRow) -> Result<DiskInventory, StoreError> {
    Ok(DiskInventory {
        device: r.try_get("device")?,
        kind: r
            .try_get::<Option<String>, _>("kind")?
            .unwrap_or_else(|| "file".into()),
        target: r.try_get("target")?,
        bus: r.try_get("bus")?,
        source_path: r.try_get("source_path")?,
        pool: r.try_get("pool")?,
        volume: r.try_get("volume")?,
        protocol: r.try_get("protocol")?,
        remote_name: r.try_get("remote_name")?,
        format: r.try_get("format")?,
        readonly: r.try_get("readonly")?,
        shareable: r.try_get("shareable")?,
        boot_order: r.try_get::<Option<i64>, _>("boot_order")?.map(|v| v as u32),
        serial: r.try_get("serial")?,
        capacity_bytes: r
            .try_get::<Option<i64>, _>("capacity_bytes")?
            .map(|v| v as u64),
        allocation_bytes: r
            .try_get::<Option<i64>, _>("allocation_bytes")?
            .map(|v| v as u64),
    })
}

fn graphics_from_row(r: &SqliteRow) -> Result<GraphicsInventory, StoreError> {
    Ok(GraphicsInventory {
        kind: r.try_get("kind")?,
        port: r.try_get("port")?,
        autoport: r.try_get("autoport")?,
        listen: r.try_get("listen")?,
        has_password: r.try_get("has_password")?,
    })
}

fn console_from_row(r: &SqliteRow) -> Result<ConsoleInventory, StoreError> {
    Ok(ConsoleInventory {
        kind: r.try_get("kind")?,
        target_type: r.try_get("target_type")?,
        port: r
            .try_get::<Option<i64>, _>("port")?
            .map(|p| u32::try_from(p).map_err(|e| corrupt("consoles.port", e)))
            .transpose()?,
        source_type: r.try_get("source_type")?,
        source: r.try_get("source")?,
    })
}

/// Stored sync states of a host's VMs, or of the one with `uuid`.
async fn sync_states(
    pool: &sqlx::SqlitePool,
    host: HostId,
    uuid: Option<&str>,
) -> Result<Vec<VmSyncState>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, uuid, name, config_hash, state, gone_at IS NOT NULL AS gone FROM vms WHERE host_id = ?1 AND (?2 IS NULL OR uuid = ?2)",
    )
    .bind(host.to_string())
    .bind(uuid)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            let id: String = r.try_get("id")?;
            let state: String = r.try_get("state")?;
            Ok(VmSyncState {
                id: id.parse().map_err(|e| corrupt("vms.id", e))?,
                uuid: r.try_get("uuid")?,
                name: r.try_get("name")?,
                config_hash: r.try_get("config_hash")?,
                state: PowerState::parse(&state).ok_or_else(|| corrupt("vms.state", &state))?,
                gone: r.try_get("gone")?,
            })
        })
        .collect()
}

/// Sets a flag on each VM with `sql` (binds: flag, now, id; returns `host_id`), in one
/// transaction; returns the VMs that exist with their host.
async fn mark(
    pool: &sqlx::SqlitePool,
    sql: &'static str,
    ids: &[VmId],
    flag: bool,
) -> Result<Vec<(VmId, HostId)>, StoreError> {
    let mut tx = pool.begin().await?;
    let now = Utc::now();
    let mut found = Vec::new();
    for id in ids {
        let host: Option<String> = sqlx::query_scalar(sql)
            .bind(flag)
            .bind(now)
            .bind(id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(h) = host {
            found.push((*id, h.parse().map_err(|e| corrupt("vms.host_id", e))?));
        }
    }
    tx.commit().await?;
    Ok(found)
}

/// `(uuid, config_hash)` rows of networks or pools of a host.
async fn hashed_items(
    pool: &sqlx::SqlitePool,
    sql: &'static str,
    host: HostId,
) -> Result<Vec<HashedItem>, StoreError> {
    Ok(sqlx::query_as::<_, (String, String)>(sql)
        .bind(host.to_string())
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(|(uuid, config_hash)| HashedItem { uuid, config_hash })
        .collect())
}

#[async_trait]
impl InventoryRepository for SqliteStore {
    async fn vm_sync_states(&self, host: HostId) -> Result<Vec<VmSyncState>, StoreError> {
        sync_states(&self.pool, host, None).await
    }

    async fn vm_sync_state(
        &self,
        host: HostId,
        uuid: &str,
    ) -> Result<Option<VmSyncState>, StoreError> {
        Ok(sync_states(&self.pool, host, Some(uuid)).await?.pop())
    }

    async fn network_hashes(&self, host: HostId) -> Result<Vec<HashedItem>, StoreError> {
        hashed_items(
            &self.pool,
            "SELECT uuid, config_hash FROM networks WHERE host_id = ?",
            host,
        )
        .await
    }

    async fn pool_hashes(&self, host: HostId) -> Result<Vec<HashedItem>, StoreError> {
        hashed_items(
            &self.pool,
            "SELECT uuid, config_hash FROM storage_pools WHERE host_id = ?",
            host,
        )
        .await
    }

    async fn begin_inventory(
        &self,
        host: HostId,
        synced_at: DateTime<Utc>,
    ) -> Result<Box<dyn InventoryWriter>, StoreError> {
        // Deferred: the write lock is taken by the first batch, not while the caller waits
        // for it.
        let tx = self.pool.begin().await?;
        Ok(Box::new(SqliteInventoryWriter::new(
            tx,
            host,
            synced_at,
            self.checkpoints.clone(),
        )))
    }

    async fn list_vms(&self, q: &VmQuery) -> Result<VmPage, StoreError> {
        let search = q.search.as_ref().map(|s| {
            s.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        });
        let host = q.host.map(|h| h.to_string());
        let state = q.state.map(PowerState::as_str);
        // One read transaction: the page and its total come from the same snapshot even while
        // a sync commits.
        let mut tx = self.pool.begin().await?;
        macro_rules! page {
            ($order:literal) => {
                sqlx::query(concat!(
                    select_vms!(""),
                    vm_filter!(),
                    $order,
                    " LIMIT ?7 OFFSET ?8"
                ))
            };
        }
        let query = match q.sort {
            VmSort::Name => page!("ORDER BY v.name COLLATE NOCASE, h.name, v.id"),
            VmSort::NameDesc => page!("ORDER BY v.name COLLATE NOCASE DESC, h.name, v.id"),
            VmSort::Host => page!("ORDER BY h.name COLLATE NOCASE, v.name COLLATE NOCASE, v.id"),
            VmSort::HostDesc => {
                page!("ORDER BY h.name COLLATE NOCASE DESC, v.name COLLATE NOCASE, v.id")
            }
            VmSort::State => page!("ORDER BY v.state, v.name COLLATE NOCASE, v.id"),
            VmSort::StateDesc => page!("ORDER BY v.state DESC, v.name COLLATE NOCASE, v.id"),
            VmSort::Created => page!("ORDER BY v.created_at DESC, v.id"),
            VmSort::CreatedAsc => page!("ORDER BY v.created_at, v.id"),
            VmSort::Memory => page!("ORDER BY v.memory_bytes DESC, v.name COLLATE NOCASE, v.id"),
            VmSort::MemoryAsc => page!("ORDER BY v.memory_bytes, v.name COLLATE NOCASE, v.id"),
        };
        let rows = query
            .bind(&host)
            .bind(q.managed)
            .bind(q.include_dismissed)
            .bind(q.include_gone)
            .bind(state)
            .bind(&search)
            .bind(i64::from(q.limit))
            .bind(i64::from(q.offset))
            .fetch_all(&mut *tx)
            .await?;
        let total: i64 = sqlx::query_scalar(concat!("SELECT COUNT(*) FROM vms v ", vm_filter!()))
            .bind(&host)
            .bind(q.managed)
            .bind(q.include_dismissed)
            .bind(q.include_gone)
            .bind(state)
            .bind(&search)
            .fetch_one(&mut *tx)
            .await?;
        Ok(VmPage {
            items: rows.iter().map(vm_from_row).collect::<Result<_, _>>()?,
            total: total as u64,
        })
    }

    async fn vm_counts(&self) -> Result<Vec<HostVmCounts>, StoreError> {
        let rows = sqlx::query(VM_COUNTS.as_str())
            .fetch_all(&self.pool)
            .await?;
        let count = |r: &SqliteRow, column: &'static str| -> Result<u64, StoreError> {
            let n: i64 = r.try_get(column)?;
            u64::try_from(n).map_err(|e| corrupt(column, e))
        };
        rows.iter()
            .map(|r| {
                let host: String = r.try_get("host_id")?;
                Ok(HostVmCounts {
                    host_id: host.parse().map_err(|e| corrupt("vms.host_id", e))?,
                    vms: count(r, "vms")?,
                    running: count(r, "running")?,
                    shutoff: count(r, "shutoff")?,
                    managed: count(r, "managed")?,
                    discovered: count(r, "discovered")?,
                    active: count(r, "active")?,
                    vcpus: count(r, "vcpus")?,
                    memory_bytes: count(r, "memory_bytes")?,
                    active_vcpus: count(r, "active_vcpus")?,
                    active_memory_bytes: count(r, "active_memory_bytes")?,
                })
            })
            .collect()
    }

    async fn get_vm(&self, id: VmId) -> Result<Option<VmDetail>, StoreError> {
        // One snapshot for the VM and its disks, NICs, graphics and consoles.
        let mut tx = self.pool.begin().await?;
        let Some(row) = sqlx::query(select_vms!("WHERE v.id = ?"))
            .bind(id.to_string())
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(None);
        };
        let vm = vm_from_row(&row)?;
        let disks = "SELECT a.device, a.target, a.bus, a.readonly, a.shareable, a.boot_order, a.serial, d.kind, d.source_path, d.pool, \
             d.volume, d.protocol, d.remote_name, d.format, d.capacity_bytes, d.allocation_bytes \
             FROM disk_attachments a LEFT JOIN disks d ON d.id = a.disk_id WHERE a.vm_id = ? ORDER BY a.ordinal";
        let disks = vm_rows(&mut tx, disks, id, disk_from_row).await?;
        let nics = "SELECT * FROM nics WHERE vm_id = ? ORDER BY ordinal";
        let nics = vm_rows(&mut tx, nics, id, nic_from_row).await?;
        let graphics = "SELECT * FROM graphics WHERE vm_id = ? ORDER BY ordinal";
        let graphics = vm_rows(&mut tx, graphics, id, graphics_from_row).await?;
        let consoles = "SELECT * FROM consoles WHERE vm_id = ? ORDER BY ordinal";
        let consoles = vm_rows(&mut tx, consoles, id, console_from_row).await?;
        Ok(Some(VmDetail {
            vm,
            max_memory_bytes: row
                .try_get::<Option<i64>, _>("max_memory_bytes")?
                .map(|v| v as u64),
            arch: row.try_get("arch")?,
            machine: row.try_get("machine")?,
            cpu_mode: row.try_get("cpu_mode")?,
            cpu_model: row.try_get("cpu_model")?,
            boot_devices: parse_json(
                "vms.boot_devices",
                &row.try_get::<String, _>("boot_devices")?,
            )?,
            disks,
            nics,
            graphics,
            consoles,
            hardware: parse_json("vms.hardware", &row.try_get::<String, _>("hardware")?)?,
        }))
    }

    async fn vms_by_ids(&self, ids: &[VmId]) -> Result<Vec<Vm>, StoreError> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(select_vms!("WHERE v.id IN ("));
            let mut list = q.separated(", ");
            for id in chunk {
                list.push_bind(id.to_string());
            }
            q.push(")");
            for row in q.build().fetch_all(&self.pool).await? {
                out.push(vm_from_row(&row)?);
            }
        }
        Ok(out)
    }

    async fn set_managed(
        &self,
        ids: &[VmId],
        managed: bool,
    ) -> Result<Vec<(VmId, HostId)>, StoreError> {
        // Managing a VM also un-dismisses it.
        mark(&self.pool, "UPDATE vms SET managed = ?, dismissed = 0, updated_at = ? WHERE id = ? RETURNING host_id", ids, managed).await
    }

    async fn import_all(&self, host: HostId) -> Result<Vec<VmId>, StoreError> {
        let ids: Vec<String> = sqlx::query_scalar(
            "UPDATE vms SET managed = 1, updated_at = ? WHERE host_id = ? AND managed = 0 AND dismissed = 0 AND gone_at IS NULL RETURNING id",
        )
        .bind(Utc::now())
        .bind(host.to_string())
        .fetch_all(&self.pool)
        .await?;
        ids.iter()
            .map(|s| s.parse().map_err(|e| corrupt("vms.id", e)))
            .collect()
    }

    async fn set_dismissed(
        &self,
        ids: &[VmId],
        dismissed: bool,
    ) -> Result<Vec<(VmId, HostId)>, StoreError> {
        mark(
            &self.pool,
            "UPDATE vms SET dismissed = ?, updated_at = ? WHERE id = ? RETURNING host_id",
            ids,
            dismissed,
        )
        .await
    }
}
