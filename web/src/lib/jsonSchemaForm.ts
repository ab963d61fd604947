// A form from a JSON Schema, all pure: the fields a schema describes, the values a form starts
// with, their validation and the object sent to the server. Used for a WASM plugin's configuration
// (`configSchema`) and for the params of a NIC kind a plugin adds (`paramsSchema`); the
// `SchemaFields` component (`src/components/ui`) renders such a form.
//
// Supported: an object (`type: "object"` or just `properties`) whose properties are strings (an
// `enum` becomes a select; `minLength`, `maxLength`, `pattern`), integers and numbers (`minimum`,
// `maximum`, `exclusiveMinimum`, `exclusiveMaximum`) or booleans, with `required`, `title` (the
// label), `description` (the help) and `default`. Other properties (arrays, nested objects…) are
// listed as not editable here and keep their saved values. A schema that is not such an object
// has no form (the caller then edits JSON). The server (the plugin) stays the authority: it may
// still refuse what passes here.

export type FieldKind = 'text' | 'integer' | 'number' | 'boolean' | 'enum'

/** A choice of an `enum` field: `value` is what the select holds, `raw` what is sent. */
export interface EnumOption {
  value: string
  label: string
  raw: string | number | boolean | null
}

export interface SchemaField {
  key: string
  kind: FieldKind
  /** `title`, else the property name. */
  label: string
  /** `description`. */
  help: string | null
  required: boolean
  /** The schema's `default`, when it fits the field. */
  default: unknown
  options: EnumOption[]
  minLength: number | null
  maxLength: number | null
  pattern: string | null
  minimum: number | null
  maximum: number | null
  exclusiveMinimum: number | null
  exclusiveMaximum: number | null
}

export interface SchemaForm {
  fields: SchemaField[]
  /** Properties of the schema this form cannot edit (their saved values are kept). */
  unsupported: string[]
}

/** What the form holds: text of text/number/enum fields, the state of boolean ones. */
export type FormValues = Record<string, string | boolean>
export type FormErrors = Record<string, string>

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null)

/** The one JSON type of a property (`["string", "null"]` counts as `string`); inferred from an enum. */
function typeOf(p: Json): string | null {
  const t = p.type
  if (typeof t === 'string') return t
  if (Array.isArray(t)) {
    const real = t.filter((x) => x !== 'null')
    return real.length === 1 && typeof real[0] === 'string' ? real[0] : null
  }
  if (Array.isArray(p.enum) && p.enum.length > 0) {
    const kinds = new Set(p.enum.map((v) => (typeof v === 'number' ? 'number' : typeof v)))
    return kinds.size === 1 ? [...kinds][0]! : null
  }
  return null
}

function enumOptions(values: unknown[]): EnumOption[] | null {
  const out: EnumOption[] = []
  for (const v of values) {
    if (v !== null && !['string', 'number', 'boolean'].includes(typeof v)) return null
    const value = String(v)
    if (!out.some((o) => o.value === value)) out.push({ value, label: value, raw: v as EnumOption['raw'] })
  }
  return out
}

/** Pure: one field of a property, or `null` when the form cannot edit it. */
export function fieldOf(key: string, prop: unknown, required: boolean): SchemaField | null {
  if (!isObject(prop)) return null
  const type = typeOf(prop)
  const base: SchemaField = {
    key,
    kind: 'text',
    label: str(prop.title)?.trim() || key,
    help: str(prop.description)?.trim() || null,
    required,
    default: undefined,
    options: [],
    minLength: num(prop.minLength),
    maxLength: num(prop.maxLength),
    pattern: str(prop.pattern),
    minimum: num(prop.minimum),
    maximum: num(prop.maximum),
    // Draft 4 spells these as booleans beside minimum/maximum.
    exclusiveMinimum: prop.exclusiveMinimum === true ? num(prop.minimum) : num(prop.exclusiveMinimum),
    exclusiveMaximum: prop.exclusiveMaximum === true ? num(prop.maximum) : num(prop.exclusiveMaximum),
  }
  if (prop.exclusiveMinimum === true) base.minimum = null
  if (prop.exclusiveMaximum === true) base.maximum = null
  if (Array.isArray(prop.enum)) {
    if (type !== 'string' && type !== 'integer' && type !== 'number') return null
    const options = enumOptions(prop.enum)
    if (!options || options.length === 0) return null
    const field = { ...base, kind: 'enum' as const, options }
    field.default = options.find((o) => o.raw === prop.default)?.raw
    return field
  }
  switch (type) {
    case 'string':
      return { ...base, kind: 'text', default: str(prop.default) ?? undefined }
    case 'integer':
      return { ...base, kind: 'integer', default: Number.isInteger(prop.default) ? prop.default : undefined }
    case 'number':
      return { ...base, kind: 'number', default: num(prop.default) ?? undefined }
    case 'boolean':
      return { ...base, kind: 'boolean', default: typeof prop.default === 'boolean' ? prop.default : undefined }
    default:
      return null
  }
}

/**
 * Pure: the form of a configuration schema, or `null` when the schema is not an object with
 * properties (nothing to render: the dialog edits JSON instead).
 */
export function formFromSchema(schema: unknown): SchemaForm | null {
  if (!isObject(schema)) return null
  if (schema.type !== undefined && schema.type !== 'object') return null
  if (!isObject(schema.properties)) return null
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((r) => typeof r === 'string') : [])
  const fields: SchemaField[] = []
  const unsupported: string[] = []
  for (const [key, prop] of Object.entries(schema.properties)) {
    const field = fieldOf(key, prop, required.has(key))
    if (field) fields.push(field)
    else unsupported.push(key)
  }
  return { fields, unsupported }
}

/** Pure: what a field shows for a JSON value (`undefined` when the value does not fit it). */
function display(field: SchemaField, v: unknown): string | boolean | undefined {
  switch (field.kind) {
    case 'boolean':
      return typeof v === 'boolean' ? v : undefined
    case 'enum':
      return field.options.find((o) => o.raw === v)?.value
    case 'text':
      return typeof v === 'string' ? v : undefined
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v) ? String(v) : undefined
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined
  }
}

/**
 * Pure: the values a form starts with: the saved configuration's, else the schema's defaults,
 * else empty (booleans: off).
 */
export function initialValues(form: SchemaForm, config: unknown): FormValues {
  const saved = isObject(config) ? config : {}
  const values: FormValues = {}
  for (const f of form.fields) {
    values[f.key] = display(f, saved[f.key]) ?? display(f, f.default) ?? (f.kind === 'boolean' ? false : '')
  }
  return values
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`

/** Pure: why a field's value is refused, or `null`. An empty optional field is left out (valid). */
export function validateField(field: SchemaField, value: string | boolean | undefined): string | null {
  if (field.kind === 'boolean') return null
  const text = typeof value === 'string' ? value : ''
  if (field.kind === 'enum') {
    if (text === '') return field.required ? 'Required' : null
    return field.options.some((o) => o.value === text) ? null : 'Pick one of the choices'
  }
  if (field.kind === 'text') {
    if (text === '') {
      if (field.required && (field.minLength ?? 1) > 0) return 'Required'
      return null
    }
    const length = [...text].length
    if (field.minLength !== null && length < field.minLength) return `At least ${plural(field.minLength, 'character')}`
    if (field.maxLength !== null && length > field.maxLength) return `At most ${plural(field.maxLength, 'character')}`
    if (field.pattern !== null) {
      let re: RegExp | null = null
      try {
        re = new RegExp(field.pattern, 'u')
      } catch {
        re = null // a pattern JavaScript cannot read: the plugin decides
      }
      if (re && !re.test(text)) return `Must match the pattern ${field.pattern}`
    }
    return null
  }
  // integer / number
  const t = text.trim()
  if (t === '') return field.required ? 'Required' : null
  if (field.kind === 'integer' && !/^[+-]?\d+$/.test(t)) return 'Must be a whole number'
  const n = Number(t)
  if (!Number.isFinite(n) || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return 'Must be a number'
  if (field.minimum !== null && n < field.minimum) return `Must be at least ${field.minimum}`
  if (field.exclusiveMinimum !== null && n <= field.exclusiveMinimum) return `Must be more than ${field.exclusiveMinimum}`
  if (field.maximum !== null && n > field.maximum) return `Must be at most ${field.maximum}`
  if (field.exclusiveMaximum !== null && n >= field.exclusiveMaximum) return `Must be less than ${field.exclusiveMaximum}`
  return null
}

/** Pure: every refused field, by key. */
export function validateForm(form: SchemaForm, values: FormValues): FormErrors {
  const errors: FormErrors = {}
  for (const f of form.fields) {
    const message = validateField(f, values[f.key])
    if (message) errors[f.key] = message
  }
  return errors
}

/** Pure: the first message of a form's errors, in field order, or `null`. */
export function firstFormError(form: SchemaForm, errors: FormErrors): string | null {
  for (const f of form.fields) if (errors[f.key]) return `${f.label}: ${errors[f.key]}`
  return null
}

/**
 * Pure: the configuration a valid form sends: each field's value as its JSON type (empty optional
 * fields left out), and the saved values of the properties the form cannot edit.
 */
export function buildConfig(form: SchemaForm, values: FormValues, saved: unknown = null): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const kept = isObject(saved) ? saved : {}
  for (const key of form.unsupported) if (key in kept) out[key] = kept[key]
  for (const f of form.fields) {
    const v = values[f.key]
    if (f.kind === 'boolean') {
      out[f.key] = v === true
      continue
    }
    const text = typeof v === 'string' ? v : ''
    if (f.kind === 'text') {
      if (text !== '' || f.required) out[f.key] = text
    } else if (f.kind === 'enum') {
      const option = f.options.find((o) => o.value === text)
      if (option) out[f.key] = option.raw
    } else if (text.trim() !== '') {
      out[f.key] = Number(text.trim())
    }
  }
  return out
}

/**
 * Pure: the JSON editor's text as a configuration: an object, or the reason it is not one.
 */
export function parseConfigJson(text: string): { ok: true; value: Record<string, unknown> } | { ok: false; reason: string } {
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch (e) {
    return { ok: false, reason: `Not JSON: ${e instanceof Error ? e.message : String(e)}` }
  }
  return isObject(v) ? { ok: true, value: v } : { ok: false, reason: 'The configuration must be a JSON object' }
}

// ---- presentation (what `SchemaFields` shows) ---------------------------------------------------

/** Pure: a field's label, with ` *` when required. */
export const fieldLabel = (f: Pick<SchemaField, 'label' | 'required'>): string => (f.required ? `${f.label} *` : f.label)

/** Pure: the help under a field: its description, and for numbers their range ("Range 576–9000"). */
export function fieldHint(f: SchemaField): string | null {
  if (f.kind !== 'integer' && f.kind !== 'number') return f.help
  const lo = f.minimum ?? f.exclusiveMinimum
  const hi = f.maximum ?? f.exclusiveMaximum
  const range = lo !== null && hi !== null ? `${lo}–${hi}` : lo !== null ? `≥ ${lo}` : hi !== null ? `≤ ${hi}` : ''
  return [f.help, range && `Range ${range}`].filter(Boolean).join(' · ') || null
}

/**
 * Pure: the choices of an `enum` field's select: an empty choice first ("Choose…" for a required
 * field until one is chosen, "— not set —" for an optional one), then the options.
 */
export function enumChoices(f: SchemaField, value: string | boolean | undefined): { value: string; label: string }[] {
  const empty = f.required && value !== '' && value !== undefined ? [] : [{ value: '', label: f.required ? 'Choose…' : '— not set —' }]
  return [...empty, ...f.options.map((o) => ({ value: o.value, label: o.label }))]
}
