import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { defineComponent, h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { ApiError } from '@/api/client'
import type { Host, Network } from '@/api/types'
import { hostsCache } from '@/modules/hosts/queries'
import { makeHost } from '@/modules/hosts/testing'
import { makeNetwork, networkList, portgroup } from '@/modules/networks/testing'
import { useToastStore } from '@/stores/toasts'
import NetworksPage from './NetworksPage.vue'

const networksApi = vi.hoisted(() => ({ list: vi.fn(), create: vi.fn(), action: vi.fn(), remove: vi.fn(), kinds: vi.fn() }))
vi.mock('@/modules/networks/api', () => ({ networksApi }))
const hostsApi = vi.hoisted(() => ({ list: vi.fn() }))
vi.mock('@/modules/hosts/api', () => ({ hostsApi }))

const tid = (id: string) => `[data-testid="${id}"]`
const Stub = defineComponent({ render: () => h('div') })

const alpha = makeHost({ id: 'host-a', name: 'alpha', state: 'connected' })
const beta = makeHost({ id: 'host-b', name: 'beta', state: 'disconnected' })
const gamma = makeHost({ id: 'host-g', name: 'gamma', state: 'connected' })

/** The page at `url` with its hosts and networks; modals render in place. */
async function mountPage(url: string, hosts: Host[], networks: Network[] = []) {
  hostsApi.list.mockResolvedValue(hosts)
  networksApi.list.mockResolvedValue(networkList(networks))
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/networks', name: 'networks', component: NetworksPage },
      { path: '/hosts/:id', name: 'host', component: Stub },
      { path: '/ports', name: 'ports', component: Stub },
    ],
  })
  await router.push(url)
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
const submitDisabled = (w: VueWrapper) => w.get(tid('network-create-submit')).attributes('disabled') !== undefined
const pgRows = (w: VueWrapper) => w.findAll(tid('network-create-pg'))

let wrapper: VueWrapper | null = null
beforeEach(() => {
  setActivePinia(createPinia())
  Object.values(networksApi).forEach((f) => f.mockReset())
  networksApi.kinds.mockResolvedValue({ items: [] })
  hostsApi.list.mockReset()
  hostsCache.state.hosts = []
  hostsCache.state.loaded = false
})
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
})

describe('NetworksPage: new network', () => {
  it('creates an Open vSwitch network with two portgroups: exact body, the row appears, the dialog closes', async () => {
    const w = (wrapper = await mountPage('/networks?hostId=host-g', [alpha, beta, gamma]))
    expect(w.find(tid('network-create-modal')).exists()).toBe(false)
    await openDialog(w)

    // Connected hosts only, the filtered one preselected.
    const host = w.get(tid('network-create-host'))
    expect(host.findAll('option').map((o) => o.text())).toEqual(['alpha', 'gamma'])
    expect((host.element as HTMLSelectElement).value).toBe('host-g')

    await w.get(tid('network-create-name')).setValue('ovs-lab')
    await w.get(tid('network-create-kind-openvswitch')).setValue(true)
    expect(w.find(tid('network-create-ipv4')).exists()).toBe(false)
    await w.get(tid('network-create-bridge')).setValue('ovsbr0')
    await w.get(tid('network-create-pg-add')).trigger('click')
    await w.get(tid('network-create-pg-add')).trigger('click')
    expect(pgRows(w)).toHaveLength(2)

    const [access, trunk] = pgRows(w)
    await access!.get(tid('network-create-pg-name')).setValue('access10')
    await access!.get(tid('network-create-pg-vlans')).setValue('10')
    await access!.get(tid('network-create-pg-default')).trigger('click')
    await trunk!.get(tid('network-create-pg-name')).setValue('trunk')
    await trunk!.get(tid('network-create-pg-vlans')).setValue('10, 20,30')
    // Several tags without Trunk is refused until it is ticked.
    expect(trunk!.get(tid('network-create-pg-trunk-error')).text()).toBe('Several VLAN tags make a trunk: tick Trunk')
    expect(submitDisabled(w)).toBe(true)
    await trunk!.get(tid('network-create-pg-trunk')).setValue(true)
    const native = trunk!.get(tid('network-create-pg-native'))
    expect(native.findAll('option').map((o) => o.text())).toEqual(['None', '10', '20', '30'])
    await native.setValue('20')
    await w.get(tid('network-create-autostart')).setValue(false)
    expect(submitDisabled(w)).toBe(false)

    const created = makeNetwork({
      hostId: 'host-g',
      hostName: 'gamma',
      name: 'ovs-lab',
      forwardMode: 'bridge',
      bridge: 'ovsbr0',
      virtualportType: 'openvswitch',
      portgroups: [portgroup({ name: 'access10', isDefault: true, vlanTags: [10] }), portgroup({ name: 'trunk', vlanTags: [10, 20, 30], trunk: true, nativeVlan: 20 })],
    })
    networksApi.create.mockResolvedValue(created)
    await w.get(tid('network-create-submit')).trigger('click')
    await flushPromises()

    expect(networksApi.create).toHaveBeenCalledExactlyOnceWith('host-g', {
      name: 'ovs-lab',
      kind: 'openvswitch',
      bridge: 'ovsbr0',
      portgroups: [
        { name: 'access10', isDefault: true, vlanTags: [10], trunk: false },
        { name: 'trunk', isDefault: false, vlanTags: [10, 20, 30], trunk: true, nativeVlan: 20 },
      ],
      autostart: false,
      start: true,
    })
    expect(w.find(tid('network-create-modal')).exists()).toBe(false)
    const row = w.get(tid('network-row-ovs-lab'))
    expect(row.get(tid('network-kind')).text()).toBe('Open vSwitch')
    expect(row.get(tid('network-portgroup-count')).text()).toBe('2 portgroups')
    expect(networksApi.list).toHaveBeenCalledTimes(1) // shown from the answer, before any refetch
    expect(useToastStore().toasts.map((t) => [t.kind, t.title, t.message])).toContainEqual(['success', 'Network created', 'ovs-lab on gamma'])
  })

  it('shows the server’s 422 in the dialog, which stays open with the input', async () => {
    const w = (wrapper = await mountPage('/networks', [alpha]))
    await openDialog(w)
    expect((w.get(tid('network-create-host')).element as HTMLSelectElement).value).toBe('host-a')
    await w.get(tid('network-create-name')).setValue('lan')
    await w.get(tid('network-create-kind-bridge')).setValue(true)
    await w.get(tid('network-create-bridge')).setValue('br9')
    networksApi.create.mockRejectedValue(new ApiError(422, { code: 'invalid_request', message: "bridge 'br9' does not exist on the host" }))
    await w.get(tid('network-create-submit')).trigger('click')
    await flushPromises()

    expect(networksApi.create).toHaveBeenCalledExactlyOnceWith('host-a', { name: 'lan', kind: 'bridge', bridge: 'br9', autostart: true, start: true })
    const error = w.get(tid('network-create-error'))
    expect(error.text()).toBe("bridge 'br9' does not exist on the host")
    expect(error.attributes('data-code')).toBe('invalid_request')
    expect(w.find(tid('network-create-modal')).exists()).toBe(true)
    expect((w.get(tid('network-create-name')).element as HTMLInputElement).value).toBe('lan')
    expect((w.get(tid('network-create-bridge')).element as HTMLInputElement).value).toBe('br9')
    expect(w.get(tid('network-create-bridge')).attributes('aria-invalid')).toBe('true')
    expect(w.find(tid('network-row-lan')).exists()).toBe(false)
    expect(useToastStore().toasts).toEqual([])
    expect(submitDisabled(w)).toBe(false) // it can be sent again

    // A 409 name clash marks the name.
    networksApi.create.mockRejectedValue(new ApiError(409, { code: 'network_name_taken', message: "a network named 'lan' already exists on alpha" }))
    await w.get(tid('network-create-submit')).trigger('click')
    await flushPromises()
    expect(w.get(tid('network-create-error')).text()).toBe("a network named 'lan' already exists on alpha")
    expect(w.get(tid('network-create-name')).attributes('aria-invalid')).toBe('true')
  })

  it('an invalid VLAN disables Create and says why; fixing it enables Create', async () => {
    const w = (wrapper = await mountPage('/networks', [alpha]))
    await openDialog(w)
    // Nothing typed yet: Create is disabled, without shouting "required" at the user.
    expect(submitDisabled(w)).toBe(true)
    expect(w.get(tid('network-create-submit')).attributes('title')).toBe('Name is required')
    expect(w.text()).not.toContain('Name is required')

    await w.get(tid('network-create-name')).setValue('ovs')
    await w.get(tid('network-create-kind-openvswitch')).setValue(true)
    await w.get(tid('network-create-bridge')).setValue('ovsbr0')
    await w.get(tid('network-create-pg-add')).trigger('click')
    const vlans = pgRows(w)[0]!.get(tid('network-create-pg-vlans'))
    await vlans.setValue('4095')
    expect(submitDisabled(w)).toBe(true)
    expect(w.get(tid('network-create-submit')).attributes('title')).toBe('VLAN 4095 is reserved; use 1–4094')
    expect(pgRows(w)[0]!.text()).toContain('VLAN 4095 is reserved; use 1–4094')
    expect(vlans.attributes('aria-invalid')).toBe('true')
    await w.get(tid('network-create-submit')).trigger('click')
    await flushPromises()
    expect(networksApi.create).not.toHaveBeenCalled()

    await vlans.setValue('0')
    expect(pgRows(w)[0]!.text()).toContain('VLAN 0 is reserved; use 1–4094')
    await vlans.setValue('40')
    expect(pgRows(w)[0]!.text()).not.toContain('reserved')
    expect(submitDisabled(w)).toBe(false)
  })

  it('offers the subnet for NAT with editable defaults, and refuses a DHCP range outside it', async () => {
    const w = (wrapper = await mountPage('/networks', [alpha]))
    await openDialog(w)
    await w.get(tid('network-create-name')).setValue('nat1')
    const value = (id: string) => (w.get(tid(id)).element as HTMLInputElement).value
    expect([value('network-create-address'), value('network-create-prefix'), value('network-create-dhcp-start'), value('network-create-dhcp-end')]).toEqual([
      '192.168.100.1',
      '24',
      '192.168.100.100',
      '192.168.100.254',
    ])
    expect(submitDisabled(w)).toBe(false)
    await w.get(tid('network-create-dhcp-end')).setValue('192.168.101.10')
    expect(w.get(tid('network-create-ipv4')).text()).toContain('Must lie inside 192.168.100.0/24')
    expect(submitDisabled(w)).toBe(true)
    // Without a subnet the range no longer matters.
    await w.get(tid('network-create-ipv4-toggle')).setValue(false)
    expect(w.find(tid('network-create-address')).exists()).toBe(false)
    expect(submitDisabled(w)).toBe(false)
  })

  it('says so when no host is connected', async () => {
    const w = (wrapper = await mountPage('/networks', [beta]))
    await openDialog(w)
    expect(w.get(tid('network-create-no-host')).text()).toContain('Connect a host first')
    await w.get(tid('network-create-name')).setValue('x')
    expect(w.get(tid('network-create-submit')).attributes('title')).toBe('Choose a connected host')
    expect(submitDisabled(w)).toBe(true)
  })
})
