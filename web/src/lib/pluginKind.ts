// Kinds enabled WASM plugins add (NIC kinds, network kinds), each with the JSON Schema of its
// `params`: the form of those params (`jsonSchemaForm`), what the form sends (an object of
// strings) and which params a plugin's refusal names. Pure functions, shared by the modules whose
// dialogs offer a "Plugin kind"; each module keeps its own wording ("NIC kind", "network kind").
import { buildConfig, firstFormError, formFromSchema, initialValues, validateForm, type FormValues, type SchemaForm } from './jsonSchemaForm'

/** A kind as the server lists it (`GET /api/v1/nic-kinds`, `GET /api/v1/network-kinds`). */
export interface PluginKindChoice {
  name: string
  description: string
  /** The id of the plugin that adds it. */
  plugin: string
  paramsSchema: unknown
}

/** The params of a kind as a dialog holds them. */
export interface PluginParamsForm {
  /** As the schema's form holds them (a schema the form can render). */
  params: FormValues
  /** A JSON object of strings as typed (a schema the form cannot render). */
  paramsJson: string
}

/** The form of a kind's params (`null` when its schema is not one the form can render). */
export const kindParamsForm = (kind: Pick<PluginKindChoice, 'paramsSchema'> | null | undefined): SchemaForm | null =>
  kind ? formFromSchema(kind.paramsSchema) : null

/** "macvtap — Direct attachment to a host device through macvtap". */
export function kindOptionLabel(k: Pick<PluginKindChoice, 'name' | 'description'>): string {
  const d = k.description.trim()
  return d ? `${k.name} — ${d}` : k.name
}

/** The params a form starts with for `kind`: the schema's defaults (none when it has no form). */
export function initialKindParams(kind: Pick<PluginKindChoice, 'paramsSchema'> | null | undefined): PluginParamsForm {
  const form = kindParamsForm(kind)
  return { params: form ? initialValues(form, null) : {}, paramsJson: '{}' }
}

/**
 * The params a plugin's refusal names: it says "network kind 'macvtap': dev: 'x y' is not …", each
 * problem led by its key and a colon.
 */
export function refusedParams(message: string, keys: readonly string[]): string[] {
  return keys.filter((k) => message.startsWith(`${k}:`) || message.includes(`: ${k}:`) || message.includes(`; ${k}:`))
}

export type ParamsResult = { ok: true; params: Record<string, string> } | { ok: false; reason: string }

/** A JSON value as a param (the server takes strings); `null` for what is not a scalar. */
function paramText(v: unknown): string | null {
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  return null
}

/**
 * The params the form sends for `kind`: the form's values (empty optional ones left out, numbers
 * and switches as their text), or the typed JSON object of strings; else why not.
 */
export function pluginParams(kind: Pick<PluginKindChoice, 'paramsSchema'>, form: PluginParamsForm): ParamsResult {
  const schemaForm = kindParamsForm(kind)
  const params: Record<string, string> = {}
  if (schemaForm) {
    const message = firstFormError(schemaForm, validateForm(schemaForm, form.params))
    if (message) return { ok: false, reason: message }
    for (const [key, v] of Object.entries(buildConfig(schemaForm, form.params))) {
      const text = paramText(v)
      if (text !== null) params[key] = text
    }
    return { ok: true, params }
  }
  let v: unknown
  try {
    v = JSON.parse(form.paramsJson)
  } catch (e) {
    return { ok: false, reason: `Parameters: not JSON: ${e instanceof Error ? e.message : String(e)}` }
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { ok: false, reason: 'Parameters: must be a JSON object' }
  for (const [key, value] of Object.entries(v)) {
    if (typeof value !== 'string') return { ok: false, reason: `Parameters: '${key}' must be a string` }
    params[key] = value
  }
  return { ok: true, params }
}
