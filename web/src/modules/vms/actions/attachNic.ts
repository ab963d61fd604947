// Adding a NIC to a VM (`POST /api/v1/vms/{id}/nics`) from the "Add NIC" dialog.
import type { Task } from '@/api/types'
import { useTaskStore } from '@/stores/tasks'
import { vmsApi } from '../api'
import { buildNicSpec, firstError, validateNicAddForm, type NicAddContext, type NicAddForm, type NicKindChoice } from '../nicSpec'
import { nicVmCheck, type NicContext, type NicVm } from './nicCommon'
import { no, yes, type CanRun } from './types'

/** Whether the "Add NIC" button works (a request running does not block a second NIC). */
export function canRun(vm: NicVm, ctx: NicContext): CanRun {
  return nicVmCheck(vm, { ...ctx, busy: false })
}

/** Whether the dialog's form can be sent: the VM allows it, nothing is being sent, every rule holds. */
export function canSubmit(vm: NicVm, form: NicAddForm, ctx: NicContext & NicAddContext): CanRun {
  const c = canRun(vm, ctx)
  if (!c.ok) return c
  if (ctx.busy) return no('The NIC is being added')
  const message = firstError(validateNicAddForm(form, ctx))
  return message === null ? yes : no(message)
}

/**
 * Queues adding the NIC the form describes (`kinds`: the NIC kinds plugins add, for a kind's
 * params) and tracks its task (the drawer shows it). Throws ApiError (a plugin's refusal of the
 * params is a 422 before any task exists).
 */
export async function run(vmId: string, form: NicAddForm, kinds: readonly NicKindChoice[] = []): Promise<Task> {
  const task = await vmsApi.attachNic(vmId, buildNicSpec(form, kinds))
  useTaskStore().track(task)
  return task
}
