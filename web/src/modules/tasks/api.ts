// The only place that talks HTTP for tasks. Everything throws ApiError on non-2xx.
import { api, unwrap } from '@/api/client'
import type { Task, TaskList, TaskListQuery } from '@/api/types'

export const tasksApi = {
  list: (query: TaskListQuery): Promise<TaskList> => unwrap(api.GET('/api/v1/tasks', { params: { query } })),
  get: (id: string): Promise<Task> => unwrap(api.GET('/api/v1/tasks/{id}', { params: { path: { id } } })),
}

export type TasksApi = typeof tasksApi
