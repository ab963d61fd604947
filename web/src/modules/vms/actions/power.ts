import type { ActionBody, Host, PowerAction, PowerActionRule, PowerState, Task, Vm } from '@/api/types'
import { useTaskStore } from '@/stores/tasks'
import { vmsApi } from '../api'
import { powerActionLabel, powerStateLabel } from '../format'
import { no, yes, type CanRun } from './types'

/** What decides whether a power action can run on a VM, besides the VM itself. */
export interface PowerContext {
  /** The server's rules; `null` while they load. */
  rules: readonly PowerActionRule[] | null
  /** Why the rules could not be loaded, if so. */
  rulesError?: string | null
  /** The VM's host (its state and its driver's `facts.powerActions`). */
  host: Pick<Host, 'state' | 'facts'> | null | undefined
  /** An unfinished task on the VM (the server runs one action per VM at a time). */
  busy?: Pick<Task, 'kind'> | null
}

export type PowerVm = Pick<Vm, 'managed' | 'goneAt' | 'state' | 'persistent' | 'autostart'>

const states = (list: readonly PowerState[]) => list.map(powerStateLabel).join(', ')

/**
 * Whether `action` may run on `vm`, by the server's rules (allowed states, persistent VMs only)
 * and what the host's driver can do; switching autostart to what it already is is not offered.
 * The server checks again; this only disables buttons.
 */
export function canRun(action: PowerAction, vm: PowerVm, ctx: PowerContext): CanRun {
  if (!vm.managed) return no('Import the VM first')
  if (vm.goneAt) return no('The VM no longer exists on its host')
  if (!ctx.rules) return no(ctx.rulesError ? `Power rules unavailable: ${ctx.rulesError}` : 'Loading…')
  const rule = ctx.rules.find((r) => r.action === action)
  if (!rule) return no('The server does not offer this action')
  if (!ctx.host) return no('Unknown host')
  if (ctx.host.state !== 'connected') return no('Host is not connected')
  const capable = ctx.host.facts?.powerActions
  if (capable && !capable.includes(action)) return no(`The host’s driver cannot ${powerActionLabel(action).toLowerCase()}`)
  if (ctx.busy) return no(`A task is running on this VM (${ctx.busy.kind})`)
  if (rule.needsPersistent && !vm.persistent) return no('Only for VMs with a persistent definition (this one is transient)')
  if (!rule.allowedStates.includes(vm.state)) {
    return no(`Not while ${powerStateLabel(vm.state)}; allowed when ${states(rule.allowedStates)}`)
  }
  if (action === 'autostartOn' && vm.autostart) return no('Already starts when its host boots')
  if (action === 'autostartOff' && !vm.autostart) return no('Already does not start when its host boots')
  return yes
}

/**
 * How the user confirms an action: `shutdown` opens its own dialog (plain or with a force-off
 * timeout); destructive actions (by the server's rule) and reboots ask first; the rest run at once.
 */
export function confirmKind(action: PowerAction, rule: Pick<PowerActionRule, 'destructive'> | null): 'shutdownDialog' | 'confirm' | 'none' {
  if (action === 'shutdown') return 'shutdownDialog'
  if (rule?.destructive || action === 'reboot') return 'confirm'
  return 'none'
}

/** Queues the action on one VM and tracks its task (the drawer shows it); throws ApiError. */
export async function run(vmId: string, action: PowerAction, body?: ActionBody): Promise<Task> {
  const task = await vmsApi.powerAction(vmId, action, body)
  useTaskStore().track(task)
  return task
}
