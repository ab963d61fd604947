// The link switch of a NIC: disconnect (link down, as if the cable were pulled) or connect it
// again (`PATCH /api/v1/vms/{id}/nics/{mac}` with `linkUp`).
import type { NicInventory, Task } from '@/api/types'
import { useTaskStore } from '@/stores/tasks'
import { vmsApi } from '../api'
import { isLinkUp } from '../nicChange'
import { existingNicCheck, type NicContext, type NicVm } from './nicCommon'
import type { CanRun } from './types'

export type NicLinkAction = 'connect' | 'disconnect'

/** Pure: what the switch does now: disconnect a NIC whose link is up, connect one that is down. */
export function linkActionOf(nic: Pick<NicInventory, 'linkState'>): NicLinkAction {
  return isLinkUp(nic) ? 'disconnect' : 'connect'
}

export function canRun(vm: NicVm, nic: Pick<NicInventory, 'mac'>, ctx: NicContext): CanRun {
  return existingNicCheck(vm, nic, ctx)
}

/** Queues setting the link the other way and tracks its task. Throws ApiError. */
export async function run(vmId: string, nic: Pick<NicInventory, 'linkState'> & { mac: string }): Promise<Task> {
  const task = await vmsApi.updateNic(vmId, nic.mac, { linkUp: linkActionOf(nic) === 'connect' })
  useTaskStore().track(task)
  return task
}
