// Task list filters <-> URL query (so /tasks?vmId=… links work and reloads keep the view).
import type { LocationQuery, LocationQueryRaw } from 'vue-router'
import type { TaskState } from '@/api/types'
import { defaultTaskFilter, TASK_PER_PAGE_OPTIONS, TASK_STATES, type TaskListFilter } from './queries'

const one = (v: LocationQuery[string] | undefined): string | null => (Array.isArray(v) ? (v[0] ?? null) : v) || null

export function taskFilterFromQuery(q: LocationQuery): Partial<TaskListFilter> {
  const out: Partial<TaskListFilter> = {}
  const state = one(q.state)
  if (state && (TASK_STATES as readonly string[]).includes(state)) out.state = state as TaskState
  const vmId = one(q.vmId)
  if (vmId) out.vmId = vmId
  const page = Number(one(q.page))
  if (Number.isInteger(page) && page >= 1) out.page = page
  const perPage = Number(one(q.perPage))
  if ((TASK_PER_PAGE_OPTIONS as readonly number[]).includes(perPage)) out.perPage = perPage
  return out
}

export function queryFromTaskFilter(f: TaskListFilter): LocationQueryRaw {
  const d = defaultTaskFilter()
  const q: LocationQueryRaw = {}
  if (f.state) q.state = f.state
  if (f.vmId) q.vmId = f.vmId
  if (f.page !== d.page) q.page = String(f.page)
  if (f.perPage !== d.perPage) q.perPage = String(f.perPage)
  return q
}

export function taskQueryKey(q: LocationQuery | LocationQueryRaw): string {
  return JSON.stringify(Object.keys(q).sort().map((k) => [k, String(q[k])]))
}
