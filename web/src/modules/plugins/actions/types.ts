import type { PluginEntry } from '@/api/types'

/** Result of an action's `canRun`: when `ok` is false, `reason` explains why (used as a tooltip). */
export type CanRun = { ok: true } | { ok: false; reason: string }

export const yes: CanRun = { ok: true }
export const no = (reason: string): CanRun => ({ ok: false, reason })

/** What decides whether an action can run on a plugin, besides the plugin itself. */
export interface PluginActionContext {
  /** A request for this plugin is running. */
  busy?: boolean
}

export type PluginLike = Pick<PluginEntry, 'builtin' | 'wasm'>

export const BUILTIN_REASON = 'Built-in: part of the server'
export const BROKEN_REASON = 'Broken: it does not load; only Reload and Remove are possible'
export const BUSY_REASON = 'A request for this plugin is running'

/**
 * Checks every action shares: built-ins are part of the server (the server answers 409
 * `action_not_allowed`), nothing while a request for the plugin runs; and, unless `brokenOk`,
 * a broken plugin only reloads or goes.
 */
export function commonChecks(p: PluginLike, ctx: PluginActionContext, brokenOk = false): CanRun {
  if (p.builtin || !p.wasm) return no(BUILTIN_REASON)
  if (ctx.busy) return no(BUSY_REASON)
  if (!brokenOk && p.wasm.state === 'broken') return no(BROKEN_REASON)
  return yes
}
