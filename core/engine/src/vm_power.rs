//! Power actions on managed VMs, one at a time or in bulk, each tracked as a task.

use crate::task_tracker::{NewTask, Outcome};
use crate::{EngineError, HostFleet, MAX_BULK, TaskTracker};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Semaphore, watch};
use virtumancer_drivers::{DriverError, HostConnection, InventoryEvent};
use virtumancer_model::{HostId, PowerAction, PowerState, Task, TaskId, Vm, VmId};

/// How long a graceful shutdown is watched when no force-off timeout is given.
pub const SHUTDOWN_WATCH: Duration = Duration::from_secs(300);
/// Bulk children in flight at once (each host's driver bounds its own calls further).
const BULK_IN_FLIGHT: usize = 16;
/// Bulk requests with more children than this announce only the parent's progress.
const ANNOUNCE_CHILDREN_UP_TO: usize = 100;

/// How an action is carried out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ActionOptions {
    /// Shutdown only: force the VM off when it is still running after this long.
    pub force_after: Option<Duration>,
}

/// What a bulk request started.
#[derive(Debug, Clone)]
pub struct BulkActionOutcome {
    /// The task that tracks the whole request.
    pub parent: Task,
    /// One task per VM (already failed for VMs the action was refused for).
    pub tasks: Vec<Task>,
    /// Ids that name no VM.
    pub not_found: Vec<VmId>,
}

/// Runs power actions as tasks. One action per VM at a time: a second one is refused while
/// the first runs.
#[derive(Clone)]
pub struct VmPower {
    fleet: Arc<HostFleet>,
    tasks: TaskTracker,
    busy: Arc<Mutex<HashMap<VmId, TaskId>>>,
    /// Tasks that can still be cancelled: who asked to cancel is sent here. Bulk parents map
    /// to their children.
    cancels: Arc<Mutex<HashMap<TaskId, watch::Sender<Option<String>>>>>,
    children: Arc<Mutex<HashMap<TaskId, Vec<TaskId>>>>,
}

impl std::fmt::Debug for VmPower {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VmPower").finish_non_exhaustive()
    }
}

/// A child task ready to run.
struct Job {
    cancel: watch::Receiver<Option<String>>,
    task: Task,
    vm: Vm,
    conn: Arc<dyn HostConnection>,
}

impl VmPower {
    /// Power actions on the fleet's VMs.
    pub fn new(fleet: Arc<HostFleet>) -> Self {
        let tasks = TaskTracker::new(Arc::clone(fleet.store()), fleet.bus().clone());
        Self {
            fleet,
            tasks,
            busy: Arc::new(Mutex::new(HashMap::new())),
            cancels: Arc::new(Mutex::new(HashMap::new())),
            children: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// The task tracker the actions report to.
    pub fn tasks(&self) -> &TaskTracker {
        &self.tasks
    }

    /// Starts `action` on one VM; returns its queued task.
    pub async fn act(
        &self,
        id: VmId,
        action: PowerAction,
        options: ActionOptions,
        requested_by: &str,
    ) -> Result<Task, EngineError> {
        let vm = self
            .fleet
            .store()
            .vms_by_ids(&[id])
            .await?
            .pop()
            .ok_or(EngineError::VmNotFound(id))?;
        if let Some(why) = refusal(&vm, action) {
            return Err(EngineError::ActionNotAllowed(why));
        }
        let conn = self.fleet.connection(vm.host_id).await?;
        if !supports(conn.as_ref(), action) {
            return Err(EngineError::Unsupported(format!(
                "the driver of host '{}' cannot {}",
                vm.host_name,
                action.as_str()
            )));
        }
        let task = new_task(&vm, action, None, requested_by).into_task(None);
        self.claim(vm.id, &task)
            .map_err(EngineError::ActionNotAllowed)?;
        if let Err(e) = self.tasks.create(std::slice::from_ref(&task), true).await {
            self.release(vm.id);
            return Err(e);
        }
        let job = Job {
            cancel: self.cancellable(task.id),
            task: task.clone(),
            vm,
            conn,
        };
        let me = self.clone();
        tokio::spawn(async move { me.run(job, action, options, true).await });
        Ok(task)
    }

    /// Starts `action` on many VMs across hosts: one task per VM under one parent task.
    pub async fn act_many(
        &self,
        ids: &[VmId],
        action: PowerAction,
        options: ActionOptions,
        requested_by: &str,
    ) -> Result<BulkActionOutcome, EngineError> {
        if ids.is_empty() {
            return Err(EngineError::InvalidRequest("name at least one VM".into()));
        }
        if ids.len() > MAX_BULK {
            return Err(EngineError::InvalidRequest(format!(
                "at most {MAX_BULK} VMs per request, got {}",
                ids.len()
            )));
        }
        let mut seen = HashSet::new();
        let ids: Vec<VmId> = ids.iter().copied().filter(|i| seen.insert(*i)).collect();
        let vms = self.fleet.store().vms_by_ids(&ids).await?;
        let found: HashSet<VmId> = vms.iter().map(|v| v.id).collect();
        let not_found: Vec<VmId> = ids.iter().copied().filter(|i| !found.contains(i)).collect();
        if vms.is_empty() {
            return Err(EngineError::VmNotFound(ids[0]));
        }
        let parent = NewTask {
            kind: format!("bulk.vm.{}", action.as_str()),
            target_name: format!("{} VMs", vms.len()),
            requested_by: requested_by.to_owned(),
            ..NewTask::default()
        }
        .into_task(None);
        let mut conns: HashMap<HostId, Result<Arc<dyn HostConnection>, String>> = HashMap::new();
        let (mut children, mut jobs) = (Vec::new(), Vec::new());
        for vm in vms {
            let mut why = refusal(&vm, action);
            let conn = match conns.get(&vm.host_id) {
                Some(c) => c.clone(),
                None => {
                    let c = self
                        .fleet
                        .connection(vm.host_id)
                        .await
                        .map_err(|_| format!("host '{}' is not connected", vm.host_name));
                    conns.insert(vm.host_id, c.clone());
                    c
                }
            };
            if why.is_none() {
                why = match &conn {
                    Err(e) => Some(e.clone()),
                    Ok(c) if !supports(c.as_ref(), action) => {
                        Some(format!("the driver cannot {}", action.as_str()))
                    }
                    Ok(_) => None,
                };
            }
            let mut task = new_task(&vm, action, Some(parent.id), requested_by).into_task(why);
            if task.error.is_none()
                && let Err(busy) = self.claim(vm.id, &task)
            {
                task = new_task(&vm, action, Some(parent.id), requested_by).into_task(Some(busy));
            }
            if task.error.is_none() {
                jobs.push(Job {
                    cancel: self.cancellable(task.id),
                    task: task.clone(),
                    vm,
                    conn: conn.expect("checked above"),
                });
            }
            children.push(task);
        }
        let announce = children.len() <= ANNOUNCE_CHILDREN_UP_TO;
        let stored = async {
            self.tasks
                .create(std::slice::from_ref(&parent), true)
                .await?;
            self.tasks.create(&children, announce).await
        };
        if let Err(e) = stored.await {
            for j in &jobs {
                self.release(j.vm.id);
            }
            return Err(e);
        }
        self.children
            .lock()
            .expect("children map poisoned")
            .insert(parent.id, jobs.iter().map(|j| j.task.id).collect());
        let me = self.clone();
        let (mut p, total, refused) = (parent.clone(), children.len(), children.len() - jobs.len());
        tokio::spawn(async move {
            me.run_bulk(&mut p, jobs, total, refused, action, options, announce)
                .await
        });
        Ok(BulkActionOutcome {
            parent,
            tasks: children,
            not_found,
        })
    }

    #[allow(clippy::too_many_arguments)]
    async fn run_bulk(
        &self,
        parent: &mut Task,
        jobs: Vec<Job>,
        total: usize,
        refused: usize,
        action: PowerAction,
        options: ActionOptions,
        announce: bool,
    ) {
        if let Err(e) = self.tasks.start(parent, true).await {
            tracing::warn!(error = %e, "recording a bulk task failed");
        }
        let gate = Arc::new(Semaphore::new(BULK_IN_FLIGHT));
        let mut running = tokio::task::JoinSet::new();
        for job in jobs {
            let (me, gate) = (self.clone(), Arc::clone(&gate));
            running.spawn(async move {
                let _permit = gate.acquire_owned().await;
                me.run(job, action, options, announce).await
            });
        }
        let (mut done, mut failed, mut cancelled) = (refused, refused, 0);
        while let Some(end) = running.join_next().await {
            done += 1;
            match end {
                Ok(Outcome::Succeeded(_)) => {}
                Ok(Outcome::Cancelled(_)) => cancelled += 1,
                Ok(Outcome::Failed(_)) | Err(_) => failed += 1,
            }
            let pct = u8::try_from(done * 100 / total.max(1)).unwrap_or(100);
            if pct != parent.progress
                && pct < 100
                && let Err(e) = self.tasks.progress(parent, pct).await
            {
                tracing::warn!(error = %e, "recording bulk progress failed");
            }
        }
        let outcome = if cancelled > 0 {
            Outcome::Cancelled(format!(
                "cancelled: {} of {total} succeeded, {cancelled} cancelled, {failed} failed",
                total - cancelled - failed
            ))
        } else if failed == 0 {
            Outcome::Succeeded(Some(format!("{total} of {total} succeeded")))
        } else {
            Outcome::Failed(format!("{failed} of {total} failed"))
        };
        self.children
            .lock()
            .expect("children map poisoned")
            .remove(&parent.id);
        if let Err(e) = self.tasks.finish(parent, outcome, true).await {
            tracing::warn!(error = %e, "recording a bulk task failed");
        }
    }

    /// Registers a task as cancellable; the receiver learns who cancelled it.
    fn cancellable(&self, id: TaskId) -> watch::Receiver<Option<String>> {
        let (tx, rx) = watch::channel(None);
        self.cancels
            .lock()
            .expect("cancel map poisoned")
            .insert(id, tx);
        rx
    }

    /// Asks a running or queued task to stop (for a bulk task: every child still running or
    /// queued). A request already sent to the hypervisor is not undone: a guest may still
    /// shut down. Returns the task as it is now; it ends as `cancelled` shortly.
    pub async fn cancel(&self, id: TaskId, requested_by: &str) -> Result<Task, EngineError> {
        let task = self.tasks.get(id).await?;
        let mut targets = vec![id];
        if let Some(kids) = self
            .children
            .lock()
            .expect("children map poisoned")
            .get(&id)
        {
            targets.extend(kids);
        }
        let cancels = self.cancels.lock().expect("cancel map poisoned");
        let mut hit = false;
        for t in targets {
            if let Some(tx) = cancels.get(&t) {
                tx.send_replace(Some(requested_by.to_owned()));
                hit = true;
            }
        }
        if hit {
            Ok(task)
        } else {
            Err(EngineError::ActionNotAllowed(format!(
                "task {id} is {} and cannot be cancelled",
                task.state.as_str()
            )))
        }
    }

    /// Runs one claimed job to its end; returns how it ended.
    async fn run(
        &self,
        mut job: Job,
        action: PowerAction,
        options: ActionOptions,
        announce: bool,
    ) -> Outcome {
        // Released however this ends (even by a panic), so the VM never stays busy and the
        // task is no longer cancellable.
        let _claim = Claimed(self, job.vm.id, job.task.id);
        // Bulk children that are not announced skip storing the short-lived running state.
        if let Err(e) = self.tasks.start(&mut job.task, announce).await {
            tracing::warn!(task = %job.task.id, error = %e, "recording a task failed");
        }
        let mut cancel = job.cancel.clone();
        let outcome: Outcome = tokio::select! {
            // A cancel that arrived while the task waited for its turn wins at once.
            biased;
            Ok(who) = cancel.wait_for(Option::is_some) => Outcome::Cancelled(format!(
                "cancelled by {}; a request already sent to the host is not undone",
                who.as_deref().unwrap_or("someone")
            )),
            r = perform(job.conn.as_ref(), &job.vm.uuid, action, options) => r.into(),
        };
        self.fleet
            .refresh_vm(job.vm.host_id, job.vm.uuid.clone())
            .await;
        if let Err(e) = self
            .tasks
            .finish(&mut job.task, outcome.clone(), announce)
            .await
        {
            tracing::warn!(task = %job.task.id, error = %e, "recording a task failed");
        }
        outcome
    }

    fn claim(&self, vm: VmId, task: &Task) -> Result<(), String> {
        let mut busy = self.busy.lock().expect("busy map poisoned");
        if let Some(other) = busy.get(&vm) {
            return Err(format!(
                "VM '{}' already has a task running ({other}); wait for it to finish",
                task.target_name
            ));
        }
        busy.insert(vm, task.id);
        Ok(())
    }

    fn release(&self, vm: VmId) {
        self.busy.lock().expect("busy map poisoned").remove(&vm);
    }
}

/// A VM claimed by a running task; released (and the task no longer cancellable) on drop.
struct Claimed<'a>(&'a VmPower, VmId, TaskId);

impl Drop for Claimed<'_> {
    fn drop(&mut self) {
        self.0.release(self.1);
        self.0
            .cancels
            .lock()
            .expect("cancel map poisoned")
            .remove(&self.2);
    }
}

fn new_task(vm: &Vm, action: PowerAction, parent: Option<TaskId>, who: &str) -> NewTask {
    NewTask {
        kind: format!("vm.{}", action.as_str()),
        vm_id: Some(vm.id),
        host_id: Some(vm.host_id),
        target_name: vm.name.clone(),
        parent_id: parent,
        requested_by: who.to_owned(),
    }
}

fn supports(conn: &dyn HostConnection, action: PowerAction) -> bool {
    conn.compute()
        .capabilities()
        .power_actions
        .contains(&action)
}

/// Why `action` may not run on `vm` as stored, if it may not.
fn refusal(vm: &Vm, action: PowerAction) -> Option<String> {
    if !vm.managed {
        return Some(format!(
            "VM '{}' is discovered, not managed: import it before acting on it",
            vm.name
        ));
    }
    if vm.gone_at.is_some() {
        return Some(format!("VM '{}' no longer exists on its host", vm.name));
    }
    action.refusal(vm.state, vm.persistent)
}

/// Carries the action out; `Ok` holds a message for people, `Err` the reason it failed.
async fn perform(
    conn: &dyn HostConnection,
    uuid: &str,
    action: PowerAction,
    options: ActionOptions,
) -> Result<Option<String>, String> {
    let compute = conn.compute();
    compute
        .power(uuid, action)
        .await
        .map_err(|e| e.to_string())?;
    if action != PowerAction::Shutdown {
        return Ok(None);
    }
    let watch = options.force_after.unwrap_or(SHUTDOWN_WATCH);
    match wait_until_off(conn, uuid, watch).await? {
        Ended::Off => return Ok(None),
        Ended::Vanished => {
            return Ok(Some(
                "the VM stopped and no longer exists on its host (transient, or undefined meanwhile)"
                    .into(),
            ));
        }
        Ended::TimedOut => {}
    }
    match options.force_after {
        Some(after) => {
            compute
                .power(uuid, PowerAction::ForceOff)
                .await
                .map_err(|e| format!("forcing off after the timeout failed: {e}"))?;
            Ok(Some(format!(
                "the guest did not shut down within {} s; forced off",
                after.as_secs()
            )))
        }
        None => Err(format!(
            "the guest did not shut down within {} s (does it handle the ACPI power button?)",
            watch.as_secs()
        )),
    }
}

/// How waiting for a VM to stop ended.
enum Ended {
    /// It is off.
    Off,
    /// It is gone from the host (a transient VM stops that way; or it was undefined).
    Vanished,
    /// The limit passed first.
    TimedOut,
}

/// Waits until the VM is off (or gone), waking on its events and at least every second.
async fn wait_until_off(
    conn: &dyn HostConnection,
    uuid: &str,
    limit: Duration,
) -> Result<Ended, String> {
    let deadline = tokio::time::Instant::now() + limit;
    let mut events = conn.events();
    loop {
        match conn.compute().power_state(uuid).await {
            Ok(PowerState::Shutoff | PowerState::Crashed) => return Ok(Ended::Off),
            Err(DriverError::NotFound { .. }) => return Ok(Ended::Vanished),
            Err(e) => return Err(e.to_string()),
            Ok(_) => {}
        }
        let now = tokio::time::Instant::now();
        if now >= deadline {
            return Ok(Ended::TimedOut);
        }
        let wake = deadline.min(now + Duration::from_secs(1));
        let _ = tokio::time::timeout_at(wake, async {
            loop {
                match events.recv().await {
                    Ok(
                        InventoryEvent::VmChanged { uuid: u }
                        | InventoryEvent::VmRemoved { uuid: u },
                    ) if u == uuid => {
                        return;
                    }
                    Ok(_) => {}
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => return,
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => {
                        std::future::pending::<()>().await
                    }
                }
            }
        })
        .await;
    }
}
