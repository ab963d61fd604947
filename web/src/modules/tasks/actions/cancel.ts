import type { Task } from '@/api/types'
import { isApiError } from '@/api/client'
import { isTerminal, useTaskStore } from '@/stores/tasks'
import { tasksApi } from '../api'
import { no, yes, type CanRun } from './types'

/** Only queued and running tasks can be cancelled (the server answers 409 for ended ones). */
export function canRun(task: Pick<Task, 'state'>): CanRun {
  return isTerminal(task.state) ? no(`The task has ended (${task.state})`) : yes
}

/**
 * Pure: how many VMs of a bulk request are still queued or running, when the known tasks say so
 * exactly: `total` (its number of children) is known and every child is among `known`. The
 * parent's progress (share finished, rounded down) bounds the count; a count above it means some
 * child's end was missed, so `null` (unknown) rather than a wrong number. `null` also for none left.
 */
export function remainingChildren(
  parent: Pick<Task, 'id' | 'progress'>,
  known: readonly Pick<Task, 'parentId' | 'state'>[],
  total: number | null | undefined,
): number | null {
  if (!total) return null
  const children = known.filter((t) => t.parentId === parent.id)
  if (children.length !== total) return null
  const left = children.filter((t) => !isTerminal(t.state)).length
  const atMost = total - Math.ceil((parent.progress * total) / 100)
  return left > 0 && left <= atMost ? left : null
}

/**
 * Asks the server to cancel the task and merges the task as it is now; it then ends as
 * `cancelled` through a `taskUpdated` event. Throws ApiError (409: it already ended, in which case
 * the task is read again so a stale copy does not keep offering Cancel; 404: unknown).
 */
export async function run(task: Pick<Task, 'id'>): Promise<Task> {
  const store = useTaskStore()
  try {
    const now = await tasksApi.cancel(task.id)
    store.upsert(now)
    return now
  } catch (e) {
    if (isApiError(e) && e.status === 409) {
      tasksApi.get(task.id).then(
        (fresh) => store.upsert(fresh),
        () => {
          /* the next event or reconnect tells */
        },
      )
    }
    throw e
  }
}
