//! Tasks: created, moved through their states, stored and announced.

use crate::{EngineError, EventBus};
use chrono::Utc;
use std::sync::Arc;
use virtumancer_model::{Event, Task, TaskId, TaskState};
use virtumancer_store::{Store, TaskPage, TaskQuery};

/// The error of tasks that were running when the server stopped.
pub const INTERRUPTED: &str = "interrupted: the server stopped while this task was running";

/// How a task ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// As asked, with an optional message for people.
    Succeeded(Option<String>),
    /// With this error.
    Failed(String),
    /// Stopped on request; the message says by whom and what may still happen.
    Cancelled(String),
}

impl From<Result<Option<String>, String>> for Outcome {
    fn from(r: Result<Option<String>, String>) -> Self {
        match r {
            Ok(m) => Self::Succeeded(m),
            Err(e) => Self::Failed(e),
        }
    }
}

/// Creates, updates, stores and announces tasks.
#[derive(Clone)]
pub struct TaskTracker {
    store: Arc<dyn Store>,
    bus: EventBus,
}

impl std::fmt::Debug for TaskTracker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TaskTracker").finish_non_exhaustive()
    }
}

/// A new task before it is stored.
#[derive(Debug, Clone, Default)]
pub struct NewTask {
    /// `vm.start`, `bulk.vm.start`…
    pub kind: String,
    /// The VM acted on.
    pub vm_id: Option<virtumancer_model::VmId>,
    /// The host acted on.
    pub host_id: Option<virtumancer_model::HostId>,
    /// Readable target.
    pub target_name: String,
    /// The bulk task it belongs to.
    pub parent_id: Option<TaskId>,
    /// Who asked.
    pub requested_by: String,
}

impl NewTask {
    /// The queued task (or, with `refused`, one that failed before it ran).
    pub fn into_task(self, refused: Option<String>) -> Task {
        let now = Utc::now();
        Task {
            id: TaskId::new(),
            kind: self.kind,
            vm_id: self.vm_id,
            host_id: self.host_id,
            target_name: self.target_name,
            parent_id: self.parent_id,
            requested_by: self.requested_by,
            state: if refused.is_some() {
                TaskState::Failed
            } else {
                TaskState::Queued
            },
            progress: 0,
            message: None,
            finished_at: refused.as_ref().map(|_| now),
            error: refused,
            created_at: now,
            started_at: None,
        }
    }
}

impl TaskTracker {
    /// A tracker over `store`, announcing on `bus`.
    pub fn new(store: Arc<dyn Store>, bus: EventBus) -> Self {
        Self { store, bus }
    }

    /// Stores new tasks; announces them when `announce`.
    pub async fn create(&self, tasks: &[Task], announce: bool) -> Result<(), EngineError> {
        self.store.insert_tasks(tasks).await?;
        if announce {
            for t in tasks {
                self.announce(t);
            }
        }
        Ok(())
    }

    /// Marks a task running.
    pub async fn start(&self, task: &mut Task, store: bool) -> Result<(), EngineError> {
        task.state = TaskState::Running;
        task.started_at = Some(Utc::now());
        if store {
            self.store.update_task(task).await?;
        }
        self.announce(task);
        Ok(())
    }

    /// Stores and announces a task's progress.
    pub async fn progress(&self, task: &mut Task, progress: u8) -> Result<(), EngineError> {
        task.progress = progress.min(100);
        self.store.update_task(task).await?;
        self.announce(task);
        Ok(())
    }

    /// Ends a task: succeeded with an optional message, failed with the error, or cancelled
    /// with who cancelled it.
    pub async fn finish(
        &self,
        task: &mut Task,
        outcome: impl Into<Outcome>,
        announce: bool,
    ) -> Result<(), EngineError> {
        match outcome.into() {
            Outcome::Succeeded(message) => {
                task.state = TaskState::Succeeded;
                task.progress = 100;
                task.message = message;
            }
            Outcome::Failed(error) => {
                task.state = TaskState::Failed;
                task.error = Some(error);
            }
            Outcome::Cancelled(message) => {
                task.state = TaskState::Cancelled;
                task.message = Some(message);
            }
        }
        if task.started_at.is_none() {
            task.started_at = Some(Utc::now());
        }
        task.finished_at = Some(Utc::now());
        self.store.update_task(task).await?;
        if announce {
            self.announce(task);
        }
        Ok(())
    }

    /// One task.
    pub async fn get(&self, id: TaskId) -> Result<Task, EngineError> {
        self.store
            .get_task(id)
            .await?
            .ok_or(EngineError::TaskNotFound(id))
    }

    /// A page of tasks, newest first.
    pub async fn list(&self, query: &TaskQuery) -> Result<TaskPage, EngineError> {
        Ok(self.store.list_tasks(query).await?)
    }

    fn announce(&self, task: &Task) {
        self.bus.publish(Event::TaskUpdated {
            task: Box::new(task.clone()),
        });
    }
}
