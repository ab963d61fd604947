import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type DOMWrapper, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { defineComponent, h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { ApiError } from '@/api/client'
import type { PluginEntry } from '@/api/types'
import ConfirmDialog from '@/components/ui/ConfirmDialog.vue'
import { makeBuiltin, makeWasm, MACVTAP_ID, HOSTILE_ID, schema } from '@/modules/plugins/testing'
import { useToastStore } from '@/stores/toasts'
import PluginsPage from './PluginsPage.vue'

const pluginsApi = vi.hoisted(() => ({ list: vi.fn(), install: vi.fn(), action: vi.fn(), setGrants: vi.fn(), setConfig: vi.fn(), remove: vi.fn() }))
vi.mock('@/modules/plugins/api', async (orig) => ({ ...(await orig<typeof import('@/modules/plugins/api')>()), pluginsApi }))

const tid = (id: string) => `[data-testid="${id}"]`

async function mountPage(plugins: PluginEntry[]) {
  pluginsApi.list.mockResolvedValue(plugins)
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/plugins', name: 'plugins', component: PluginsPage }] })
  await router.push('/plugins')
  await router.isReady()
  const Harness = defineComponent({ setup: () => () => h('div', [h(RouterView), h(ConfirmDialog)]) })
  const w = mount(Harness, { global: { plugins: [router], stubs: { teleport: true } } })
  await flushPromises()
  return w
}

const rowOf = (w: VueWrapper, kind: string) => w.get(tid(`plugin-row-${kind}`))
const kinds = (w: VueWrapper) => w.findAll('[data-testid^="plugin-row-"]').map((e) => e.attributes('data-kind'))
const disabled = (el: Pick<DOMWrapper<Element>, 'attributes'>) => el.attributes('disabled') !== undefined

/** Chooses `file` in a file input (jsdom cannot, so `files` is set by hand). */
async function choose(w: VueWrapper, testid: string, file: File) {
  const input = w.get(tid(testid))
  Object.defineProperty(input.element, 'files', { value: [file], configurable: true })
  await input.trigger('change')
}
const manifestFile = () => new File([`id = "${MACVTAP_ID}"\n`], 'plugin.toml', { type: 'text/plain' })
const componentFile = () => new File([new Uint8Array([0, 97, 115, 109])], 'macvtap.wasm', { type: 'application/wasm' })

let wrapper: VueWrapper | null = null
beforeEach(() => {
  setActivePinia(createPinia())
  Object.values(pluginsApi).forEach((f) => f.mockReset())
})
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
})

describe('Install plugin dialog', () => {
  it('uploads both files; a refusal is shown in the dialog, which stays open with the files', async () => {
    const w = (wrapper = await mountPage([makeBuiltin()]))
    await w.get(tid('plugins-install')).trigger('click')
    const submit = () => w.get(tid('plugin-install-submit'))
    expect(disabled(submit())).toBe(true)
    expect(submit().attributes('title')).toBe('Choose the manifest (plugin.toml)')
    const manifest = manifestFile()
    const component = componentFile()
    await choose(w, 'plugin-install-manifest', manifest)
    expect(submit().attributes('title')).toBe('Choose the component (.wasm)')
    await choose(w, 'plugin-install-component', component)
    expect(disabled(submit())).toBe(false)

    pluginsApi.install.mockRejectedValueOnce(
      new ApiError(409, { code: 'plugin_exists', message: `plugin '${MACVTAP_ID}' is installed already; remove it or reload it` }),
    )
    await submit().trigger('click')
    await flushPromises()
    expect(pluginsApi.install).toHaveBeenCalledExactlyOnceWith({ manifest, component })
    expect(w.get(tid('plugin-install-error')).text()).toBe(`plugin '${MACVTAP_ID}' is installed already; remove it or reload it`)
    expect(w.find(tid('plugin-install-modal')).exists()).toBe(true)
    expect(useToastStore().toasts).toEqual([])

    // Sending again uses the same files; success closes the dialog and shows the plugin.
    const installed = makeWasm(MACVTAP_ID, { nicKinds: ['macvtap'] }, { name: 'macvtap NICs' })
    pluginsApi.install.mockResolvedValueOnce(installed)
    pluginsApi.list.mockResolvedValue([makeBuiltin(), installed])
    await submit().trigger('click')
    await flushPromises()
    expect(pluginsApi.install).toHaveBeenLastCalledWith({ manifest, component })
    expect(w.find(tid('plugin-install-modal')).exists()).toBe(false)
    expect(kinds(w)).toEqual(['libvirt', MACVTAP_ID])
    expect(rowOf(w, MACVTAP_ID).get(tid('plugin-state')).text()).toBe('enabled')
    expect(pluginsApi.list).toHaveBeenCalledTimes(2)
    expect(useToastStore().toasts.map((t) => [t.kind, t.title, t.message])).toEqual([['success', 'Plugin installed', 'macvtap NICs 0.1.0']])
  })

  it('refuses files larger than the upload limit before sending; choosing a file clears the server’s message', async () => {
    const w = (wrapper = await mountPage([]))
    await w.get(tid('plugins-install')).trigger('click')
    await choose(w, 'plugin-install-manifest', manifestFile())
    const big = componentFile()
    Object.defineProperty(big, 'size', { value: 65 * 1024 * 1024 })
    await choose(w, 'plugin-install-component', big)
    expect(w.get(tid('plugin-install-files-problem')).text()).toBe('The upload is larger than 64 MiB')
    expect(disabled(w.get(tid('plugin-install-submit')))).toBe(true)

    await choose(w, 'plugin-install-component', componentFile())
    pluginsApi.install.mockRejectedValueOnce(new ApiError(422, { code: 'invalid_plugin', message: 'the component does not compile' }))
    await w.get(tid('plugin-install-submit')).trigger('click')
    await flushPromises()
    expect(w.get(tid('plugin-install-error')).text()).toBe('the component does not compile')
    await choose(w, 'plugin-install-component', componentFile())
    expect(w.find(tid('plugin-install-error')).exists()).toBe(false)

    await w.get(tid('plugin-install-cancel')).trigger('click')
    expect(w.find(tid('plugin-install-modal')).exists()).toBe(false)
  })
})

describe('Capabilities dialog', () => {
  const hostile = () => makeWasm(HOSTILE_ID, { capabilities: ['kv', 'inventory-read', 'clock'], granted: ['clock'] }, { name: 'Hostile fixture' })

  it('a checkbox per requested capability, explained, checked when granted; saving grants exactly the checked ones', async () => {
    const p = hostile()
    const w = (wrapper = await mountPage([p]))
    await rowOf(w, HOSTILE_ID).get(tid('plugin-capabilities')).trigger('click')
    const modal = w.get(tid('plugin-grants-modal'))
    expect(modal.text()).toContain('Capabilities of Hostile fixture')
    expect(modal.findAll('input[type="checkbox"]')).toHaveLength(3)
    expect(modal.get(tid('plugin-grant-kv')).text()).toMatch(/own key-value store/)
    expect(modal.get(tid('plugin-grant-inventory-read')).text()).toMatch(/Read-only queries of the inventory/)
    expect(modal.get(tid('plugin-grant-clock')).text()).toMatch(/real wall and monotonic clocks/)
    const box = (cap: string) => w.get<HTMLInputElement>(tid(`plugin-grant-${cap}-checkbox`))
    expect([box('kv').element.checked, box('inventory-read').element.checked, box('clock').element.checked]).toEqual([false, false, true])
    const save = () => w.get(tid('plugin-grants-save'))
    expect(disabled(save())).toBe(true)
    expect(save().attributes('title')).toBe('Nothing changed')

    await box('kv').setValue(true)
    await box('clock').setValue(false)
    const now = { ...p, wasm: { ...p.wasm!, granted: ['kv'] } }
    pluginsApi.setGrants.mockRejectedValueOnce(new ApiError(422, { code: 'invalid_request', message: "the manifest does not ask for 'kv'" }))
    await save().trigger('click')
    await flushPromises()
    expect(pluginsApi.setGrants).toHaveBeenCalledExactlyOnceWith(HOSTILE_ID, ['kv'])
    expect(w.get(tid('plugin-grants-error')).text()).toBe("the manifest does not ask for 'kv'")
    expect(w.find(tid('plugin-grants-modal')).exists()).toBe(true)

    pluginsApi.setGrants.mockResolvedValueOnce(now)
    pluginsApi.list.mockResolvedValue([now])
    await save().trigger('click')
    await flushPromises()
    expect(w.find(tid('plugin-grants-modal')).exists()).toBe(false)
    expect(rowOf(w, HOSTILE_ID).get(tid('plugin-capability-kv')).attributes('data-granted')).toBe('true')
    expect(rowOf(w, HOSTILE_ID).get(tid('plugin-capability-clock')).attributes('data-granted')).toBe('false')
    expect(useToastStore().toasts.map((t) => [t.title, t.message])).toEqual([['Capabilities saved', 'Hostile fixture: kv']])
  })
})

describe('Configure dialog', () => {
  const configurable = (config: Record<string, unknown> | null = null) =>
    makeWasm(
      'org.x.conf',
      {
        configSchema: schema({
          type: 'object',
          required: ['iface'],
          properties: {
            iface: { type: 'string', title: 'Interface', description: 'Host interface', pattern: '^[a-z][a-z0-9]*$' },
            mode: { type: 'string', title: 'Mode', enum: ['bridge', 'vepa'], default: 'bridge' },
            mtu: { type: 'integer', title: 'MTU', minimum: 576, maximum: 9000 },
            verbose: { type: 'boolean', title: 'Verbose logging', default: false },
          },
        }),
        config: config as Record<string, never> | null,
      },
      { name: 'Configurable' },
    )

  it('shown only with a configuration schema; the form checks as the user types and sends the built object', async () => {
    const p = configurable({ mtu: 1500 })
    const w = (wrapper = await mountPage([p, makeWasm('org.x.plain')]))
    expect(rowOf(w, 'org.x.plain').find(tid('plugin-configure')).exists()).toBe(false)
    await rowOf(w, 'org.x.conf').get(tid('plugin-configure')).trigger('click')
    const modal = w.get(tid('plugin-config-modal'))
    expect(modal.text()).toContain('Configure Configurable')
    expect(modal.text()).toContain('Interface *')
    expect(modal.text()).toContain('Host interface')
    expect(modal.text()).toContain('Range 576–9000')
    const input = (key: string) => w.get<HTMLInputElement>(tid(`plugin-config-${key}`))
    expect(input('mtu').element.value).toBe('1500')
    expect((w.get(tid('plugin-config-mode')).element as HTMLSelectElement).value).toBe('bridge')
    expect(input('verbose').element.checked).toBe(false)

    const save = () => w.get(tid('plugin-config-save'))
    expect(disabled(save())).toBe(true)
    expect(save().attributes('title')).toBe('Interface: Required')

    await input('iface').setValue('Eth0')
    expect(w.get(tid('plugin-config-field-iface')).text()).toContain('Must match the pattern ^[a-z][a-z0-9]*$')
    await input('iface').setValue('eth0')
    await input('mtu').setValue('100')
    expect(w.get(tid('plugin-config-field-mtu')).text()).toContain('Must be at least 576')
    expect(w.get(tid('plugin-config-invalid')).text()).toBe('MTU: Must be at least 576')
    await input('mtu').setValue('9000')
    await w.get(tid('plugin-config-mode')).setValue('vepa')
    await input('verbose').setValue(true)
    expect(disabled(save())).toBe(false)

    pluginsApi.setConfig.mockRejectedValueOnce(new ApiError(422, { code: 'invalid_request', message: 'vepa needs a switch that hairpins' }))
    await save().trigger('click')
    await flushPromises()
    expect(pluginsApi.setConfig).toHaveBeenCalledExactlyOnceWith('org.x.conf', { iface: 'eth0', mode: 'vepa', mtu: 9000, verbose: true })
    expect(w.get(tid('plugin-config-error')).text()).toBe('vepa needs a switch that hairpins')
    expect(input('iface').element.value).toBe('eth0') // the input stays

    await w.get(tid('plugin-config-mode')).setValue('bridge')
    expect(w.find(tid('plugin-config-error')).exists()).toBe(false)
    const now = configurable({ iface: 'eth0', mode: 'bridge', mtu: 9000, verbose: true })
    pluginsApi.setConfig.mockResolvedValueOnce(now)
    pluginsApi.list.mockResolvedValue([now])
    await save().trigger('click')
    await flushPromises()
    expect(pluginsApi.setConfig).toHaveBeenLastCalledWith('org.x.conf', { iface: 'eth0', mode: 'bridge', mtu: 9000, verbose: true })
    expect(w.find(tid('plugin-config-modal')).exists()).toBe(false)
    expect(useToastStore().toasts.map((t) => t.title)).toEqual(['Configuration saved'])

    // Opened again, it starts from the saved configuration.
    await rowOf(w, 'org.x.conf').get(tid('plugin-configure')).trigger('click')
    expect(input('iface').element.value).toBe('eth0')
    expect(input('verbose').element.checked).toBe(true)
  })

  it('a schema the form cannot show is edited as JSON', async () => {
    const p = makeWasm('org.x.json', { configSchema: schema({ type: 'array' }), config: { a: 1 } as unknown as Record<string, never> })
    pluginsApi.setConfig.mockResolvedValue(p)
    const w = (wrapper = await mountPage([p]))
    await rowOf(w, 'org.x.json').get(tid('plugin-configure')).trigger('click')
    const json = w.get<HTMLTextAreaElement>(tid('plugin-config-json'))
    expect(JSON.parse(json.element.value)).toEqual({ a: 1 })
    await json.setValue('[1]')
    expect(disabled(w.get(tid('plugin-config-save')))).toBe(true)
    expect(w.get(tid('plugin-config-save')).attributes('title')).toBe('The configuration must be a JSON object')
    await json.setValue('{"b": true}')
    await w.get(tid('plugin-config-save')).trigger('click')
    await flushPromises()
    expect(pluginsApi.setConfig).toHaveBeenCalledExactlyOnceWith('org.x.json', { b: true })
  })
})
