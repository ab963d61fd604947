//! The repository of tasks.

use crate::StoreError;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use virtumancer_model::{HostId, Task, TaskId, TaskState, VmId};

/// Which tasks to list (newest first).
#[derive(Debug, Clone, Default)]
pub struct TaskQuery {
    /// Only in this state.
    pub state: Option<TaskState>,
    /// Only acting on this VM.
    pub vm: Option<VmId>,
    /// Only acting on this host.
    pub host: Option<HostId>,
    /// Only the children of this bulk task.
    pub parent: Option<TaskId>,
    /// Leave out children of bulk tasks (when `parent` is not set).
    pub top_level: bool,
    /// Zero-based offset.
    pub offset: u32,
    /// Page size.
    pub limit: u32,
}

/// A page of tasks and the total matching the query.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskPage {
    /// This page.
    pub items: Vec<Task>,
    /// All matching tasks.
    pub total: u64,
}

/// Tasks in the database.
#[async_trait]
pub trait TaskRepository: Send + Sync {
    /// Stores new tasks (one transaction).
    async fn insert_tasks(&self, tasks: &[Task]) -> Result<(), StoreError>;
    /// Stores a task's state, progress, message, error and times.
    async fn update_task(&self, task: &Task) -> Result<(), StoreError>;
    /// One task.
    async fn get_task(&self, id: TaskId) -> Result<Option<Task>, StoreError>;
    /// A page of tasks, newest first.
    async fn list_tasks(&self, query: &TaskQuery) -> Result<TaskPage, StoreError>;
    /// Marks every queued or running task failed with `reason` (the server stopped while
    /// they ran); returns them as they are now.
    async fn fail_unfinished(
        &self,
        reason: &str,
        at: DateTime<Utc>,
    ) -> Result<Vec<Task>, StoreError>;
}
