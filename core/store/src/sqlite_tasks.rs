//! The SQLite implementation of the task repository.

use crate::task_repository::{TaskPage, TaskQuery, TaskRepository};
use crate::{SqliteStore, StoreError};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite};
use virtumancer_model::{Task, TaskId, TaskState};

/// Rows per multi-row insert (14 values each, under SQLite's 32,766 bound values).
const CHUNK: usize = 1_000;

/// The task columns, in [`task_from_row`]'s and the insert's order.
macro_rules! columns {
    () => {
        "id, kind, vm_id, host_id, target_name, parent_id, requested_by, state, progress, \
         message, error, created_at, started_at, finished_at"
    };
}

/// The list filter (parameters ?1…?5).
macro_rules! filter {
    () => {
        "WHERE (?1 IS NULL OR state = ?1) AND (?2 IS NULL OR vm_id = ?2) \
         AND (?3 IS NULL OR host_id = ?3) AND (?4 IS NULL OR parent_id = ?4) \
         AND (?4 IS NOT NULL OR ?5 = 0 OR parent_id IS NULL) "
    };
}

fn corrupt(column: &'static str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt {
        column,
        message: e.to_string(),
    }
}

fn parse_id<T: std::str::FromStr>(
    column: &'static str,
    s: Option<String>,
) -> Result<Option<T>, StoreError>
where
    T::Err: std::fmt::Display,
{
    s.map(|s| s.parse::<T>().map_err(|e| corrupt(column, e)))
        .transpose()
}

fn task_from_row(r: &SqliteRow) -> Result<Task, StoreError> {
    let state: String = r.try_get("state")?;
    let progress: i64 = r.try_get("progress")?;
    Ok(Task {
        id: parse_id("tasks.id", Some(r.try_get("id")?))?.expect("some"),
        kind: r.try_get("kind")?,
        vm_id: parse_id("tasks.vm_id", r.try_get("vm_id")?)?,
        host_id: parse_id("tasks.host_id", r.try_get("host_id")?)?,
        target_name: r.try_get("target_name")?,
        parent_id: parse_id("tasks.parent_id", r.try_get("parent_id")?)?,
        requested_by: r.try_get("requested_by")?,
        state: TaskState::parse(&state).ok_or_else(|| corrupt("tasks.state", &state))?,
        progress: u8::try_from(progress).map_err(|e| corrupt("tasks.progress", e))?,
        message: r.try_get("message")?,
        error: r.try_get("error")?,
        created_at: r.try_get("created_at")?,
        started_at: r.try_get("started_at")?,
        finished_at: r.try_get("finished_at")?,
    })
}

#[async_trait]
impl TaskRepository for SqliteStore {
    async fn insert_tasks(&self, tasks: &[Task]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        for chunk in tasks.chunks(CHUNK) {
            let mut q =
                QueryBuilder::<Sqlite>::new(concat!("INSERT INTO tasks (", columns!(), ") "));
            q.push_values(chunk, |mut b, t| {
                b.push_bind(t.id.to_string())
                    .push_bind(t.kind.clone())
                    .push_bind(t.vm_id.map(|v| v.to_string()))
                    .push_bind(t.host_id.map(|h| h.to_string()))
                    .push_bind(t.target_name.clone())
                    .push_bind(t.parent_id.map(|p| p.to_string()))
                    .push_bind(t.requested_by.clone())
                    .push_bind(t.state.as_str())
                    .push_bind(i64::from(t.progress))
                    .push_bind(t.message.clone())
                    .push_bind(t.error.clone())
                    .push_bind(t.created_at)
                    .push_bind(t.started_at)
                    .push_bind(t.finished_at);
            });
            q.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn update_task(&self, t: &Task) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE tasks SET state = ?, progress = ?, message = ?, error = ?, started_at = ?, finished_at = ? \
             WHERE id = ?",
        )
        .bind(t.state.as_str())
        .bind(i64::from(t.progress))
        .bind(&t.message)
        .bind(&t.error)
        .bind(t.started_at)
        .bind(t.finished_at)
        .bind(t.id.to_string())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn get_task(&self, id: TaskId) -> Result<Option<Task>, StoreError> {
        sqlx::query(concat!("SELECT ", columns!(), " FROM tasks WHERE id = ?"))
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(task_from_row)
            .transpose()
    }

    async fn list_tasks(&self, q: &TaskQuery) -> Result<TaskPage, StoreError> {
        // One read transaction: the page and its total come from the same snapshot.
        let mut tx = self.pool.begin().await?;
        let rows = sqlx::query(concat!(
            "SELECT ",
            columns!(),
            " FROM tasks ",
            filter!(),
            "ORDER BY id DESC LIMIT ?6 OFFSET ?7"
        ))
        .bind(q.state.map(TaskState::as_str))
        .bind(q.vm.map(|v| v.to_string()))
        .bind(q.host.map(|h| h.to_string()))
        .bind(q.parent.map(|p| p.to_string()))
        .bind(q.top_level)
        .bind(i64::from(q.limit))
        .bind(i64::from(q.offset))
        .fetch_all(&mut *tx)
        .await?;
        let total: i64 = sqlx::query_scalar(concat!("SELECT COUNT(*) FROM tasks ", filter!()))
            .bind(q.state.map(TaskState::as_str))
            .bind(q.vm.map(|v| v.to_string()))
            .bind(q.host.map(|h| h.to_string()))
            .bind(q.parent.map(|p| p.to_string()))
            .bind(q.top_level)
            .fetch_one(&mut *tx)
            .await?;
        Ok(TaskPage {
            items: rows.iter().map(task_from_row).collect::<Result<_, _>>()?,
            total: total as u64,
        })
    }

    async fn fail_unfinished(
        &self,
        reason: &str,
        at: DateTime<Utc>,
    ) -> Result<Vec<Task>, StoreError> {
        let rows = sqlx::query(concat!(
            "UPDATE tasks SET state = 'failed', error = ?, finished_at = ? \
             WHERE state IN ('queued', 'running') RETURNING ",
            columns!()
        ))
        .bind(reason)
        .bind(at)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(task_from_row).collect()
    }
}
