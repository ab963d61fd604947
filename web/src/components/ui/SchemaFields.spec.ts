import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { defineComponent, h, ref } from 'vue'
import { formFromSchema, initialValues, type FormErrors, type FormValues, type SchemaForm } from '@/lib/jsonSchemaForm'
import SchemaFields from './SchemaFields.vue'

const SCHEMA = {
  type: 'object',
  required: ['dev'],
  properties: {
    dev: { type: 'string', title: 'Host device', description: 'A host interface', pattern: '^[A-Za-z0-9_.:-]{1,15}$' },
    mode: { type: 'string', title: 'Mode', enum: ['bridge', 'vepa', 'private', 'passthrough'], default: 'bridge' },
    queues: { type: 'integer', title: 'Queues', minimum: 1, maximum: 8 },
    trust: { type: 'boolean', title: 'Trust guest', description: 'Let the guest change its MAC' },
  },
}

const tid = (id: string) => `[data-testid="${id}"]`

/** SchemaFields v-modelled by a parent that records what it reports. */
function mountFields(o: { schema?: unknown; showAllErrors?: boolean; invalid?: string[] } = {}) {
  const form = ref<SchemaForm>(formFromSchema(o.schema ?? SCHEMA)!)
  const values = ref<FormValues>(initialValues(form.value, null))
  const reports: FormErrors[] = []
  const Parent = defineComponent({
    setup: () => () =>
      h(SchemaFields, {
        form: form.value,
        modelValue: values.value,
        'onUpdate:modelValue': (v: FormValues) => (values.value = v),
        onProblems: (e: FormErrors) => reports.push(e),
        testid: 'p',
        showAllErrors: o.showAllErrors ?? false,
        invalid: o.invalid ?? [],
      }),
  })
  const w = mount(Parent)
  return { w, form, values, reports }
}

describe('SchemaFields', () => {
  it('renders a control per field with its label, help and range, filled from the values', () => {
    const { w } = mountFields()
    expect(w.get(tid('p-field-dev')).text()).toContain('Host device *')
    expect(w.get(tid('p-field-dev')).text()).toContain('A host interface')
    expect(w.get(tid('p-field-queues')).text()).toContain('Range 1–8')
    expect(w.get(tid('p-field-trust')).text()).toContain('Trust guest')
    expect(w.get(tid('p-field-trust')).text()).toContain('Let the guest change its MAC')
    expect((w.get(tid('p-mode')).element as HTMLSelectElement).value).toBe('bridge')
    expect(w.get(tid('p-mode')).findAll('option').map((o) => o.text())).toEqual(['— not set —', 'bridge', 'vepa', 'private', 'passthrough'])
    expect((w.get(tid('p-dev')).element as HTMLInputElement).value).toBe('')
    expect((w.get(tid('p-trust')).element as HTMLInputElement).checked).toBe(false)
  })

  it('v-models a new values object per edit and reports the problems from the start and on every change', async () => {
    const { w, values, reports } = mountFields()
    expect(reports).toEqual([{ dev: 'Required' }])
    const before = values.value
    await w.get(tid('p-dev')).setValue('bad dev')
    expect(values.value).not.toBe(before)
    expect(values.value).toEqual({ dev: 'bad dev', mode: 'bridge', queues: '', trust: false })
    expect(reports.at(-1)).toEqual({ dev: 'Must match the pattern ^[A-Za-z0-9_.:-]{1,15}$' })
    expect(w.get(tid('p-field-dev')).text()).toContain('Must match the pattern')
    expect(w.get(tid('p-dev')).attributes('aria-invalid')).toBe('true')

    await w.get(tid('p-dev')).setValue('eth0')
    await w.get(tid('p-mode')).setValue('vepa')
    await w.get(tid('p-queues')).setValue('9')
    expect(reports.at(-1)).toEqual({ queues: 'Must be at most 8' })
    await w.get(tid('p-queues')).setValue('4')
    await w.get(tid('p-trust')).setValue(true)
    expect(values.value).toEqual({ dev: 'eth0', mode: 'vepa', queues: '4', trust: true })
    expect(reports.at(-1)).toEqual({})
    expect(w.find(tid('p-field-dev')).text()).not.toContain('Must')
  })

  it('an untouched empty required field waits for an edit, unless every message is wanted', async () => {
    const quiet = mountFields()
    expect(quiet.w.get(tid('p-field-dev')).text()).not.toContain('Required')
    await quiet.w.get(tid('p-dev')).setValue('x')
    await quiet.w.get(tid('p-dev')).setValue('')
    expect(quiet.w.get(tid('p-field-dev')).text()).toContain('Required')

    const loud = mountFields({ showAllErrors: true })
    expect(loud.w.get(tid('p-field-dev')).text()).toContain('Required')
  })

  it('marks the fields named invalid (e.g. by the server) without a message of its own', () => {
    const { w } = mountFields({ invalid: ['dev', 'mode'] })
    expect(w.get(tid('p-dev')).attributes('aria-invalid')).toBe('true')
    expect(w.get(tid('p-mode')).attributes('aria-invalid')).toBe('true')
    expect(w.get(tid('p-queues')).attributes('aria-invalid')).toBeUndefined()
    expect(w.get(tid('p-field-dev')).text()).not.toContain('Required')
  })

  it('another schema starts untouched and reports its own problems', async () => {
    const { w, form, values, reports } = mountFields()
    await w.get(tid('p-dev')).setValue('x')
    await w.get(tid('p-dev')).setValue('')
    expect(w.get(tid('p-field-dev')).text()).toContain('Required')
    form.value = formFromSchema({ required: ['dev', 'vf'], properties: { dev: { type: 'string' }, vf: { type: 'integer' } } })!
    values.value = initialValues(form.value, null)
    await w.vm.$nextTick()
    expect(w.find(tid('p-mode')).exists()).toBe(false)
    expect(w.get(tid('p-field-dev')).text()).not.toContain('Required')
    expect(reports.at(-1)).toEqual({ dev: 'Required', vf: 'Required' })
  })
})
