//! [`NetworkRepository`] on SQLite.

use crate::network_repository::{NetworkRepository, PortPage, PortQuery, PortSort};
use crate::sqlite_inventory::{corrupt, nic_from_row, parse_json};
use crate::{SqliteStore, StoreError};
use async_trait::async_trait;
use sqlx::Row;
use std::collections::HashMap;
use virtumancer_model::{HostId, Network, NetworkInventory, Port, PortgroupInventory, PowerState};

/// The filter of the port list and of its count (binds ?1 host, ?2 network, ?3 search).
macro_rules! port_filter {
    () => {
        " FROM nics c JOIN vms v ON v.id = c.vm_id JOIN hosts h ON h.id = v.host_id \
         WHERE v.gone_at IS NULL AND (?1 IS NULL OR v.host_id = ?1) \
         AND (?2 IS NULL OR c.network = ?2) AND (?3 IS NULL OR v.name LIKE ?3 ESCAPE '\\' \
         OR c.mac LIKE ?3 ESCAPE '\\' OR c.network LIKE ?3 ESCAPE '\\' \
         OR c.portgroup LIKE ?3 ESCAPE '\\' OR c.bridge LIKE ?3 ESCAPE '\\' \
         OR c.interface_id LIKE ?3 ESCAPE '\\' OR c.target_dev LIKE ?3 ESCAPE '\\') "
    };
}

fn port_from_row(r: &sqlx::sqlite::SqliteRow) -> Result<Port, StoreError> {
    let (vm_id, host_id, state): (String, String, String) = (
        r.try_get("vm_id")?,
        r.try_get("host_id")?,
        r.try_get("vm_state")?,
    );
    Ok(Port {
        vm_id: vm_id.parse().map_err(|e| corrupt("nics.vm_id", e))?,
        vm_name: r.try_get("vm_name")?,
        vm_uuid: r.try_get("vm_uuid")?,
        vm_state: PowerState::parse(&state).ok_or_else(|| corrupt("vms.state", &state))?,
        managed: r.try_get("managed")?,
        host_id: host_id.parse().map_err(|e| corrupt("vms.host_id", e))?,
        host_name: r.try_get("host_name")?,
        ordinal: u32::try_from(r.try_get::<i64, _>("ordinal")?)
            .map_err(|e| corrupt("nics.ordinal", e))?,
        nic: nic_from_row(r)?,
        addresses: Vec::new(),
    })
}

#[async_trait]
impl NetworkRepository for SqliteStore {
    async fn list_ports(&self, q: &PortQuery) -> Result<PortPage, StoreError> {
        let host = q.host.map(|h| h.to_string());
        let search = q.search.as_ref().map(|s| {
            format!(
                "%{}%",
                s.replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            )
        });
        macro_rules! page {
            ($order:literal) => {
                sqlx::query(concat!(
                    "SELECT c.*, v.name AS vm_name, v.uuid AS vm_uuid, v.state AS vm_state, v.managed, \
                     v.host_id, h.name AS host_name",
                    port_filter!(),
                    $order,
                    " LIMIT ?4 OFFSET ?5"
                ))
            };
        }
        let query = match q.sort {
            PortSort::Vm => page!("ORDER BY v.name COLLATE NOCASE, v.id, c.ordinal"),
            PortSort::Host => {
                page!("ORDER BY h.name COLLATE NOCASE, v.name COLLATE NOCASE, v.id, c.ordinal")
            }
            PortSort::Mac => page!("ORDER BY c.mac, v.id, c.ordinal"),
            PortSort::Network => page!(
                "ORDER BY c.network COLLATE NOCASE, c.portgroup COLLATE NOCASE, \
                 v.name COLLATE NOCASE, v.id, c.ordinal"
            ),
        };
        // One snapshot for the page and its total.
        let mut tx = self.pool.begin().await?;
        let rows = query
            .bind(&host)
            .bind(&q.network)
            .bind(&search)
            .bind(i64::from(q.limit))
            .bind(i64::from(q.offset))
            .fetch_all(&mut *tx)
            .await?;
        let total: i64 = sqlx::query_scalar(concat!("SELECT COUNT(*)", port_filter!()))
            .bind(&host)
            .bind(&q.network)
            .bind(&search)
            .fetch_one(&mut *tx)
            .await?;
        Ok(PortPage {
            items: rows.iter().map(port_from_row).collect::<Result<_, _>>()?,
            total: total as u64,
        })
    }

    async fn network_users(&self, host: HostId, network: &str) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT v.name FROM nics c JOIN vms v ON v.id = c.vm_id \
             WHERE v.host_id = ? AND v.gone_at IS NULL AND c.network = ? \
             ORDER BY v.name COLLATE NOCASE, c.ordinal",
        )
        .bind(host.to_string())
        .bind(network)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn portgroup_users(
        &self,
        host: HostId,
        network: &str,
        portgroup: &str,
        is_default: bool,
    ) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT v.name FROM nics c JOIN vms v ON v.id = c.vm_id \
             WHERE v.host_id = ? AND v.gone_at IS NULL AND c.network = ? \
             AND (c.portgroup = ? OR (? AND c.portgroup IS NULL)) \
             ORDER BY v.name COLLATE NOCASE, c.ordinal",
        )
        .bind(host.to_string())
        .bind(network)
        .bind(portgroup)
        .bind(is_default)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn list_networks(&self, host: Option<HostId>) -> Result<Vec<Network>, StoreError> {
        let host = host.map(|h| h.to_string());
        // One snapshot for the networks, their users and their portgroups.
        let mut tx = self.pool.begin().await?;
        let rows = sqlx::query(
            "SELECT n.id, n.host_id, h.name AS host_name, n.uuid, n.name, n.forward_mode, n.bridge, \
             n.virtualport_type, n.active, n.autostart, n.ip_ranges, \
             (SELECT COUNT(*) FROM nics c JOIN vms v ON v.id = c.vm_id \
              WHERE v.host_id = n.host_id AND v.gone_at IS NULL AND c.network = n.name) AS used_by \
             FROM networks n JOIN hosts h ON h.id = n.host_id \
             WHERE ?1 IS NULL OR n.host_id = ?1 \
             ORDER BY h.name COLLATE NOCASE, n.name COLLATE NOCASE, n.id",
        )
        .bind(&host)
        .fetch_all(&mut *tx)
        .await?;
        let mut portgroups: HashMap<i64, Vec<PortgroupInventory>> = HashMap::new();
        for r in sqlx::query(
            "SELECT p.network_id, p.name, p.is_default, p.vlan_tags, p.trunk, p.native_vlan \
             FROM portgroups p JOIN networks n ON n.id = p.network_id \
             WHERE ?1 IS NULL OR n.host_id = ?1 ORDER BY p.network_id, p.name",
        )
        .bind(&host)
        .fetch_all(&mut *tx)
        .await?
        {
            portgroups
                .entry(r.try_get("network_id")?)
                .or_default()
                .push(PortgroupInventory {
                    name: r.try_get("name")?,
                    is_default: r.try_get("is_default")?,
                    vlan_tags: parse_json(
                        "portgroups.vlan_tags",
                        r.try_get::<&str, _>("vlan_tags")?,
                    )?,
                    trunk: r.try_get("trunk")?,
                    native_vlan: r
                        .try_get::<Option<i64>, _>("native_vlan")?
                        .and_then(|v| u16::try_from(v).ok()),
                });
        }
        rows.iter()
            .map(|r| {
                let id: i64 = r.try_get("id")?;
                let host_id: String = r.try_get("host_id")?;
                Ok(Network {
                    host_id: host_id
                        .parse()
                        .map_err(|e| corrupt("networks.host_id", e))?,
                    host_name: r.try_get("host_name")?,
                    inventory: NetworkInventory {
                        uuid: r.try_get("uuid")?,
                        name: r.try_get("name")?,
                        forward_mode: r.try_get("forward_mode")?,
                        bridge: r.try_get("bridge")?,
                        virtualport_type: r.try_get("virtualport_type")?,
                        active: r.try_get("active")?,
                        autostart: r.try_get("autostart")?,
                        portgroups: portgroups.remove(&id).unwrap_or_default(),
                        ip_ranges: parse_json(
                            "networks.ip_ranges",
                            r.try_get::<&str, _>("ip_ranges")?,
                        )?,
                    },
                    used_by: u32::try_from(r.try_get::<i64, _>("used_by")?).unwrap_or(u32::MAX),
                    plugin_kind: None,
                })
            })
            .collect()
    }
}
