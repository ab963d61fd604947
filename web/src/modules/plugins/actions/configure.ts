// A WASM plugin's configuration (`PUT /api/v1/plugins/{id}/config`), from the Configure dialog
// (a form from its `configSchema`). The plugin may refuse it (422, its reason).
import type { PluginEntry } from '@/api/types'
import { pluginsApi } from '../api'
import { commonChecks, no, yes, type CanRun, type PluginActionContext, type PluginLike } from './types'

/** Whether "Configure" is offered: a WASM plugin that loads and has a configuration schema. */
export function canRun(p: PluginLike, ctx: PluginActionContext = {}): CanRun {
  const common = commonChecks(p, ctx)
  if (!common.ok) return common
  return p.wasm!.configSchema ? yes : no('It has no configuration')
}

/** Whether the dialog can send: the button's checks, then the form's first error (`null`: none). */
export function canSubmit(p: PluginLike, formError: string | null, ctx: PluginActionContext = {}): CanRun {
  const common = canRun(p, ctx)
  if (!common.ok) return common
  return formError === null ? yes : no(formError)
}

/** Sends the configuration; resolves with the plugin now. Throws ApiError (422: the plugin's reason). */
export function run(p: Pick<PluginEntry, 'kind'>, config: Record<string, unknown>): Promise<PluginEntry> {
  return pluginsApi.setConfig(p.kind, config)
}
