// Removing a NIC from a VM (`DELETE /api/v1/vms/{id}/nics/{mac}`); the caller confirms first.
import type { NicInventory, Task } from '@/api/types'
import { useTaskStore } from '@/stores/tasks'
import { vmsApi } from '../api'
import { existingNicCheck, type NicContext, type NicVm } from './nicCommon'
import type { CanRun } from './types'

export function canRun(vm: NicVm, nic: Pick<NicInventory, 'mac'>, ctx: NicContext): CanRun {
  return existingNicCheck(vm, nic, ctx)
}

/** Queues removing the NIC with `mac` and tracks its task. Throws ApiError. */
export async function run(vmId: string, mac: string): Promise<Task> {
  const task = await vmsApi.detachNic(vmId, mac)
  useTaskStore().track(task)
  return task
}
