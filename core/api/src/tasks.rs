//! `/api/v1/tasks`: every change made through Virtumancer, newest first.

use crate::app_query::AppQuery;
use crate::path_ids::TaskPath;
use crate::requested_by::RequestedBy;
use crate::vms::MAX_PER_PAGE;
use crate::{ApiError, AppState, ErrorCode};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use virtumancer_model::{HostId, Task, TaskId, TaskState, VmId};
use virtumancer_store::TaskQuery;

/// Filters and paging of `GET /tasks`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TaskListParams {
    /// Only tasks in this state.
    state: Option<TaskState>,
    /// Only tasks acting on this VM.
    vm_id: Option<VmId>,
    /// Only tasks acting on this host.
    host_id: Option<HostId>,
    /// Only the children of this bulk task.
    parent_id: Option<TaskId>,
    /// Include children of bulk tasks in the list (default false: parents stand for them).
    include_children: Option<bool>,
    /// Page number, from 1 (default 1).
    page: Option<u32>,
    /// Page size, 1–500 (default 50).
    per_page: Option<u32>,
}

/// One page of tasks.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TaskList {
    /// This page, newest first.
    pub items: Vec<Task>,
    /// All tasks matching the filters.
    pub total: u64,
    /// This page's number.
    pub page: u32,
    /// Page size.
    pub per_page: u32,
}

/// Tasks, newest first, filtered and paged.
#[utoipa::path(get, path = "/tasks", tag = "tasks", operation_id = "listTasks", params(TaskListParams),
    responses(
        (status = 200, description = "A page of tasks", body = TaskList),
        (status = 400, description = "Bad filter or paging", body = ApiError),
    ))]
pub async fn list_tasks(
    State(s): State<AppState>,
    AppQuery(p): AppQuery<TaskListParams>,
) -> Result<Json<TaskList>, ApiError> {
    let page = p.page.unwrap_or(1);
    let per_page = p.per_page.unwrap_or(50);
    if page == 0 || !(1..=MAX_PER_PAGE).contains(&per_page) {
        return Err(ApiError::new(
            ErrorCode::InvalidQuery,
            format!("page must be ≥ 1 and perPage 1–{MAX_PER_PAGE}"),
        ));
    }
    let query = TaskQuery {
        state: p.state,
        vm: p.vm_id,
        host: p.host_id,
        parent: p.parent_id,
        top_level: !p.include_children.unwrap_or(false),
        offset: (page - 1).saturating_mul(per_page),
        limit: per_page,
    };
    let found = s.power.tasks().list(&query).await?;
    Ok(Json(TaskList {
        items: found.items,
        total: found.total,
        page,
        per_page,
    }))
}

/// One task.
#[utoipa::path(get, path = "/tasks/{id}", tag = "tasks", operation_id = "getTask",
    params(("id" = String, Path, description = "Task id")),
    responses(
        (status = 200, description = "The task", body = Task),
        (status = 400, description = "Malformed id", body = ApiError),
        (status = 404, description = "No such task", body = ApiError),
    ))]
pub async fn get_task(
    State(s): State<AppState>,
    TaskPath(id): TaskPath,
) -> Result<Json<Task>, ApiError> {
    Ok(Json(s.power.tasks().get(id).await?))
}

/// Asks a queued or running task to stop; for a bulk task, every child still queued or running.
/// The task ends as `cancelled` shortly (watch the `tasks` topic). A request already sent to the
/// host is not undone: a guest asked to shut down may still do so.
#[utoipa::path(post, path = "/tasks/{id}/cancel", tag = "tasks", operation_id = "cancelTask",
    params(("id" = String, Path, description = "Task id")),
    responses(
        (status = 202, description = "Cancellation requested; the task as it is now", body = Task),
        (status = 400, description = "Malformed id", body = ApiError),
        (status = 404, description = "No such task", body = ApiError),
        (status = 409, description = "The task has ended (or was never cancellable)", body = ApiError),
    ))]
pub async fn cancel_task(
    State(s): State<AppState>,
    TaskPath(id): TaskPath,
    RequestedBy(who): RequestedBy,
) -> Result<(StatusCode, Json<Task>), ApiError> {
    Ok((StatusCode::ACCEPTED, Json(s.power.cancel(id, &who).await?)))
}
