//! Tasks: every change made through Virtumancer, with who asked, when, and how it ended.

use crate::{HostId, TaskId, VmId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where a task is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum TaskState {
    /// Accepted, waiting to run.
    Queued,
    /// Running.
    Running,
    /// Finished as asked.
    Succeeded,
    /// Finished with an error (see `error`).
    Failed,
    /// Stopped before it finished.
    Cancelled,
}

impl TaskState {
    /// Stable camelCase name, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }

    /// Inverse of [`TaskState::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Queued,
            Self::Running,
            Self::Succeeded,
            Self::Failed,
            Self::Cancelled,
        ]
        .into_iter()
        .find(|t| t.as_str() == s)
    }

    /// Whether the task has ended.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Succeeded | Self::Failed | Self::Cancelled)
    }
}

/// One change made through Virtumancer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    /// Its id.
    pub id: TaskId,
    /// What it does: `vm.start`, `vm.shutdown`, `bulk.vm.start`…
    pub kind: String,
    /// The VM it acts on (none for bulk parents).
    pub vm_id: Option<VmId>,
    /// The host it acts on.
    pub host_id: Option<HostId>,
    /// What it acts on, readable (the VM's name, or "12 VMs").
    pub target_name: String,
    /// The bulk task it belongs to.
    pub parent_id: Option<TaskId>,
    /// Who asked (client address or the `X-Requested-By` header).
    pub requested_by: String,
    /// Where it is.
    pub state: TaskState,
    /// 0–100.
    pub progress: u8,
    /// What happened, for people (e.g. "forced off after 60 s").
    pub message: Option<String>,
    /// Why it failed, with the hypervisor's reason.
    pub error: Option<String>,
    /// Accepted.
    pub created_at: DateTime<Utc>,
    /// Started running.
    pub started_at: Option<DateTime<Utc>>,
    /// Ended.
    pub finished_at: Option<DateTime<Utc>>,
}
