import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type DOMWrapper, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { defineComponent, h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { ApiError } from '@/api/client'
import type { PluginAction, PluginEntry } from '@/api/types'
import ConfirmDialog from '@/components/ui/ConfirmDialog.vue'
import { BROKEN_REASON } from '@/modules/plugins/actions'
import { makeBroken, makeBuiltin, makeWasm, MACVTAP_ID, HOSTILE_ID } from '@/modules/plugins/testing'
import { useToastStore } from '@/stores/toasts'
import PluginsPage from './PluginsPage.vue'

const pluginsApi = vi.hoisted(() => ({ list: vi.fn(), install: vi.fn(), action: vi.fn(), setGrants: vi.fn(), setConfig: vi.fn(), remove: vi.fn() }))
vi.mock('@/modules/plugins/api', async (orig) => ({ ...(await orig<typeof import('@/modules/plugins/api')>()), pluginsApi }))

const tid = (id: string) => `[data-testid="${id}"]`

/** The page plus the app-wide ConfirmDialog, as in App.vue; modals render in place. */
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
/** A plugin action answered as the server would. */
const answerWith = (p: PluginEntry) => async (_id: string, action: PluginAction): Promise<PluginEntry> => ({
  ...p,
  wasm: { ...p.wasm!, state: action === 'disable' ? 'disabled' : 'enabled' },
})

const macvtap = () =>
  makeWasm(
    MACVTAP_ID,
    {
      nicKinds: ['macvtap'],
      calls: 1234,
      faults: 2,
      meanCallMicros: 1500,
      lastFault: 'deadline exceeded (1000 ms)',
      limits: { memoryMib: 64, callTimeoutMs: 1000, fuelMillions: 2000 },
    },
    { name: 'macvtap NICs', description: 'macvtap NICs on a host interface' },
  )
const hostile = () => makeWasm(HOSTILE_ID, { capabilities: ['kv', 'clock'], granted: ['clock'], extensionPoints: ['hostHooks'] }, { name: 'Hostile fixture' })

let wrapper: VueWrapper | null = null
beforeEach(() => {
  setActivePinia(createPinia())
  Object.values(pluginsApi).forEach((f) => f.mockReset())
})
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
})

describe('PluginsPage list', () => {
  it('shows built-ins and WASM plugins together, each with what it is', async () => {
    const w = (wrapper = await mountPage([makeBuiltin(), macvtap(), hostile(), makeBroken('org.x.broken', 'api-version 9.0.0 is not supported')]))
    expect(kinds(w)).toEqual(['libvirt', MACVTAP_ID, HOSTILE_ID, 'org.x.broken'])
    expect(w.get(tid('plugins-count')).text()).toBe('1 built-in · 3 WASM')

    const builtin = rowOf(w, 'libvirt')
    expect(builtin.get(tid('plugin-builtin')).text()).toBe('built-in')
    expect(builtin.get(tid('plugin-provides')).text()).toBe('hostConnection')
    expect(builtin.get(tid('plugin-uri-schemes')).text()).toBe('qemu, qemu+ssh')
    expect(builtin.get(tid('plugin-builtin-note')).attributes('title')).toMatch(/part of the server/)
    expect(builtin.find('button').exists()).toBe(false)
    expect(builtin.find(tid('plugin-state')).exists()).toBe(false)

    const mac = rowOf(w, MACVTAP_ID)
    expect(mac.get(tid('plugin-name')).text()).toBe('macvtap NICs')
    expect(mac.get(tid('plugin-state')).text()).toBe('enabled')
    expect(mac.get(tid('plugin-version')).text()).toBe('v0.1.0')
    expect(mac.get(tid('plugin-api-version')).text()).toBe('0.1.0')
    expect(mac.get(tid('plugin-extension-points')).text()).toBe('Network driver')
    expect(mac.findAll(tid('plugin-nic-kind')).map((e) => e.text())).toEqual(['macvtap'])
    expect(mac.get(tid('plugin-capabilities-none')).text()).toBe('None requested')
    expect(mac.get(tid('plugin-limits')).text()).toBe('64 MiB · 1,000 ms · 2,000 M fuel')
    expect(mac.get(tid('plugin-calls')).text()).toBe('1,234')
    expect(mac.get(tid('plugin-faults')).text()).toBe('2')
    expect(mac.get(tid('plugin-mean-call')).text()).toBe('1.5 ms')
    expect(mac.get(tid('plugin-last-fault')).text()).toBe('deadline exceeded (1000 ms)')
    expect(mac.find(tid('plugin-configure')).exists()).toBe(false) // no configuration schema
    expect(disabled(mac.get(tid('plugin-capabilities')))).toBe(true)
    expect(mac.get(tid('plugin-capabilities')).attributes('title')).toBe('Its manifest asks for no capabilities')

    const h = rowOf(w, HOSTILE_ID)
    expect(h.get(tid('plugin-capability-kv')).attributes('data-granted')).toBe('false')
    expect(h.get(tid('plugin-capability-kv')).text()).toBe('kv (not granted)')
    expect(h.get(tid('plugin-capability-clock')).attributes('data-granted')).toBe('true')
    expect(h.get(tid('plugin-capabilities-summary')).text()).toBe('(1 of 2 granted)')
    expect(h.get(tid('plugin-mean-call')).text()).toBe('—')
    expect(h.get(tid('plugin-last-fault')).text()).toBe('—')

    const broken = rowOf(w, 'org.x.broken')
    expect(broken.get(tid('plugin-state')).text()).toBe('broken')
    expect(broken.get(tid('plugin-reason')).text()).toBe('api-version 9.0.0 is not supported')
    expect(broken.find(tid('plugin-limits')).exists()).toBe(false)
    for (const b of ['plugin-enable', 'plugin-capabilities']) {
      expect(disabled(broken.get(tid(b)))).toBe(true)
      expect(broken.get(tid(b)).attributes('title')).toBe(BROKEN_REASON)
    }
    for (const b of ['plugin-reload', 'plugin-remove']) expect(disabled(broken.get(tid(b)))).toBe(false)
  })

  it('an unhealthy plugin offers Enable (forgiving its faults) and Disable is not shown', async () => {
    const w = (wrapper = await mountPage([makeWasm('org.x.sick', { state: 'unhealthy', faults: 5 })]))
    const row = rowOf(w, 'org.x.sick')
    expect(row.get(tid('plugin-state')).text()).toBe('unhealthy')
    expect(row.get(tid('plugin-enable')).attributes('title')).toBe('Call it again (forgives its faults)')
    expect(row.find(tid('plugin-disable')).exists()).toBe(false)
  })

  it('Refresh fetches the list again; a failed fetch says so and keeps the rows', async () => {
    const w = (wrapper = await mountPage([makeBuiltin()]))
    expect(pluginsApi.list).toHaveBeenCalledTimes(1)
    pluginsApi.list.mockResolvedValueOnce([makeBuiltin(), macvtap()])
    await w.get(tid('plugins-refresh')).trigger('click')
    await flushPromises()
    expect(kinds(w)).toEqual(['libvirt', MACVTAP_ID])
    pluginsApi.list.mockRejectedValueOnce(new ApiError(0, { code: 'network_error', message: 'Network error: Failed to fetch' }))
    await w.get(tid('plugins-refresh')).trigger('click')
    await flushPromises()
    expect(w.get(tid('plugins-error')).text()).toBe('Could not load plugins: Network error: Failed to fetch')
    expect(kinds(w)).toEqual(['libvirt', MACVTAP_ID])
  })
})

describe('PluginsPage actions', () => {
  it('disables then enables a plugin: the badge follows the answer, and the list is fetched again after each', async () => {
    let server = macvtap()
    pluginsApi.action.mockImplementation(async (id: string, action: PluginAction) => (server = await answerWith(server)(id, action)))
    const w = (wrapper = await mountPage([makeBuiltin(), server]))
    pluginsApi.list.mockImplementation(async () => [makeBuiltin(), server])
    await rowOf(w, MACVTAP_ID).get(tid('plugin-disable')).trigger('click')
    await flushPromises()
    expect(pluginsApi.action).toHaveBeenCalledExactlyOnceWith(MACVTAP_ID, 'disable')
    expect(rowOf(w, MACVTAP_ID).get(tid('plugin-state')).text()).toBe('disabled')
    expect(pluginsApi.list).toHaveBeenCalledTimes(2)

    await rowOf(w, MACVTAP_ID).get(tid('plugin-enable')).trigger('click')
    await flushPromises()
    expect(pluginsApi.action).toHaveBeenLastCalledWith(MACVTAP_ID, 'enable')
    expect(rowOf(w, MACVTAP_ID).get(tid('plugin-state')).text()).toBe('enabled')
    expect(pluginsApi.list).toHaveBeenCalledTimes(3)
  })

  it('buttons are disabled while a request for the plugin runs', async () => {
    const p = macvtap()
    let answer!: (e: PluginEntry) => void
    pluginsApi.action.mockReturnValue(new Promise<PluginEntry>((res) => (answer = res)))
    const w = (wrapper = await mountPage([p]))
    await rowOf(w, MACVTAP_ID).get(tid('plugin-reload')).trigger('click')
    await flushPromises()
    for (const b of ['plugin-disable', 'plugin-reload', 'plugin-remove']) expect(disabled(rowOf(w, MACVTAP_ID).get(tid(b)))).toBe(true)
    await rowOf(w, MACVTAP_ID).get(tid('plugin-disable')).trigger('click')
    expect(pluginsApi.action).toHaveBeenCalledTimes(1)
    answer(p)
    await flushPromises()
    expect(disabled(rowOf(w, MACVTAP_ID).get(tid('plugin-reload')))).toBe(false)
  })

  it('reports a refusal as an error toast with the server’s message and fetches the list again', async () => {
    pluginsApi.action.mockRejectedValue(new ApiError(404, { code: 'plugin_not_found', message: `no plugin '${MACVTAP_ID}'` }))
    const w = (wrapper = await mountPage([macvtap()]))
    pluginsApi.list.mockResolvedValue([])
    await rowOf(w, MACVTAP_ID).get(tid('plugin-reload')).trigger('click')
    await flushPromises()
    expect(useToastStore().toasts).toMatchObject([{ kind: 'error', title: 'Could not reload macvtap NICs', message: `no plugin '${MACVTAP_ID}'` }])
    expect(kinds(w)).toEqual([])
  })

  it('removes a plugin after a confirmation naming it', async () => {
    pluginsApi.remove.mockResolvedValue(undefined)
    const w = (wrapper = await mountPage([makeBuiltin(), macvtap()]))
    await rowOf(w, MACVTAP_ID).get(tid('plugin-remove')).trigger('click')
    await flushPromises()
    expect(w.get(tid('confirm-message')).text()).toBe(
      `Remove plugin "macvtap NICs" (${MACVTAP_ID})? Its files, grants and saved configuration are deleted. NICs of kind macvtap can no longer be added or changed.`,
    )
    await w.get(tid('confirm-cancel')).trigger('click')
    await flushPromises()
    expect(pluginsApi.remove).not.toHaveBeenCalled()
    expect(kinds(w)).toEqual(['libvirt', MACVTAP_ID])

    pluginsApi.list.mockImplementation(() => new Promise(() => {}))
    await rowOf(w, MACVTAP_ID).get(tid('plugin-remove')).trigger('click')
    await flushPromises()
    await w.get(tid('confirm-accept')).trigger('click')
    await flushPromises()
    expect(pluginsApi.remove).toHaveBeenCalledExactlyOnceWith(MACVTAP_ID)
    expect(kinds(w)).toEqual(['libvirt'])
    expect(useToastStore().toasts.map((t) => [t.kind, t.title])).toEqual([['success', 'Plugin removed']])
  })

  it('a broken plugin can be removed and reloaded', async () => {
    const broken = makeBroken('org.x.broken')
    pluginsApi.action.mockResolvedValue(makeWasm('org.x.broken'))
    const w = (wrapper = await mountPage([broken]))
    pluginsApi.list.mockImplementation(() => new Promise(() => {}))
    await rowOf(w, 'org.x.broken').get(tid('plugin-reload')).trigger('click')
    await flushPromises()
    expect(pluginsApi.action).toHaveBeenCalledExactlyOnceWith('org.x.broken', 'reload')
    expect(rowOf(w, 'org.x.broken').get(tid('plugin-state')).text()).toBe('enabled')
  })
})
