import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { defineComponent, h, ref } from 'vue'
import type { FormValues } from '@/lib/jsonSchemaForm'
import type { PluginKindChoice } from '@/lib/pluginKind'
import PluginKindFields, { type PluginKindTestIds } from './PluginKindFields.vue'

const MACVTAP: PluginKindChoice = {
  name: 'macvtap',
  description: 'Direct attachment to a host device',
  plugin: 'example-macvtap',
  paramsSchema: {
    type: 'object',
    required: ['dev'],
    properties: {
      dev: { type: 'string', title: 'Host device', pattern: '^[A-Za-z0-9_.:-]{1,15}$' },
      mode: { type: 'string', enum: ['bridge', 'vepa'], default: 'bridge' },
      extra: { type: 'array' },
    },
  },
}
/** A schema the form cannot render: its params are typed as JSON. */
const RAW: PluginKindChoice = { name: 'raw', description: '', plugin: 'example-raw', paramsSchema: true }

const IDS: PluginKindTestIds = {
  kind: 'k',
  loadError: 'k-load-error',
  kindError: 'k-error',
  about: 'k-about',
  plugin: 'k-plugin',
  params: 'k-param',
  unsupported: 'k-unsupported',
  paramsJson: 'k-json',
  paramsError: 'k-json-error',
}

const tid = (id: string) => `[data-testid="${id}"]`

interface Options {
  kinds?: PluginKindChoice[]
  kind?: string
  loading?: boolean
  loadError?: string | null
  kindError?: string | null
  paramsError?: string | null
  refusal?: string | null
}

/** PluginKindFields v-modelled by a parent that holds the kind, params and params JSON. */
function mountFields(o: Options = {}) {
  const kind = ref(o.kind ?? '')
  const params = ref<FormValues>({})
  const paramsJson = ref('{}')
  const Parent = defineComponent({
    setup: () => () =>
      h(PluginKindFields, {
        kinds: o.kinds ?? [MACVTAP, RAW],
        loading: o.loading ?? false,
        loadError: o.loadError ?? null,
        kindError: o.kindError ?? null,
        paramsError: o.paramsError ?? null,
        refusal: o.refusal ?? null,
        label: 'Widget kind',
        plural: 'widget kinds',
        testids: IDS,
        'data-testid': 'k-fields',
        kind: kind.value,
        'onUpdate:kind': (v: string) => (kind.value = v),
        params: params.value,
        'onUpdate:params': (v: FormValues) => (params.value = v),
        paramsJson: paramsJson.value,
        'onUpdate:paramsJson': (v: string) => (paramsJson.value = v),
      }),
  })
  const w = mount(Parent)
  return { w, kind, params, paramsJson }
}

describe('PluginKindFields', () => {
  it('offers the kinds with the dialog’s wording and test ids; choosing one shows its plugin and starts its params at the defaults', async () => {
    const { w, kind, params } = mountFields()
    expect(w.get(tid('k-fields')).classes()).toContain('space-y-4')
    expect(w.get(tid('k-fields')).text()).toContain('Widget kind')
    expect(w.get(tid('k')).findAll('option').map((o) => o.text())).toEqual(['macvtap — Direct attachment to a host device', 'raw'])
    expect(w.find(tid('k-about')).exists()).toBe(false)

    await w.get(tid('k')).setValue('macvtap')
    expect(kind.value).toBe('macvtap')
    expect(params.value).toEqual({ dev: '', mode: 'bridge' })
    expect(w.get(tid('k-about')).text()).toContain('Direct attachment to a host device')
    expect(w.get(tid('k-about')).text()).toContain('Added by the plugin example-macvtap, which checks these settings.')
    expect(w.get(tid('k-plugin')).text()).toBe('example-macvtap')
    expect(w.get(tid('k-unsupported')).text()).toBe('Not editable here (left out): extra.')
    expect((w.get(tid('k-param-mode')).element as HTMLSelectElement).value).toBe('bridge')

    await w.get(tid('k-param-dev')).setValue('eth0')
    expect(params.value).toEqual({ dev: 'eth0', mode: 'bridge' })
    expect(w.find(tid('k-json')).exists()).toBe(false)
  })

  it('a schema the form cannot show takes its params as JSON, with the dialog’s message under it', async () => {
    const { w, kind, paramsJson } = mountFields({ kind: 'raw', paramsError: "Parameters: 'a' must be a string" })
    expect(kind.value).toBe('raw')
    const json = w.get(tid('k-json'))
    expect(w.get(`label[for="${json.attributes('id')}"]`).text()).toBe('Parameters (JSON)')
    await json.setValue('{"a": "1"}')
    expect(paramsJson.value).toBe('{"a": "1"}')
    expect(w.get(tid('k-json-error')).text()).toBe("Parameters: 'a' must be a string")
    expect(w.find(tid('k-param-dev')).exists()).toBe(false)
  })

  it('marks the params the server’s refusal names', () => {
    const { w } = mountFields({ kind: 'macvtap', refusal: "widget kind 'macvtap': dev: 'x y' is not a host interface name" })
    expect(w.get(tid('k-param-dev')).attributes('aria-invalid')).toBe('true')
    expect(w.get(tid('k-param-mode')).attributes('aria-invalid')).toBeUndefined()
  })

  it('shows why the kinds could not be loaded before why the kind cannot be used, and a kind no longer offered', () => {
    const failed = mountFields({ kinds: [], loadError: 'boom', kindError: 'No enabled plugin adds widget kinds' })
    expect(failed.w.get(tid('k-load-error')).text()).toBe('Could not load the widget kinds: boom')
    expect(failed.w.find(tid('k-error')).exists()).toBe(false)
    expect(failed.w.get(tid('k')).attributes('disabled')).toBeDefined()
    expect(failed.w.get(tid('k')).findAll('option').map((o) => o.text())).toEqual(['No plugin adds widget kinds'])

    expect(mountFields({ kinds: [], loading: true }).w.get(tid('k')).findAll('option').map((o) => o.text())).toEqual(['Loading…'])

    const gone = mountFields({ kind: 'old', kindError: "No enabled plugin adds the widget kind 'old'" })
    expect(gone.w.get(tid('k-error')).text()).toBe("No enabled plugin adds the widget kind 'old'")
    expect(gone.w.get(tid('k')).findAll('option').map((o) => o.text())[0]).toBe('old (no longer offered)')
    expect(gone.w.find(tid('k-about')).exists()).toBe(false)
  })
})
