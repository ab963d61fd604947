// Removing a WASM plugin and its files (`DELETE /api/v1/plugins/{id}`).
import type { PluginEntry } from '@/api/types'
import { pluginsApi } from '../api'
import { commonChecks, type CanRun, type PluginActionContext, type PluginLike } from './types'

/** Whether "Remove" is offered: on any WASM plugin (broken ones too), not while a request for it runs. */
export function canRun(p: PluginLike, ctx: PluginActionContext = {}): CanRun {
  return commonChecks(p, ctx, true)
}

/** Pure: what the confirmation asks. */
export function confirmMessage(p: Pick<PluginEntry, 'name' | 'kind' | 'wasm'>): string {
  const kinds = p.wasm?.nicKinds ?? []
  const nics = kinds.length ? ` NICs of kind ${kinds.join(', ')} can no longer be added or changed.` : ''
  return `Remove plugin "${p.name}" (${p.kind})? Its files, grants and saved configuration are deleted.${nics}`
}

/** Removes the plugin (the caller confirms first). Throws ApiError. */
export async function run(p: Pick<PluginEntry, 'kind'>): Promise<void> {
  await pluginsApi.remove(p.kind)
}
