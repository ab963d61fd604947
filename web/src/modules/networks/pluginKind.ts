// "New network" of a kind an enabled plugin adds (`GET /api/v1/network-kinds`, e.g. macvtap): the
// kind chosen, its params (a form from the kind's JSON Schema, `src/lib/pluginKind.ts`) and the
// body sent (`kind: plugin`, `pluginKind`, `params` as strings; no bridge, subnet or portgroups).
// Pure functions. The plugin stays the authority on its params (its refusal is a 422).
import type { NetworkKindInfo, NetworkSpec } from '@/api/types'
import { initialKindParams, pluginParams, type ParamsResult } from '@/lib/pluginKind'
import type { NetworkForm } from './spec'

export { kindOptionLabel, kindParamsForm, refusedParams } from '@/lib/pluginKind'

/** A network kind a plugin adds, as `GET /api/v1/network-kinds` lists it. */
export type NetworkKindChoice = Pick<NetworkKindInfo, 'name' | 'description' | 'plugin' | 'paramsSchema'>

/** Longest `pluginKind` the server takes (bytes). */
export const MAX_PLUGIN_KIND_BYTES = 64

type PluginFields = Pick<NetworkForm, 'pluginKind' | 'params' | 'paramsJson'>

/** The plugin fields of a form for choosing `name` of `kinds`: its params start at the schema's defaults. */
export function choosePluginKind(kinds: readonly NetworkKindChoice[], name: string): PluginFields {
  return { pluginKind: name, ...initialKindParams(kinds.find((k) => k.name === name)) }
}

const notOffered = (name: string) => `No enabled plugin adds the network kind '${name}'`

/** The params the form sends for its kind (as strings), or why it cannot. */
export function pluginKindParams(form: PluginFields, kinds: readonly NetworkKindChoice[]): ParamsResult {
  const kind = kinds.find((k) => k.name === form.pluginKind)
  if (!kind) return { ok: false, reason: form.pluginKind === '' ? 'Choose a network kind' : notOffered(form.pluginKind) }
  return pluginParams(kind, form)
}

/** The form's messages about its plugin kind: one must be offered, and its params fit its schema. */
export function pluginKindFormErrors(form: PluginFields, kinds: readonly NetworkKindChoice[]): { pluginKind?: string; params?: string } {
  if (kinds.length === 0) return { pluginKind: 'No enabled plugin adds network kinds' }
  if (!kinds.some((k) => k.name === form.pluginKind)) {
    return { pluginKind: form.pluginKind === '' ? 'Choose a network kind' : notOffered(form.pluginKind) }
  }
  const p = pluginKindParams(form, kinds)
  return p.ok ? {} : { params: p.reason }
}

/** The body of a plugin's kind: name, `kind: plugin`, the kind, its params (empty while invalid), both start flags. */
export function buildPluginNetworkSpec(form: NetworkForm, kinds: readonly NetworkKindChoice[]): NetworkSpec {
  const p = pluginKindParams(form, kinds)
  return {
    name: form.name.trim(),
    kind: 'plugin',
    pluginKind: form.pluginKind,
    params: p.ok ? p.params : {},
    autostart: form.autostart,
    start: form.start,
  }
}
