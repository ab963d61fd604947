// The only place that talks HTTP for tasks. Everything throws ApiError on non-2xx.
import { api, unwrap, WEB_REQUEST_HEADERS } from '@/api/client'
import type { Task, TaskList, TaskListQuery } from '@/api/types'

const byId = (id: string) => ({ params: { path: { id } } })

export const tasksApi = {
  list: (query: TaskListQuery): Promise<TaskList> => unwrap(api.GET('/api/v1/tasks', { params: { query } })),
  get: (id: string): Promise<Task> => unwrap(api.GET('/api/v1/tasks/{id}', byId(id))),
  /**
   * Asks a queued or running task to stop (a bulk task: its children still queued or running).
   * 202 with the task as it is now; it ends as `cancelled` over the `tasks` topic. 409 when it
   * already ended, 404 when unknown.
   */
  cancel: (id: string): Promise<Task> =>
    unwrap(api.POST('/api/v1/tasks/{id}/cancel', { ...byId(id), headers: WEB_REQUEST_HEADERS })),
}

export type TasksApi = typeof tasksApi
