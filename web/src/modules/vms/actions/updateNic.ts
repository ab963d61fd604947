// Changing a NIC (`PATCH /api/v1/vms/{id}/nics/{mac}`) from the "Change NIC" dialog: its network,
// portgroup, VLANs or link.
import type { Network, NicInventory, Task } from '@/api/types'
import { useTaskStore } from '@/stores/tasks'
import { vmsApi } from '../api'
import { buildNicUpdate, validateNicChangeForm, type NicChangeForm } from '../nicChange'
import { firstError } from '../nicSpec'
import { existingNicCheck, type NicContext, type NicVm } from './nicCommon'
import { no, yes, type CanRun } from './types'

type Nic = Parameters<typeof buildNicUpdate>[0] & Pick<NicInventory, 'mac'>

export function canRun(vm: NicVm, nic: Pick<NicInventory, 'mac'>, ctx: NicContext): CanRun {
  return existingNicCheck(vm, nic, ctx)
}

/** Whether the dialog's form can be sent: the NIC allows it, and it changes something valid. */
export function canSubmit(vm: NicVm, nic: Nic, form: NicChangeForm, ctx: NicContext & { networks: readonly Network[] }): CanRun {
  const c = canRun(vm, nic, { ...ctx, busy: false })
  if (!c.ok) return c
  if (ctx.busy) return no('The change is being sent')
  const message = firstError(validateNicChangeForm(nic, form, ctx.networks))
  return message === null ? yes : no(message)
}

/** Queues the change and tracks its task. Throws ApiError. */
export async function run(vmId: string, nic: Nic & { mac: string }, form: NicChangeForm): Promise<Task> {
  const task = await vmsApi.updateNic(vmId, nic.mac, buildNicUpdate(nic, form))
  useTaskStore().track(task)
  return task
}
