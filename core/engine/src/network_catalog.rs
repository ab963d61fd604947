//! The network use cases: list the networks hosts reported, with their portgroups and users;
//! start, stop, autostart and delete them.

use crate::{EngineError, HostFleet, InventorySync};
use std::sync::Arc;
use virtumancer_drivers::DriverError;
use virtumancer_model::{
    HostId, Network, NetworkAction, NetworkSpec, PortgroupChange, PowerState, Topology,
    TopologyHost,
};

/// How long a port page waits for one host's NIC addresses.
const ADDRESS_DEADLINE: std::time::Duration = std::time::Duration::from_secs(3);

/// Network queries and lifecycle actions.
#[derive(Clone)]
pub struct NetworkCatalog {
    fleet: Arc<HostFleet>,
    kinds: Option<Arc<dyn virtumancer_drivers::NetworkKinds>>,
}

impl std::fmt::Debug for NetworkCatalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NetworkCatalog").finish_non_exhaustive()
    }
}

impl NetworkCatalog {
    /// A catalog over the fleet's hosts and store.
    pub fn new(fleet: Arc<HostFleet>) -> Self {
        Self { fleet, kinds: None }
    }

    /// The same catalog, with network kinds plugins add.
    pub fn with_network_kinds(mut self, kinds: Arc<dyn virtumancer_drivers::NetworkKinds>) -> Self {
        self.kinds = Some(kinds);
        self
    }

    /// The network kinds plugins add, by name.
    pub async fn network_kinds(&self) -> Vec<virtumancer_drivers::NetworkKindInfo> {
        match &self.kinds {
            Some(k) => k.kinds().await,
            None => Vec::new(),
        }
    }

    /// As [`NetworkCatalog::list`], with each network a plugin recognizes marked with its kind.
    pub async fn list_recognized(&self, host: Option<HostId>) -> Result<Vec<Network>, EngineError> {
        let mut networks = self.list(host).await?;
        if let Some(kinds) = &self.kinds {
            let inventories: Vec<_> = networks.iter().map(|n| n.inventory.clone()).collect();
            let found = kinds.recognize(&inventories).await;
            for (net, kind) in networks.iter_mut().zip(found) {
                net.plugin_kind = kind.map(|k| virtumancer_model::PluginKind {
                    kind: k.kind,
                    plugin: k.plugin,
                    params: k.params,
                });
            }
        }
        Ok(networks)
    }

    /// Every network, or those of one host (which must exist).
    pub async fn list(&self, host: Option<HostId>) -> Result<Vec<Network>, EngineError> {
        if let Some(id) = host {
            self.fleet.get(id).await?;
        }
        Ok(self.fleet.store().list_networks(host).await?)
    }

    /// A page of ports: the NICs of VMs that are not gone, across hosts or on one (which
    /// must exist).
    pub async fn ports(
        &self,
        query: &virtumancer_store::PortQuery,
    ) -> Result<virtumancer_store::PortPage, EngineError> {
        if let Some(id) = query.host {
            self.fleet.get(id).await?;
        }
        let mut page = self.fleet.store().list_ports(query).await?;
        self.add_addresses(&mut page.items).await;
        Ok(page)
    }

    /// Asks each connected host for the addresses of its running VMs' NICs on the page. A host
    /// that cannot answer in time leaves its ports without addresses; the page still comes.
    async fn add_addresses(&self, ports: &mut [virtumancer_model::Port]) {
        let mut hosts: Vec<HostId> = ports.iter().map(|p| p.host_id).collect();
        hosts.sort_unstable();
        hosts.dedup();
        for host in hosts {
            let mut uuids: Vec<String> = ports
                .iter()
                .filter(|p| p.host_id == host && p.vm_state == PowerState::Running)
                .map(|p| p.vm_uuid.clone())
                .collect();
            uuids.sort_unstable();
            uuids.dedup();
            let Ok(conn) = self.fleet.connection(host).await else {
                continue;
            };
            if uuids.is_empty() {
                continue;
            }
            let asked = tokio::time::timeout(ADDRESS_DEADLINE, conn.nics().nic_addresses(&uuids));
            let found = match asked.await {
                Ok(Ok(found)) => found,
                Ok(Err(e)) => {
                    tracing::debug!(%host, error = %e, "no NIC addresses");
                    continue;
                }
                Err(_) => {
                    tracing::debug!(%host, "NIC addresses took too long");
                    continue;
                }
            };
            for port in ports.iter_mut().filter(|p| p.host_id == host) {
                if let Some(nic) = found.iter().find(|n| {
                    n.uuid == port.vm_uuid && Some(n.mac.as_str()) == port.nic.mac.as_deref()
                }) {
                    port.addresses.clone_from(&nic.addresses);
                }
            }
        }
    }

    /// Every host (or one, which must exist) with its networks and the ports of its VMs.
    pub async fn topology(&self, host: Option<HostId>) -> Result<Topology, EngineError> {
        let mut hosts = match host {
            Some(id) => vec![self.fleet.get(id).await?],
            None => self.fleet.list().await?,
        };
        hosts.sort_by_key(|h| h.name.to_lowercase());
        let store = self.fleet.store();
        let mut networks = store.list_networks(host).await?;
        let mut ports = store
            .list_ports(&virtumancer_store::PortQuery {
                host,
                network: None,
                search: None,
                sort: virtumancer_store::PortSort::Vm,
                offset: 0,
                limit: u32::MAX,
            })
            .await?
            .items;
        Ok(Topology {
            hosts: hosts
                .into_iter()
                .map(|h| TopologyHost {
                    networks: take(&mut networks, |n| n.host_id == h.id),
                    ports: take(&mut ports, |p| p.host_id == h.id),
                    id: h.id,
                    name: h.name,
                    state: h.state,
                })
                .collect(),
        })
    }

    /// The stored network `name` of `host`.
    pub async fn get(&self, host: HostId, name: &str) -> Result<Network, EngineError> {
        self.list(Some(host))
            .await?
            .into_iter()
            .find(|n| n.inventory.name == name)
            .ok_or_else(|| EngineError::NetworkNotFound {
                host,
                name: name.to_owned(),
            })
    }

    /// Creates a network on a connected host from a spec that passes every rule, and answers
    /// with it as the host then reports it. Nothing is created when a rule or the host refuses.
    pub async fn create(&self, host: HostId, spec: &NetworkSpec) -> Result<Network, EngineError> {
        spec.validate().map_err(EngineError::InvalidRequest)?;
        let taken = |name: &str| EngineError::NetworkNameTaken {
            host,
            name: name.to_owned(),
        };
        if self.get(host, &spec.name).await.is_ok() {
            return Err(taken(&spec.name));
        }
        let conn = self.fleet.connection(host).await?;
        let created = if spec.kind == virtumancer_model::NetworkKind::Plugin {
            let kind = spec.plugin_kind.clone().unwrap_or_default();
            let Some(kinds) = &self.kinds else {
                return Err(EngineError::InvalidRequest(format!(
                    "no plugin adds network kind '{kind}' on this server"
                )));
            };
            let xml = kinds
                .render(spec)
                .await
                .map_err(|e| EngineError::plugin_kind("network", &kind, e))?;
            conn.networks()
                .define_network(&spec.name, &xml, spec.autostart, spec.start)
                .await
        } else {
            conn.networks().create_network(spec).await
        };
        created.map_err(|e| match e {
            DriverError::AlreadyExists { .. } => taken(&spec.name),
            DriverError::InvalidSpec(why) => {
                EngineError::InvalidRequest(format!("the host refused the network: {why}"))
            }
            other => other.into(),
        })?;
        self.sync(host)
            .network(conn.as_ref(), &spec.name, None)
            .await?;
        self.get(host, &spec.name).await
    }

    /// Performs a lifecycle action on the host, stores the network as the host then reports
    /// it, and returns it. Starting an active network or stopping an inactive one (as stored)
    /// is refused without asking the host.
    pub async fn act(
        &self,
        host: HostId,
        name: &str,
        action: NetworkAction,
    ) -> Result<Network, EngineError> {
        let stored = self.get(host, name).await?;
        let active = stored.inventory.active;
        match action {
            NetworkAction::Start if active => {
                return Err(EngineError::ActionNotAllowed(format!(
                    "network '{name}' is already active"
                )));
            }
            NetworkAction::Stop if !active => {
                return Err(EngineError::ActionNotAllowed(format!(
                    "network '{name}' is not active"
                )));
            }
            _ => {}
        }
        let conn = self.fleet.connection(host).await?;
        conn.networks()
            .network_action(name, action)
            .await
            .map_err(|e| self.not_found_as(host, name, e))?;
        self.sync(host)
            .network(conn.as_ref(), name, Some(&stored.inventory.uuid))
            .await?;
        self.get(host, name).await
    }

    /// Stops and removes a network. One that NICs still use is refused, with their VMs,
    /// unless `force`.
    pub async fn delete(&self, host: HostId, name: &str, force: bool) -> Result<(), EngineError> {
        let stored = self.get(host, name).await?;
        let conn = self.fleet.connection(host).await?;
        if !force {
            let users = self.fleet.store().network_users(host, name).await?;
            if !users.is_empty() {
                return Err(EngineError::NetworkInUse {
                    name: name.to_owned(),
                    users,
                });
            }
        }
        conn.networks()
            .delete_network(name)
            .await
            .map_err(|e| self.not_found_as(host, name, e))?;
        self.sync(host)
            .network(conn.as_ref(), name, Some(&stored.inventory.uuid))
            .await?;
        Ok(())
    }

    /// Adds, replaces or removes a portgroup, checked against the network as stored (names,
    /// VLANs only on Open vSwitch, one default), and answers with the network as the host then
    /// reports it. Removing a portgroup NICs use (by name, or as the default) is refused with
    /// their VMs unless `force`.
    pub async fn change_portgroup(
        &self,
        host: HostId,
        network: &str,
        change: PortgroupChange,
        force: bool,
    ) -> Result<Network, EngineError> {
        let stored = self.get(host, network).await?;
        let net = &stored.inventory;
        let find = |pg: &str| net.portgroups.iter().find(|p| p.name == pg);
        let missing = |pg: &str| EngineError::PortgroupNotFound {
            network: network.to_owned(),
            name: pg.to_owned(),
        };
        match &change {
            PortgroupChange::Add(spec) | PortgroupChange::Replace(spec) => {
                let ovs = net.virtualport_type.as_deref() == Some("openvswitch");
                spec.validate(ovs).map_err(EngineError::InvalidRequest)?;
                let exists = find(&spec.name).is_some();
                if matches!(change, PortgroupChange::Add(_)) && exists {
                    return Err(EngineError::PortgroupNameTaken {
                        network: network.to_owned(),
                        name: spec.name.clone(),
                    });
                }
                if matches!(change, PortgroupChange::Replace(_)) && !exists {
                    return Err(missing(&spec.name));
                }
                if let Some(other) = net
                    .portgroups
                    .iter()
                    .find(|p| spec.is_default && p.is_default && p.name != spec.name)
                {
                    return Err(EngineError::InvalidRequest(format!(
                        "portgroup '{}' is already the default of network '{network}'; \
                         clear it there first",
                        other.name
                    )));
                }
            }
            PortgroupChange::Remove(pg) => {
                let current = find(pg).ok_or_else(|| missing(pg))?;
                if !force {
                    let users = self
                        .fleet
                        .store()
                        .portgroup_users(host, network, pg, current.is_default)
                        .await?;
                    if !users.is_empty() {
                        return Err(EngineError::PortgroupInUse {
                            network: network.to_owned(),
                            name: pg.clone(),
                            users,
                        });
                    }
                }
            }
        }
        let conn = self.fleet.connection(host).await?;
        conn.networks()
            .change_portgroup(network, &change)
            .await
            .map_err(|e| match e {
                DriverError::InvalidSpec(why) => {
                    EngineError::InvalidRequest(format!("the host refused the portgroup: {why}"))
                }
                other => self.not_found_as(host, network, other),
            })?;
        self.sync(host)
            .network(conn.as_ref(), network, Some(&net.uuid))
            .await?;
        self.get(host, network).await
    }

    fn sync(&self, host: HostId) -> InventorySync {
        InventorySync::new(
            host,
            Arc::clone(self.fleet.store()),
            self.fleet.bus().clone(),
        )
    }

    /// A network gone from the host behind our back reads as not found, and a state that does
    /// not allow the action as not allowed, not as driver errors.
    fn not_found_as(&self, host: HostId, name: &str, e: DriverError) -> EngineError {
        match e {
            DriverError::NotFound { .. } => EngineError::NetworkNotFound {
                host,
                name: name.to_owned(),
            },
            DriverError::Conflict(why) => {
                EngineError::ActionNotAllowed(format!("network '{name}': {why}"))
            }
            other => other.into(),
        }
    }
}

/// Moves the items that match out of `items`, keeping their order.
fn take<T>(items: &mut Vec<T>, matches: impl Fn(&T) -> bool) -> Vec<T> {
    let (mine, rest) = std::mem::take(items).into_iter().partition(matches);
    *items = rest;
    mine
}
