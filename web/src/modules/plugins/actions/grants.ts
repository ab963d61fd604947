// The capabilities granted to a WASM plugin (`PUT /api/v1/plugins/{id}/grants`), from the
// Capabilities dialog: one checkbox per capability its manifest asks for.
import type { PluginEntry } from '@/api/types'
import { pluginsApi } from '../api'
import { commonChecks, no, yes, type CanRun, type PluginActionContext, type PluginLike } from './types'

/** Whether the Capabilities dialog opens: a WASM plugin that loads and asks for at least one. */
export function canRun(p: PluginLike, ctx: PluginActionContext = {}): CanRun {
  const common = commonChecks(p, ctx)
  if (!common.ok) return common
  return p.wasm!.capabilities.length ? yes : no('Its manifest asks for no capabilities')
}

/** Pure: the grants the dialog sends: the checked ones among those requested, in the manifest's order. */
export function grantsToSend(requested: readonly string[], checked: ReadonlySet<string> | readonly string[]): string[] {
  const set = new Set(checked)
  return requested.filter((c) => set.has(c))
}

/** Pure: whether the checked set differs from what is granted now. */
export function grantsChanged(granted: readonly string[], send: readonly string[]): boolean {
  return granted.length !== send.length || send.some((c) => !granted.includes(c))
}

/** Whether the dialog can send: the button's checks, and something changed. */
export function canSubmit(p: PluginLike, send: readonly string[], ctx: PluginActionContext = {}): CanRun {
  const common = canRun(p, ctx)
  if (!common.ok) return common
  return grantsChanged(p.wasm!.granted, send) ? yes : no('Nothing changed')
}

/** Grants exactly `capabilities` (the others are revoked); resolves with the plugin now. Throws ApiError. */
export function run(p: Pick<PluginEntry, 'kind'>, capabilities: string[]): Promise<PluginEntry> {
  return pluginsApi.setGrants(p.kind, capabilities)
}
