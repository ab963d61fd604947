import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { defineComponent, h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { ApiError } from '@/api/client'
import type { Host, Network, NetworkKindInfo } from '@/api/types'
import { hostsCache } from '@/modules/hosts/queries'
import { makeHost } from '@/modules/hosts/testing'
import { MACVTAP_NETWORK_KIND, makeNetwork, makeNetworkKind, networkList } from '@/modules/networks/testing'
import { useToastStore } from '@/stores/toasts'
import NetworksPage from './NetworksPage.vue'

// The "New network" dialog's "Plugin kind" and the list's badge of a network a plugin recognizes,
// with the networks API mocked at its boundary.
const networksApi = vi.hoisted(() => ({ list: vi.fn(), create: vi.fn(), kinds: vi.fn() }))
vi.mock('@/modules/networks/api', () => ({ networksApi }))
const hostsApi = vi.hoisted(() => ({ list: vi.fn() }))
vi.mock('@/modules/hosts/api', () => ({ hostsApi }))

const tid = (id: string) => `[data-testid="${id}"]`
const Stub = defineComponent({ render: () => h('div') })
const alpha = makeHost({ id: 'host-a', name: 'alpha', state: 'connected' })
const MACVTAP = 'org.virtumancer.example.macvtap'
const vepa = (over: Partial<Network> = {}) =>
  makeNetwork({
    name: 'mv1',
    forwardMode: 'vepa',
    bridge: null,
    pluginKind: { kind: 'macvtap', plugin: MACVTAP, params: { mode: 'vepa', dev: 'eth1' } },
    ...over,
  })

async function mountPage(hosts: Host[], networks: Network[] = [], kinds: NetworkKindInfo[] = [MACVTAP_NETWORK_KIND]) {
  hostsApi.list.mockResolvedValue(hosts)
  networksApi.list.mockResolvedValue(networkList(networks))
  networksApi.kinds.mockResolvedValue({ items: kinds })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/networks', name: 'networks', component: NetworksPage },
      { path: '/hosts/:id', name: 'host', component: Stub },
      { path: '/ports', name: 'ports', component: Stub },
    ],
  })
  await router.push('/networks')
  await router.isReady()
  const w = mount(defineComponent({ setup: () => () => h(RouterView) }), { global: { plugins: [router], stubs: { teleport: true } } })
  await flushPromises()
  return w
}

async function openDialog(w: VueWrapper) {
  await w.get(tid('networks-new')).trigger('click')
  await flushPromises()
  return w.get(tid('network-create-modal'))
}
const submit = (w: VueWrapper) => w.get(tid('network-create-submit'))
const submitDisabled = (w: VueWrapper) => submit(w).attributes('disabled') !== undefined
const value = (w: VueWrapper, id: string) => (w.get(tid(id)).element as HTMLInputElement).value

/** Opens the dialog and chooses Plugin kind (macvtap is picked), named `name`. */
async function pluginDialog(w: VueWrapper, name = 'mv1') {
  await openDialog(w)
  await w.get(tid('network-create-name')).setValue(name)
  await w.get(tid('network-create-kind-plugin')).setValue(true)
}

let wrapper: VueWrapper | null = null
beforeEach(() => {
  setActivePinia(createPinia())
  Object.values(networksApi).forEach((f) => f.mockReset())
  hostsApi.list.mockReset()
  hostsCache.state.hosts = []
  hostsCache.state.loaded = false
})
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
})

describe('NetworksPage: new network of a plugin kind', () => {
  it('asks for the kinds each time the dialog opens; without any, no "Plugin kind" is offered', async () => {
    const w = (wrapper = await mountPage([alpha], [], []))
    expect(networksApi.kinds).not.toHaveBeenCalled()
    await openDialog(w)
    expect(networksApi.kinds).toHaveBeenCalledTimes(1)
    expect(w.find(tid('network-create-kind-plugin')).exists()).toBe(false)
    expect(w.find(tid('network-create-kind-nat')).exists()).toBe(true)

    await w.get(tid('network-create-cancel')).trigger('click')
    networksApi.kinds.mockResolvedValue({ items: [MACVTAP_NETWORK_KIND] })
    await openDialog(w)
    expect(networksApi.kinds).toHaveBeenCalledTimes(2)
    expect(w.find(tid('network-create-kind-plugin')).exists()).toBe(true)
  })

  it('macvtap: the kind with its plugin, params from its schema checked as typed, then the exact body; the row shows the badge', async () => {
    const w = (wrapper = await mountPage([alpha]))
    await pluginDialog(w)

    // The first kind is chosen; no bridge, subnet or portgroups; the params start at the schema's defaults.
    expect(value(w, 'network-create-plugin-kind')).toBe('macvtap')
    expect(w.get(tid('network-create-plugin-kind')).findAll('option').map((o) => o.text())).toEqual(['macvtap — A network of macvtap ports on a host device'])
    expect(w.get(tid('network-create-plugin-kind-about')).text()).toContain('A network of macvtap ports on a host device')
    expect(w.get(tid('network-create-plugin-kind-plugin')).text()).toBe(MACVTAP)
    expect(w.find(tid('network-create-bridge')).exists()).toBe(false)
    expect(w.find(tid('network-create-ipv4')).exists()).toBe(false)
    expect(value(w, 'network-param-dev')).toBe('')
    expect(value(w, 'network-param-mode')).toBe('bridge')
    expect(w.get(tid('network-param-field-dev')).text()).toContain('Host device *')
    expect(submitDisabled(w)).toBe(true)
    expect(submit(w).attributes('title')).toBe('Host device: Required')

    await w.get(tid('network-param-dev')).setValue('bad dev')
    expect(w.get(tid('network-param-field-dev')).text()).toContain('Must match the pattern ^[A-Za-z0-9_.:-]{1,15}$')
    expect(submitDisabled(w)).toBe(true)
    await w.get(tid('network-param-dev')).setValue('eth1')
    await w.get(tid('network-param-mode')).setValue('vepa')
    await w.get(tid('network-create-start')).setValue(false)
    expect(submitDisabled(w)).toBe(false)

    networksApi.create.mockResolvedValue(vepa({ active: false, autostart: true }))
    await submit(w).trigger('click')
    await flushPromises()
    expect(networksApi.create).toHaveBeenCalledExactlyOnceWith('host-a', {
      name: 'mv1',
      kind: 'plugin',
      pluginKind: 'macvtap',
      params: { dev: 'eth1', mode: 'vepa' },
      autostart: true,
      start: false,
    })
    expect(w.find(tid('network-create-modal')).exists()).toBe(false)
    const row = w.get(tid('network-row-mv1'))
    expect(row.get(tid('network-kind')).text()).toBe('vepa')
    const badge = row.get(tid('network-plugin-kind'))
    expect(badge.text()).toBe('macvtap')
    expect(badge.attributes('data-plugin')).toBe(MACVTAP)
    expect(badge.attributes('title')).toBe(`Network kind macvtap of the plugin ${MACVTAP} (mode=vepa, dev=eth1)`)
    expect(row.get(tid('network-plugin-params')).text()).toBe('vepa · eth1')
    expect(useToastStore().toasts.map((t) => [t.kind, t.title])).toContainEqual(['success', 'Network created'])
  })

  it('shows the plugin’s refusal in the dialog, marks the param it names, keeps the input', async () => {
    const w = (wrapper = await mountPage([alpha]))
    await pluginDialog(w)
    await w.get(tid('network-param-dev')).setValue('eth9')
    const message = "network kind 'macvtap': dev: 'eth9' is not a device of the host"
    networksApi.create.mockRejectedValue(new ApiError(422, { code: 'invalid_request', message }))
    await submit(w).trigger('click')
    await flushPromises()

    expect(networksApi.create).toHaveBeenCalledOnce()
    const error = w.get(tid('network-create-error'))
    expect(error.text()).toBe(message)
    expect(error.attributes('data-code')).toBe('invalid_request')
    expect(w.get(tid('network-param-dev')).attributes('aria-invalid')).toBe('true')
    expect(w.get(tid('network-param-mode')).attributes('aria-invalid')).toBeUndefined()
    expect(value(w, 'network-param-dev')).toBe('eth9')
    expect(value(w, 'network-create-name')).toBe('mv1')
    expect(w.find(tid('network-row-mv1')).exists()).toBe(false)
    expect(submitDisabled(w)).toBe(false)

    // Editing drops the message (it no longer describes the input).
    await w.get(tid('network-param-dev')).setValue('eth1')
    expect(w.find(tid('network-create-error')).exists()).toBe(false)
  })

  it('a kind whose schema has no form takes its params as JSON', async () => {
    const raw = makeNetworkKind({ name: 'raw', description: 'Raw XML', plugin: 'org.example.raw', paramsSchema: {} })
    const w = (wrapper = await mountPage([alpha], [], [MACVTAP_NETWORK_KIND, raw]))
    await pluginDialog(w, 'r1')
    await w.get(tid('network-create-plugin-kind')).setValue('raw')
    expect(w.find(tid('network-param-dev')).exists()).toBe(false)
    await w.get(tid('network-create-params-json')).setValue('{"a": 1}')
    expect(w.get(tid('network-create-params-error')).text()).toBe("Parameters: 'a' must be a string")
    expect(submitDisabled(w)).toBe(true)
    await w.get(tid('network-create-params-json')).setValue('{"a": "1"}')
    networksApi.create.mockResolvedValue(makeNetwork({ name: 'r1' }))
    await submit(w).trigger('click')
    await flushPromises()
    expect(networksApi.create).toHaveBeenCalledExactlyOnceWith('host-a', { name: 'r1', kind: 'plugin', pluginKind: 'raw', params: { a: '1' }, autostart: true, start: true })
  })

  it('could not load the kinds: said in the dialog, nothing can be sent', async () => {
    const w = (wrapper = await mountPage([alpha]))
    await pluginDialog(w)
    await w.get(tid('network-create-cancel')).trigger('click')
    networksApi.kinds.mockRejectedValue(new Error('boom'))
    await openDialog(w)
    // Reopened on NAT; the plugin kind stays offered from the last answer.
    await w.get(tid('network-create-kind-plugin')).setValue(true)
    expect(w.get(tid('network-create-kinds-error')).text()).toBe('Could not load the network kinds: boom')
  })
})

describe('NetworksPage: a network a plugin recognizes', () => {
  it('shows the kind as a badge beside its forward mode, with the plugin and params', async () => {
    const w = (wrapper = await mountPage([alpha], [vepa(), makeNetwork({ name: 'default' })]))
    const row = w.get(tid('network-row-mv1'))
    expect(row.get(tid('network-kind')).text()).toBe('vepa')
    expect(row.get(tid('network-plugin-kind')).text()).toBe('macvtap')
    expect(row.get(tid('network-plugin-params')).text()).toBe('vepa · eth1')
    const plain = w.get(tid('network-row-default'))
    expect(plain.get(tid('network-kind')).text()).toBe('NAT')
    expect(plain.find(tid('network-plugin-kind')).exists()).toBe(false)
    expect(plain.find(tid('network-plugin-params')).exists()).toBe(false)
  })
})
