// What every power control (detail buttons, row menu, bulk bar) does when clicked: decide
// whether the action is possible (server rules, host driver, running task), ask first where it
// must (the shutdown dialog, a confirmation for destructive actions and reboots, the count for
// bulk requests), send it, and report refusals (409/404 messages) as error toasts. The task
// itself then shows in the task drawer.
import { computed, reactive, ref } from 'vue'
import type { ActionBody, Host, PowerAction, Vm } from '@/api/types'
import { errorMessage } from '@/api/client'
import { useConfirm } from '@/composables/useConfirm'
import { useTaskStore } from '@/stores/tasks'
import { useToastStore } from '@/stores/toasts'
import { bulkPowerAction, powerAction, type CanRun, type PowerContext } from './actions'
import { powerActionHint, powerActionLabel } from './format'
import { usePowerRules } from './powerRules'

export type PowerHost = Pick<Host, 'state' | 'facts'>

const vmsNoun = (n: number) => `${n.toLocaleString()} VM${n === 1 ? '' : 's'}`

/** State of the one shutdown dialog a power control renders (`VmShutdownModal`). */
export interface ShutdownDialogState {
  open: boolean
  /** `"web-1"` or `37 VMs`. */
  target: string
  /** Note under the choice (e.g. VMs skipped in a bulk request). */
  note: string
}

export function usePowerFlow(hostOf: (vm: Pick<Vm, 'hostId'>) => PowerHost | null | undefined) {
  const rules = usePowerRules()
  const tasks = useTaskStore()
  const toasts = useToastStore()
  const { confirm } = useConfirm()
  /** `vmId:action` or `bulk:action` of the request being sent. */
  const pending = ref<string | null>(null)
  const shutdownDialog = reactive<ShutdownDialogState>({ open: false, target: '', note: '' })
  let settle: ((body: ActionBody | null) => void) | null = null

  const contextOf = (vm: Vm): PowerContext => ({
    rules: rules.rules,
    rulesError: rules.error,
    host: hostOf(vm),
    busy: tasks.activeFor(vm.id),
  })
  /** The actions in the server's order (empty until the rules are loaded). */
  const actions = computed<PowerAction[]>(() => rules.rules?.map((r) => r.action) ?? [])
  const destructive = (a: PowerAction) => rules.rule(a)?.destructive ?? false

  const can = (action: PowerAction, vm: Vm) => powerAction.canRun(action, vm, contextOf(vm))
  const canBulk = (action: PowerAction, vms: readonly Vm[]) => bulkPowerAction.canRun(action, vms, contextOf)
  /** Tooltip of a control: what the action does, or why it cannot run. */
  const tooltip = (action: PowerAction, c: CanRun) => (c.ok ? powerActionHint(action) : c.reason)

  function askShutdown(target: string, note = ''): Promise<ActionBody | null> {
    settle?.(null)
    Object.assign(shutdownDialog, { open: true, target, note })
    return new Promise((resolve) => (settle = resolve))
  }

  /** Called by the shutdown dialog: the options chosen, or `null` when cancelled. */
  function settleShutdown(body: ActionBody | null) {
    shutdownDialog.open = false
    const s = settle
    settle = null
    s?.(body)
  }

  /**
   * Asks as the action requires (`always`: even when the action itself needs no confirmation,
   * as for bulk requests); `null` when the user cancelled, else the request body.
   */
  async function ask(action: PowerAction, o: { target: string; title: string; note?: string; always?: boolean }): Promise<ActionBody | null> {
    const kind = powerAction.confirmKind(action, rules.rule(action))
    if (kind === 'shutdownDialog') return askShutdown(o.target, o.note)
    if (kind === 'none' && !o.always) return {}
    const label = powerActionLabel(action)
    const ok = await confirm({
      title: o.title,
      message: `${label} ${o.target}? ${powerActionHint(action)}.${o.note ? ` ${o.note}` : ''}`,
      confirmLabel: label,
      danger: destructive(action),
    })
    return ok ? {} : null
  }

  /** Runs `action` on one VM after asking where needed. */
  async function runOne(vm: Vm, action: PowerAction): Promise<void> {
    const label = powerActionLabel(action)
    const body = await ask(action, { target: `"${vm.name}"`, title: `${label} ${vm.name}` })
    if (!body) return
    pending.value = `${vm.id}:${action}`
    try {
      await powerAction.run(vm.id, action, body.forceAfterSecs ? body : undefined)
    } catch (e) {
      toasts.error(`Could not ${label.toLowerCase()} ${vm.name}`, errorMessage(e))
    } finally {
      pending.value = null
    }
  }

  /**
   * Runs `action` on the selected VMs the rules allow it on, after confirming with their count
   * ("Force off 37 VMs?"). Resolves true when the request was accepted.
   */
  async function runMany(vms: readonly Vm[], action: PowerAction): Promise<boolean> {
    const s = bulkPowerAction.split(action, vms, contextOf)
    if (s.eligible.length === 0) return false
    const label = powerActionLabel(action)
    const noun = vmsNoun(s.eligible.length)
    const note = s.skipped.length
      ? `${vmsNoun(s.skipped.length)} of the selection ${s.skipped.length === 1 ? 'is' : 'are'} skipped: the action is not possible for ${s.skipped.length === 1 ? 'it' : 'them'} now.`
      : ''
    const body = await ask(action, { target: noun, title: `${label} ${noun}?`, note, always: true })
    if (!body) return false
    pending.value = `bulk:${action}`
    try {
      const res = await bulkPowerAction.run(
        action,
        s.eligible.map((v) => v.id),
        body,
      )
      if (res.notFound.length) toasts.info(`${vmsNoun(res.notFound.length)} no longer exist`, 'They were left out.')
      return true
    } catch (e) {
      toasts.error(`Could not ${label.toLowerCase()} ${noun}`, errorMessage(e))
      return false
    } finally {
      pending.value = null
    }
  }

  return { rules, actions, destructive, can, canBulk, tooltip, runOne, runMany, pending, shutdownDialog, settleShutdown }
}

export type PowerFlow = ReturnType<typeof usePowerFlow>
