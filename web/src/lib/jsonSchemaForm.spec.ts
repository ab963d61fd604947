import { describe, expect, it } from 'vitest'
import {
  buildConfig,
  enumChoices,
  fieldHint,
  fieldLabel,
  fieldOf,
  firstFormError,
  formFromSchema,
  initialValues,
  parseConfigJson,
  validateField,
  validateForm,
  type SchemaField,
  type SchemaForm,
} from './jsonSchemaForm'

/** The schema the tests mostly use: every supported kind of property. */
const SCHEMA = {
  type: 'object',
  required: ['bridge', 'mode'],
  properties: {
    bridge: { type: 'string', title: 'Bridge', description: 'Host interface the NICs attach to', pattern: '^[a-z][a-z0-9]*$', minLength: 2, maxLength: 15 },
    mode: { type: 'string', enum: ['bridge', 'vepa', 'private'], default: 'bridge' },
    mtu: { type: 'integer', minimum: 576, maximum: 9000, default: 1500 },
    weight: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
    verbose: { type: 'boolean', title: 'Verbose', default: true },
    note: { type: 'string' },
    tags: { type: 'array', items: { type: 'string' } },
  },
}

const form = (): SchemaForm => formFromSchema(SCHEMA)!
const field = (key: string): SchemaField => form().fields.find((f) => f.key === key)!

describe('formFromSchema', () => {
  it('one field per supported property, in order; title and description as label and help; required', () => {
    const f = form()
    expect(f.fields.map((x) => [x.key, x.kind, x.label, x.required])).toEqual([
      ['bridge', 'text', 'Bridge', true],
      ['mode', 'enum', 'mode', true],
      ['mtu', 'integer', 'mtu', false],
      ['weight', 'number', 'weight', false],
      ['verbose', 'boolean', 'Verbose', false],
      ['note', 'text', 'note', false],
    ])
    expect(f.unsupported).toEqual(['tags'])
    expect(field('bridge')).toMatchObject({ help: 'Host interface the NICs attach to', pattern: '^[a-z][a-z0-9]*$', minLength: 2, maxLength: 15 })
    expect(field('mode').options.map((o) => o.value)).toEqual(['bridge', 'vepa', 'private'])
    expect(field('mtu')).toMatchObject({ minimum: 576, maximum: 9000, default: 1500 })
    expect(field('weight')).toMatchObject({ minimum: null, exclusiveMinimum: 0, maximum: 1 })
  })

  it('no form for what is not an object with properties', () => {
    expect(formFromSchema(null)).toBeNull()
    expect(formFromSchema({ type: 'string' })).toBeNull()
    expect(formFromSchema({ type: 'object' })).toBeNull()
    expect(formFromSchema([])).toBeNull()
    // `type` may be left out when there are properties.
    expect(formFromSchema({ properties: { a: { type: 'boolean' } } })?.fields.map((f) => f.kind)).toEqual(['boolean'])
    expect(formFromSchema({ type: 'object', properties: {} })).toEqual({ fields: [], unsupported: [] })
  })

  it('nullable types, enums without a type, draft-4 exclusive bounds; nested objects and mixed enums are not editable', () => {
    expect(fieldOf('a', { type: ['string', 'null'] }, false)?.kind).toBe('text')
    expect(fieldOf('a', { enum: [1, 2, 3] }, false)).toMatchObject({ kind: 'enum', options: [{ value: '1', raw: 1 }, { value: '2', raw: 2 }, { value: '3', raw: 3 }] })
    expect(fieldOf('a', { type: 'integer', minimum: 0, exclusiveMinimum: true }, false)).toMatchObject({ minimum: null, exclusiveMinimum: 0 })
    expect(fieldOf('a', { type: 'object', properties: {} }, false)).toBeNull()
    expect(fieldOf('a', { enum: ['x', 1] }, false)).toBeNull()
    expect(fieldOf('a', { type: 'boolean', enum: [true] }, false)).toBeNull()
    expect(fieldOf('a', true, false)).toBeNull()
    // A default of the wrong type is ignored.
    expect(fieldOf('a', { type: 'integer', default: 1.5 }, false)?.default).toBeUndefined()
    expect(fieldOf('a', { type: 'string', enum: ['x'], default: 'y' }, false)?.default).toBeUndefined()
  })
})

describe('initialValues', () => {
  it('the saved configuration first, else the defaults, else empty / off', () => {
    expect(initialValues(form(), null)).toEqual({ bridge: '', mode: 'bridge', mtu: '1500', weight: '', verbose: true, note: '' })
    expect(initialValues(form(), { bridge: 'eth0', mode: 'vepa', mtu: 9000, verbose: false, weight: 0.5 })).toEqual({
      bridge: 'eth0',
      mode: 'vepa',
      mtu: '9000',
      weight: '0.5',
      verbose: false,
      note: '',
    })
    // Saved values of the wrong type fall back to the default.
    expect(initialValues(form(), { mtu: 'big', mode: 'nope', verbose: 'yes' })).toMatchObject({ mtu: '1500', mode: 'bridge', verbose: true })
    expect(initialValues(formFromSchema({ properties: { b: { type: 'boolean' } } })!, undefined)).toEqual({ b: false })
  })
})

describe('validateField', () => {
  it('strings: required, length in characters, pattern', () => {
    const bridge = field('bridge')
    expect(validateField(bridge, '')).toBe('Required')
    expect(validateField(bridge, 'e')).toBe('At least 2 characters')
    expect(validateField(bridge, 'e'.repeat(16))).toBe('At most 15 characters')
    expect(validateField(bridge, 'Eth0')).toBe('Must match the pattern ^[a-z][a-z0-9]*$')
    expect(validateField(bridge, 'eth0')).toBeNull()
    expect(validateField(field('note'), '')).toBeNull()
    expect(validateField(fieldOf('a', { type: 'string', maxLength: 2 }, false)!, '😀😀')).toBeNull()
    expect(validateField(fieldOf('a', { type: 'string', minLength: 1 }, false)!, 'x')).toBeNull()
    // A pattern JavaScript cannot read leaves the decision to the plugin.
    expect(validateField(fieldOf('a', { type: 'string', pattern: '(' }, false)!, 'x')).toBeNull()
  })

  it('integers and numbers: form, bounds, exclusive bounds', () => {
    const mtu = field('mtu')
    expect(validateField(mtu, '')).toBeNull()
    expect(validateField(mtu, '1500')).toBeNull()
    expect(validateField(mtu, ' 1500 ')).toBeNull()
    expect(validateField(mtu, '15.5')).toBe('Must be a whole number')
    expect(validateField(mtu, 'abc')).toBe('Must be a whole number')
    expect(validateField(mtu, '100')).toBe('Must be at least 576')
    expect(validateField(mtu, '9001')).toBe('Must be at most 9000')
    const weight = field('weight')
    expect(validateField(weight, '0.25')).toBeNull()
    expect(validateField(weight, '.5')).toBeNull()
    expect(validateField(weight, '1e-1')).toBeNull()
    expect(validateField(weight, '0')).toBe('Must be more than 0')
    expect(validateField(weight, '1.5')).toBe('Must be at most 1')
    expect(validateField(weight, '0x1')).toBe('Must be a number')
    expect(validateField(weight, 'Infinity')).toBe('Must be a number')
    expect(validateField(fieldOf('n', { type: 'number', exclusiveMaximum: 10 }, true)!, '10')).toBe('Must be less than 10')
    expect(validateField(fieldOf('n', { type: 'number' }, true)!, '')).toBe('Required')
  })

  it('choices and switches', () => {
    expect(validateField(field('mode'), '')).toBe('Required')
    expect(validateField(field('mode'), 'vepa')).toBeNull()
    expect(validateField(field('mode'), 'other')).toBe('Pick one of the choices')
    expect(validateField(fieldOf('m', { enum: ['a'] }, false)!, '')).toBeNull()
    expect(validateField(field('verbose'), false)).toBeNull()
  })
})

describe('validateForm / firstFormError', () => {
  it('every refused field by key, and the first in field order with its label', () => {
    const values = { ...initialValues(form(), null), mtu: '1', weight: '2' }
    const errors = validateForm(form(), values)
    expect(errors).toEqual({ bridge: 'Required', mtu: 'Must be at least 576', weight: 'Must be at most 1' })
    expect(firstFormError(form(), errors)).toBe('Bridge: Required')
    expect(firstFormError(form(), {})).toBeNull()
  })
})

describe('buildConfig', () => {
  it('each value as its JSON type; empty optional fields left out; booleans always sent', () => {
    const values = { ...initialValues(form(), null), bridge: 'eth0', weight: '' }
    expect(buildConfig(form(), values)).toEqual({ bridge: 'eth0', mode: 'bridge', mtu: 1500, verbose: true })
    expect(buildConfig(form(), { ...values, weight: ' 0.5 ', note: 'hi', verbose: false, mode: 'private' })).toEqual({
      bridge: 'eth0',
      mode: 'private',
      mtu: 1500,
      weight: 0.5,
      verbose: false,
      note: 'hi',
    })
  })

  it('keeps the saved values of properties the form cannot edit, and nothing else it does not know', () => {
    const saved = { bridge: 'old', tags: ['a', 'b'], stray: 1 }
    const values = { ...initialValues(form(), saved), bridge: 'eth1' }
    expect(buildConfig(form(), values, saved)).toEqual({ tags: ['a', 'b'], bridge: 'eth1', mode: 'bridge', mtu: 1500, verbose: true })
  })

  it('numeric enum choices go out as numbers', () => {
    const f = formFromSchema({ properties: { level: { enum: [1, 2, 3] } } })!
    expect(buildConfig(f, { level: '2' })).toEqual({ level: 2 })
    expect(buildConfig(f, { level: '' })).toEqual({})
  })
})

describe('parseConfigJson', () => {
  it('an object, or why not', () => {
    expect(parseConfigJson('{"a": 1}')).toEqual({ ok: true, value: { a: 1 } })
    expect(parseConfigJson('[1]')).toEqual({ ok: false, reason: 'The configuration must be a JSON object' })
    expect(parseConfigJson('null')).toEqual({ ok: false, reason: 'The configuration must be a JSON object' })
    const bad = parseConfigJson('{a')
    expect(bad.ok).toBe(false)
    expect(!bad.ok && bad.reason).toMatch(/^Not JSON: /)
  })
})

describe('presentation', () => {
  it('labels mark required fields; hints add the range of numbers', () => {
    expect(fieldLabel(field('bridge'))).toBe('Bridge *')
    expect(fieldLabel(field('mtu'))).toBe('mtu')
    expect(fieldHint(field('bridge'))).toBe('Host interface the NICs attach to')
    expect(fieldHint(field('note'))).toBeNull()
    expect(fieldHint(field('mtu'))).toBe('Range 576–9000')
    expect(fieldHint(field('weight'))).toBe('Range 0–1')
    expect(fieldHint(fieldOf('a', { type: 'integer', minimum: 1, description: 'Queues' }, false)!)).toBe('Queues · Range ≥ 1')
    expect(fieldHint(fieldOf('a', { type: 'number', maximum: 5 }, false)!)).toBe('Range ≤ 5')
    expect(fieldHint(fieldOf('a', { type: 'number' }, false)!)).toBeNull()
  })

  it('enum choices: "Choose…" until a required one is chosen, "— not set —" always for an optional one', () => {
    const mode = field('mode')
    expect(enumChoices(mode, '')).toEqual([
      { value: '', label: 'Choose…' },
      { value: 'bridge', label: 'bridge' },
      { value: 'vepa', label: 'vepa' },
      { value: 'private', label: 'private' },
    ])
    expect(enumChoices(mode, 'vepa').map((o) => o.value)).toEqual(['bridge', 'vepa', 'private'])
    const level = fieldOf('level', { enum: [1, 2] }, false)!
    expect(enumChoices(level, '2')).toEqual([
      { value: '', label: '— not set —' },
      { value: '1', label: '1' },
      { value: '2', label: '2' },
    ])
  })
})
