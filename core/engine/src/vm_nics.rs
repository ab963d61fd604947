//! The NIC use cases: add a NIC to a managed VM, change its network, portgroup or link, and
//! remove it; each is a task, checked against the stored inventory before the host is asked.

use crate::{EngineError, HostFleet, NetworkCatalog, NewTask, Outcome, TaskTracker};
use std::sync::Arc;
use virtumancer_drivers::{DriverError, HostConnection, NicKinds, VmChangeHooks};
use virtumancer_model::{Network, NicSpec, NicUpdate, Task, VmDetail, VmId, normalize_mac};

/// What one NIC task does on the host.
enum Op {
    Attach(NicSpec),
    /// A NIC of a plugin's kind, as the plugin rendered it.
    AttachInterface(String),
    Detach(String),
    Update(String, NicUpdate),
}

impl Op {
    fn kind(&self) -> &'static str {
        match self {
            Self::Attach(_) | Self::AttachInterface(_) => "vm.nic.attach",
            Self::Detach(_) => "vm.nic.detach",
            Self::Update(..) => "vm.nic.update",
        }
    }
}

/// NIC tasks on VMs.
#[derive(Clone)]
pub struct VmNics {
    fleet: Arc<HostFleet>,
    networks: NetworkCatalog,
    tasks: TaskTracker,
    hooks: Option<Arc<dyn VmChangeHooks>>,
    kinds: Option<Arc<dyn NicKinds>>,
}

impl std::fmt::Debug for VmNics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VmNics").finish_non_exhaustive()
    }
}

impl VmNics {
    /// NIC tasks on the fleet's hosts.
    pub fn new(fleet: Arc<HostFleet>) -> Self {
        let tasks = TaskTracker::new(Arc::clone(fleet.store()), fleet.bus().clone());
        let networks = NetworkCatalog::new(Arc::clone(&fleet));
        Self {
            fleet,
            networks,
            tasks,
            hooks: None,
            kinds: None,
        }
    }

    /// Adds a NIC on a network (and portgroup) of the VM's host, or on a bridge.
    pub async fn attach(
        &self,
        id: VmId,
        mut spec: NicSpec,
        who: &str,
    ) -> Result<Task, EngineError> {
        spec.validate().map_err(EngineError::InvalidRequest)?;
        let vm = self.managed_vm(id).await?;
        if let Some(mac) = &spec.mac {
            let mac = normalize_mac(mac).map_err(EngineError::InvalidRequest)?;
            if vm
                .nics
                .iter()
                .any(|n| n.mac.as_deref() == Some(mac.as_str()))
            {
                return Err(EngineError::ActionNotAllowed(format!(
                    "VM '{}' already has a NIC with MAC {mac}",
                    vm.vm.name
                )));
            }
            spec.mac = Some(mac);
        }
        if spec.kind.is_some() {
            return self.attach_kind(vm, spec, who).await;
        }
        let mut network = None;
        if let Some(net) = &spec.network {
            let found = self.networks.get(vm.vm.host_id, net).await?;
            check_portgroup(&found, spec.portgroup.as_deref())?;
            network = Some(found);
        }
        self.check_hooks(
            "nic.attach",
            &vm,
            serde_json::to_value(&spec),
            network.as_ref(),
        )
        .await?;
        self.run(vm, Op::Attach(spec), who).await
    }

    /// A NIC of a plugin's kind: the plugin checks and renders it before a task exists.
    async fn attach_kind(
        &self,
        vm: VmDetail,
        spec: NicSpec,
        who: &str,
    ) -> Result<Task, EngineError> {
        let kind = spec.kind.clone().unwrap_or_default();
        let Some(kinds) = &self.kinds else {
            return Err(EngineError::InvalidRequest(format!(
                "no plugin adds NIC kind '{kind}' on this server"
            )));
        };
        self.check_hooks("nic.attach", &vm, serde_json::to_value(&spec), None)
            .await?;
        let xml = kinds
            .render(&spec)
            .await
            .map_err(|e| EngineError::plugin_kind("NIC", &kind, e))?;
        self.run(vm, Op::AttachInterface(xml), who).await
    }

    /// The NIC kinds plugins add, by name.
    pub async fn kinds(&self) -> Vec<virtumancer_drivers::NicKindInfo> {
        match &self.kinds {
            Some(k) => k.kinds().await,
            None => Vec::new(),
        }
    }

    /// The same use cases, with plugins' NIC kinds.
    pub fn with_nic_kinds(mut self, kinds: Arc<dyn NicKinds>) -> Self {
        self.kinds = Some(kinds);
        self
    }

    /// Removes the NIC with `mac`.
    pub async fn detach(&self, id: VmId, mac: &str, who: &str) -> Result<Task, EngineError> {
        let vm = self.managed_vm(id).await?;
        let mac = known_mac(&vm, mac)?;
        self.run(vm, Op::Detach(mac), who).await
    }

    /// Moves the NIC with `mac` to another network or portgroup, sets the VLANs of a NIC on an
    /// Open vSwitch bridge, or sets its link.
    pub async fn update(
        &self,
        id: VmId,
        mac: &str,
        change: NicUpdate,
        who: &str,
    ) -> Result<Task, EngineError> {
        change.validate().map_err(EngineError::InvalidRequest)?;
        let vm = self.managed_vm(id).await?;
        let mac = known_mac(&vm, mac)?;
        let nic = vm
            .nics
            .iter()
            .find(|n| n.mac.as_deref() == Some(mac.as_str()))
            .expect("known_mac found it");
        let mut network = None;
        if change.network.is_some() || change.portgroup.is_some() {
            let Some(current) = nic.network.clone() else {
                return Err(EngineError::InvalidRequest(format!(
                    "NIC {mac} is on no network; only network NICs change network or portgroup"
                )));
            };
            let target = change.network.clone().unwrap_or(current);
            let found = self.networks.get(vm.vm.host_id, &target).await?;
            check_portgroup(
                &found,
                change.portgroup.as_deref().filter(|p| !p.is_empty()),
            )?;
            network = Some(found);
        }
        let on_ovs_bridge = nic.network.is_none()
            && nic.bridge.is_some()
            && nic.virtualport_type.as_deref() == Some("openvswitch");
        if change.vlan_tags.is_some() && !on_ovs_bridge {
            return Err(EngineError::InvalidRequest(format!(
                "NIC {mac} is not on an Open vSwitch bridge; a network NIC takes its VLANs from a portgroup"
            )));
        }
        // The NIC as it would be after the change, for the checks.
        let mut after = serde_json::to_value(nic).unwrap_or_default();
        if let Some(obj) = after.as_object_mut() {
            if let Some(net) = &change.network {
                obj.insert("network".into(), net.clone().into());
                obj.insert("portgroup".into(), serde_json::Value::Null);
            }
            if let Some(pg) = &change.portgroup {
                let pg = (!pg.is_empty()).then(|| pg.clone());
                obj.insert("portgroup".into(), pg.into());
            }
        }
        self.check_hooks("nic.update", &vm, Ok(after), network.as_ref())
            .await?;
        self.run(vm, Op::Update(mac, change), who).await
    }

    /// Asks the VM change hooks (plugins) about a change; any violation refuses it.
    async fn check_hooks(
        &self,
        kind: &str,
        vm: &VmDetail,
        nic: Result<serde_json::Value, serde_json::Error>,
        network: Option<&Network>,
    ) -> Result<(), EngineError> {
        let Some(hooks) = &self.hooks else {
            return Ok(());
        };
        let change = serde_json::json!({
            "kind": kind,
            "vm": vm,
            "nic": nic.unwrap_or_default(),
            "network": network,
        });
        let violations = hooks.check(&change).await?;
        if violations.is_empty() {
            Ok(())
        } else {
            Err(EngineError::PolicyViolation(violations))
        }
    }

    /// The same use cases, with changes checked by `hooks` first.
    pub fn with_hooks(mut self, hooks: Arc<dyn VmChangeHooks>) -> Self {
        self.hooks = Some(hooks);
        self
    }

    async fn managed_vm(&self, id: VmId) -> Result<VmDetail, EngineError> {
        let vm = self
            .fleet
            .store()
            .get_vm(id)
            .await?
            .ok_or(EngineError::VmNotFound(id))?;
        if !vm.vm.managed {
            return Err(EngineError::ActionNotAllowed(format!(
                "VM '{}' is discovered, not managed: import it before changing its NICs",
                vm.vm.name
            )));
        }
        if vm.vm.gone_at.is_some() {
            return Err(EngineError::ActionNotAllowed(format!(
                "VM '{}' is gone from its host",
                vm.vm.name
            )));
        }
        Ok(vm)
    }

    /// Stores the task, answers with it, and carries it out in the background.
    async fn run(&self, vm: VmDetail, op: Op, who: &str) -> Result<Task, EngineError> {
        let conn = self.fleet.connection(vm.vm.host_id).await?;
        let mut task = NewTask {
            kind: op.kind().to_owned(),
            vm_id: Some(vm.vm.id),
            host_id: Some(vm.vm.host_id),
            target_name: vm.vm.name.clone(),
            parent_id: None,
            requested_by: who.to_owned(),
        }
        .into_task(None);
        self.tasks.create(std::slice::from_ref(&task), true).await?;
        let answer = task.clone();
        let me = self.clone();
        tokio::spawn(async move {
            if me.tasks.start(&mut task, true).await.is_err() {
                return;
            }
            let result = perform(conn.as_ref(), &vm.vm.uuid, &op).await;
            me.fleet.refresh_vm(vm.vm.host_id, vm.vm.uuid.clone()).await;
            let outcome: Outcome = match result {
                Ok(()) => Outcome::Succeeded(None),
                Err(e) => Outcome::Failed(e.to_string()),
            };
            if let Err(e) = me.tasks.finish(&mut task, outcome, true).await {
                tracing::warn!(task = %task.id, error = %e, "a NIC task could not be stored");
            }
        });
        Ok(answer)
    }
}

async fn perform(conn: &dyn HostConnection, uuid: &str, op: &Op) -> Result<(), DriverError> {
    let nics = conn.nics();
    match op {
        Op::Attach(spec) => nics.attach_nic(uuid, spec).await,
        Op::AttachInterface(xml) => nics.attach_interface(uuid, xml).await,
        Op::Detach(mac) => nics.detach_nic(uuid, mac).await,
        Op::Update(mac, change) => nics.update_nic(uuid, mac, change).await,
    }
}

/// `mac` normalized, when the VM has a NIC with it (as stored).
fn known_mac(vm: &VmDetail, mac: &str) -> Result<String, EngineError> {
    let mac = normalize_mac(mac).map_err(EngineError::InvalidRequest)?;
    if vm
        .nics
        .iter()
        .any(|n| n.mac.as_deref() == Some(mac.as_str()))
    {
        Ok(mac)
    } else {
        Err(EngineError::NicNotFound {
            vm: vm.vm.name.clone(),
            mac,
        })
    }
}

fn check_portgroup(network: &Network, portgroup: Option<&str>) -> Result<(), EngineError> {
    match portgroup {
        Some(pg) if !network.inventory.portgroups.iter().any(|p| p.name == pg) => {
            Err(EngineError::InvalidRequest(format!(
                "network '{}' has no portgroup '{pg}'",
                network.inventory.name
            )))
        }
        _ => Ok(()),
    }
}
