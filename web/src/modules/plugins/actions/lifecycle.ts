// Enable, disable and reload of one WASM plugin (`POST /api/v1/plugins/{id}/actions/{action}`).
import type { PluginAction, PluginEntry } from '@/api/types'
import { pluginsApi } from '../api'
import { commonChecks, no, yes, type CanRun, type PluginActionContext, type PluginLike } from './types'

/**
 * Pure: what the on/off button sends: Disable for an enabled plugin, Enable otherwise (an
 * unhealthy one is enabled again, which forgives its faults).
 */
export function toggleActionOf(p: PluginLike): 'enable' | 'disable' {
  return p.wasm?.state === 'enabled' ? 'disable' : 'enable'
}

/**
 * Whether `action` may run on `p`: never on a built-in, nor while a request for it runs; a broken
 * plugin only reloads; enabling an enabled plugin or disabling a disabled one is pointless. The
 * server checks again; this only disables buttons.
 */
export function canRun(action: PluginAction, p: PluginLike, ctx: PluginActionContext = {}): CanRun {
  const common = commonChecks(p, ctx, action === 'reload')
  if (!common.ok) return common
  const state = p.wasm!.state
  switch (action) {
    case 'enable':
      return state === 'enabled' ? no('Already enabled') : yes
    case 'disable':
      return state === 'disabled' ? no('Already disabled') : yes
    case 'reload':
      return yes
  }
}

/** Sends the action; resolves with the plugin now. Throws ApiError. */
export function run(p: Pick<PluginEntry, 'kind'>, action: PluginAction): Promise<PluginEntry> {
  return pluginsApi.action(p.kind, action)
}
