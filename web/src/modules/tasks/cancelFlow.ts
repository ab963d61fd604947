// What a Cancel button on a task does when clicked: for a bulk request, confirm first (with the
// number of VMs still to go when the known tasks tell it); send the request; report refusals
// (409: it already ended, 404) as error toasts. The task then ends as `cancelled` over the
// `tasks` topic, with who cancelled it as its message.
import { reactive } from 'vue'
import type { Task } from '@/api/types'
import { errorMessage } from '@/api/client'
import { useConfirm } from '@/composables/useConfirm'
import { useTaskStore } from '@/stores/tasks'
import { useToastStore } from '@/stores/toasts'
import { cancelTask } from './actions'
import { isBulkParent, taskKindLabel } from './format'

/** `sending` while the request is in flight, `sent` once accepted (until the task ends). */
export type CancelStatus = 'sending' | 'sent'

// Shared by every button, so the drawer and the Tasks page agree on a task being cancelled.
const statuses = reactive(new Map<string, CancelStatus>())

const UNDONE_NOTE = 'A request already sent to a host is not undone (a guest asked to shut down may still do so).'

export function useCancelTask() {
  const tasks = useTaskStore()
  const toasts = useToastStore()
  const { confirm } = useConfirm()

  const can = (t: Task) => cancelTask.canRun(t)
  const status = (id: string): CancelStatus | null => statuses.get(id) ?? null
  /** VMs of a bulk request still queued or running, when known exactly. */
  const remaining = (t: Task) => cancelTask.remainingChildren(t, tasks.tasks, tasks.trackedInfo(t.id)?.children)
  /** Tooltip of the button. */
  const hint = (t: Task) =>
    isBulkParent(t) ? 'Cancel the VMs of this request that are still queued or running' : 'Stop this task'

  /** Bulk requests ask first; single tasks are cancelled at once. */
  function ask(t: Task): Promise<boolean> {
    if (!isBulkParent(t)) return Promise.resolve(true)
    const n = remaining(t)
    return confirm({
      title: n ? `Cancel the remaining ${n.toLocaleString()} VM${n === 1 ? '' : 's'}?` : 'Cancel this bulk request?',
      message: `${taskKindLabel(t.kind)} of ${t.targetName}: the VMs still queued or running are cancelled. ${UNDONE_NOTE}`,
      confirmLabel: 'Cancel VMs',
      cancelLabel: 'Keep going',
      danger: true,
    })
  }

  /** Cancels the task after asking where needed; resolves true when the server accepted. */
  async function cancel(t: Task): Promise<boolean> {
    if (!can(t).ok || statuses.has(t.id)) return false
    if (!(await ask(t))) return false
    statuses.set(t.id, 'sending')
    try {
      await cancelTask.run(t)
      statuses.set(t.id, 'sent')
      return true
    } catch (e) {
      statuses.delete(t.id)
      toasts.error(`Could not cancel ${taskKindLabel(t.kind).toLowerCase()} of ${t.targetName}`, errorMessage(e))
      return false
    }
  }

  return { can, status, remaining, hint, cancel }
}

export type CancelFlow = ReturnType<typeof useCancelTask>
