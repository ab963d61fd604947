// What the plugin controls of the Plugins page do when clicked: decide whether the action is
// possible, ask first before removing, send it, show the answer in the row at once, then refetch
// the list (the server sends no plugin events), and report refusals as error toasts. The
// Capabilities and Configure dialogs send their own requests and hand their answer to `saved`.
import { reactive, ref } from 'vue'
import type { PluginAction, PluginEntry } from '@/api/types'
import { errorMessage } from '@/api/client'
import { useConfirm } from '@/composables/useConfirm'
import { useToastStore } from '@/stores/toasts'
import { configurePlugin, grantPlugin, pluginLifecycle, removePlugin, type CanRun } from './actions'

/** What the flow changes in the list it shows (`usePlugins()`). */
export interface PluginListPatch {
  upsert(p: PluginEntry): void
  remove(kind: string): void
  refetch(): Promise<void>
}

export type PluginFlowAction = PluginAction | 'remove'

const FAILED: Record<PluginFlowAction, (name: string) => string> = {
  enable: (name) => `Could not enable ${name}`,
  disable: (name) => `Could not disable ${name}`,
  reload: (name) => `Could not reload ${name}`,
  remove: (name) => `Could not remove ${name}`,
}

export function usePluginFlow(list: PluginListPatch) {
  const toasts = useToastStore()
  const { confirm } = useConfirm()
  /** The request running for each plugin (by kind). */
  const pending = reactive(new Map<string, PluginFlowAction>())
  /** The plugin (kind) whose Capabilities / Configure dialog is open. */
  const grantsFor = ref<string | null>(null)
  const configFor = ref<string | null>(null)

  const ctx = (p: PluginEntry) => ({ busy: pending.has(p.kind) })
  const pendingOf = (p: PluginEntry): PluginFlowAction | null => pending.get(p.kind) ?? null
  const can = (action: PluginAction, p: PluginEntry): CanRun => pluginLifecycle.canRun(action, p, ctx(p))
  const canRemove = (p: PluginEntry): CanRun => removePlugin.canRun(p, ctx(p))
  const canGrant = (p: PluginEntry): CanRun => grantPlugin.canRun(p, ctx(p))
  const canConfigure = (p: PluginEntry): CanRun => configurePlugin.canRun(p, ctx(p))

  function report(action: PluginFlowAction, p: PluginEntry, e: unknown) {
    toasts.error(FAILED[action](p.name), errorMessage(e))
    // Whatever happened, show the list as the server has it now.
    void list.refetch()
  }

  /** Enables, disables or reloads one plugin. */
  async function run(p: PluginEntry, action: PluginAction): Promise<void> {
    if (!can(action, p).ok) return
    pending.set(p.kind, action)
    try {
      list.upsert(await pluginLifecycle.run(p, action))
      void list.refetch()
    } catch (e) {
      report(action, p, e)
    } finally {
      pending.delete(p.kind)
    }
  }

  /** Removes one plugin after a confirmation. */
  async function remove(p: PluginEntry): Promise<void> {
    if (!canRemove(p).ok) return
    const ok = await confirm({
      title: `Remove ${p.name}`,
      message: removePlugin.confirmMessage(p),
      confirmLabel: 'Remove',
      danger: true,
    })
    if (!ok || pending.has(p.kind)) return
    pending.set(p.kind, 'remove')
    try {
      await removePlugin.run(p)
      list.remove(p.kind)
      toasts.success('Plugin removed', p.name)
      void list.refetch()
    } catch (e) {
      report('remove', p, e)
    } finally {
      pending.delete(p.kind)
    }
  }

  function openGrants(p: PluginEntry) {
    if (canGrant(p).ok) grantsFor.value = p.kind
  }
  function openConfig(p: PluginEntry) {
    if (canConfigure(p).ok) configFor.value = p.kind
  }
  function closeDialogs() {
    grantsFor.value = null
    configFor.value = null
  }

  /** A dialog's (or the install's) answer: shown at once, then the list is fetched again. */
  function saved(p: PluginEntry) {
    list.upsert(p)
    void list.refetch()
  }

  return {
    can,
    canRemove,
    canGrant,
    canConfigure,
    pendingOf,
    run,
    remove,
    grantsFor,
    configFor,
    openGrants,
    openConfig,
    closeDialogs,
    saved,
  }
}

export type PluginFlow = ReturnType<typeof usePluginFlow>
