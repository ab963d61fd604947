//! [`NetworkRepository`] on SQLite.

use crate::network_repository::NetworkRepository;
use crate::sqlite_inventory::corrupt;
use crate::{SqliteStore, StoreError};
use async_trait::async_trait;
use sqlx::Row;
use std::collections::HashMap;
use virtumancer_model::{HostId, Network, NetworkInventory, PortgroupInventory};

fn json_list<T: serde::de::DeserializeOwned>(
    column: &'static str,
    raw: &str,
) -> Result<Vec<T>, StoreError> {
    serde_json::from_str(raw).map_err(|e| corrupt(column, e))
}

#[async_trait]
impl NetworkRepository for SqliteStore {
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
                    vlan_tags: json_list(
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
                        ip_ranges: json_list(
                            "networks.ip_ranges",
                            r.try_get::<&str, _>("ip_ranges")?,
                        )?,
                    },
                    used_by: u32::try_from(r.try_get::<i64, _>("used_by")?).unwrap_or(u32::MAX),
                })
            })
            .collect()
    }
}
