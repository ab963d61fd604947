import type { ActionBody, BulkActionResult, PowerAction, Vm } from '@/api/types'
import { useTaskStore } from '@/stores/tasks'
import { vmsApi } from '../api'
import { canRun as canRunOne, type PowerContext } from './power'
import { no, yes, type CanRun } from './types'

/** The server takes up to 10,000 VMs per bulk request. */
export const MAX_BULK_VMS = 10_000

export interface BulkSplit {
  /** VMs the rules allow the action on. */
  eligible: Vm[]
  /** The others, each with the reason. */
  skipped: { vm: Vm; reason: string }[]
}

/** Splits a selection into the VMs the action is allowed on and the ones it is not. */
export function split(action: PowerAction, vms: readonly Vm[], ctxOf: (vm: Vm) => PowerContext): BulkSplit {
  const out: BulkSplit = { eligible: [], skipped: [] }
  for (const vm of vms) {
    const c = canRunOne(action, vm, ctxOf(vm))
    if (c.ok) out.eligible.push(vm)
    else out.skipped.push({ vm, reason: c.reason })
  }
  return out
}

/** A bulk action can run when at least one selected VM allows it. */
export function canRun(action: PowerAction, vms: readonly Vm[], ctxOf: (vm: Vm) => PowerContext): CanRun {
  if (vms.length === 0) return no('Select VMs first')
  if (vms.length > MAX_BULK_VMS) return no(`Select at most ${MAX_BULK_VMS.toLocaleString()} VMs`)
  const s = split(action, vms, ctxOf)
  if (s.eligible.length === 0) {
    const first = s.skipped[0]
    return no(vms.length === 1 && first ? first.reason : `None of the ${vms.length} selected VMs allows it${first ? ` (e.g. ${first.reason.toLowerCase()})` : ''}`)
  }
  return yes
}

/**
 * Queues the action on the VMs: one parent task (tracked in the drawer, with its number of
 * children) and one child per VM. Throws ApiError when the request as a whole is refused.
 */
export async function run(action: PowerAction, vmIds: readonly string[], opts: ActionBody = {}): Promise<BulkActionResult> {
  const res = await vmsApi.bulkPowerAction(action, [...new Set(vmIds)], opts)
  const store = useTaskStore()
  for (const t of res.tasks) store.upsert(t)
  store.track(res.parent, { children: res.tasks.length })
  return res
}
