import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { defineComponent, h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { hostsCache } from '@/modules/hosts/queries'
import { makeNetwork, networkList, ovsAndNat } from '@/modules/networks/testing'
import NetworksPage from './NetworksPage.vue'

const networksApi = vi.hoisted(() => ({ list: vi.fn() }))
vi.mock('@/modules/networks/api', () => ({ networksApi }))
const hostsApi = vi.hoisted(() => ({ list: vi.fn() }))
vi.mock('@/modules/hosts/api', () => ({ hostsApi }))

const tid = (id: string) => `[data-testid="${id}"]`
const Stub = defineComponent({ render: () => h('div') })

async function mountAt(url: string) {
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
  const w = mount(RouterView, { global: { plugins: [router] }, attachTo: document.body })
  await flushPromises()
  return { w, router }
}

const rowNames = (w: VueWrapper) => w.findAll(tid('network-name')).map((e) => e.text())

let wrapper: VueWrapper | null = null
beforeEach(() => {
  setActivePinia(createPinia())
  networksApi.list.mockReset()
  hostsApi.list.mockReset().mockResolvedValue([])
  hostsCache.state.hosts = []
  hostsCache.state.loaded = false
})
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
})

describe('NetworksPage', () => {
  it('lists networks with host link, kind, bridge, ranges, state, users and expandable portgroups', async () => {
    const { ovs, nat } = ovsAndNat()
    networksApi.list.mockResolvedValue(networkList([nat, ovs]))
    const { w } = await mountAt('/networks')
    wrapper = w

    expect(networksApi.list).toHaveBeenCalledTimes(1)
    // Sorted by host: alpha (ovs-net) before beta (default).
    expect(rowNames(w)).toEqual(['ovs-net', 'default'])
    expect(w.get(tid('networks-count')).text()).toBe('2 networks')

    const ovsRow = w.get(tid('network-row-ovs-net'))
    expect(ovsRow.attributes('data-host-id')).toBe('host-a')
    expect(ovsRow.get(tid('network-kind')).text()).toBe('Open vSwitch')
    expect(ovsRow.get(tid('network-host-link')).text()).toBe('alpha')
    expect(ovsRow.get(tid('network-host-link')).attributes('href')).toBe('/hosts/host-a')
    expect(ovsRow.get(tid('network-bridge')).text()).toBe('ovsbr0')
    expect(ovsRow.get(tid('network-ip-ranges')).text()).toBe('—')
    expect(ovsRow.get(tid('network-state')).text()).toBe('active')
    expect(ovsRow.find(tid('network-autostart')).exists()).toBe(true)
    expect(ovsRow.get(tid('network-users')).text()).toBe('3')
    expect(ovsRow.get(tid('network-portgroup-count')).text()).toBe('2 portgroups')

    const natRow = w.get(tid('network-row-default'))
    expect(natRow.get(tid('network-kind')).text()).toBe('NAT')
    expect(natRow.get(tid('network-host-link')).attributes('href')).toBe('/hosts/host-b')
    expect(natRow.get(tid('network-ip-ranges')).findAll('span').map((s) => s.text())).toEqual([
      '192.168.122.1/24',
      '192.168.122.2-192.168.122.254',
    ])
    expect(natRow.get(tid('network-state')).text()).toBe('inactive')
    expect(natRow.find(tid('network-autostart')).exists()).toBe(false)
    expect(natRow.get(tid('network-users')).text()).toBe('0')
    // No portgroups: it expands to say so, and to add one.
    await natRow.get(tid('network-expand')).trigger('click')
    expect(w.get(tid('network-portgroups-default')).get(tid('network-portgroups-none')).text()).toContain('No portgroups')
    expect(w.get(tid('network-portgroups-default')).find(tid('portgroup-add')).exists()).toBe(true)
    await natRow.get(tid('network-expand')).trigger('click')
    expect(w.find(tid('network-portgroups-default')).exists()).toBe(false)

    // Portgroups show under the row once expanded.
    expect(w.find(tid('network-portgroups-ovs-net')).exists()).toBe(false)
    const toggle = ovsRow.get(tid('network-expand'))
    expect(toggle.attributes('aria-expanded')).toBe('false')
    await toggle.trigger('click')
    expect(toggle.attributes('aria-expanded')).toBe('true')
    const pgs = w.get(tid('network-portgroups-ovs-net')).findAll(tid('network-portgroup'))
    expect(pgs.map((p) => p.attributes('data-portgroup'))).toEqual(['vlan10', 'trunk'])
    expect(pgs[0]!.get(tid('portgroup-vlan')).text()).toBe('VLAN 10')
    expect(pgs[0]!.find(tid('portgroup-default')).exists()).toBe(true)
    expect(pgs[1]!.get(tid('portgroup-vlan')).text()).toBe('trunk 10,20,30 (native 10)')
    expect(pgs[1]!.find(tid('portgroup-default')).exists()).toBe(false)
    await toggle.trigger('click')
    expect(w.find(tid('network-portgroups-ovs-net')).exists()).toBe(false)
  })

  it('links each network’s user count to its ports (host and network in the query)', async () => {
    const { ovs, nat } = ovsAndNat()
    const odd = makeNetwork({ hostId: 'host-a', hostName: 'alpha', name: 'lab net&1', usedBy: 1 })
    networksApi.list.mockResolvedValue(networkList([ovs, nat, odd]))
    const { w, router } = await mountAt('/networks')
    wrapper = w

    const link = (name: string) => w.get(tid(`network-row-${name}`)).get(tid('network-users-link'))
    expect(link('ovs-net').text()).toBe('3')
    expect(link('ovs-net').attributes('href')).toBe('/ports?hostId=host-a&network=ovs-net')
    expect(link('ovs-net').attributes('title')).toBe('VM NICs using this network: show them on the Ports page')
    expect(link('default').attributes('href')).toBe('/ports?hostId=host-b&network=default')
    expect(link('lab net&1').attributes('href')).toBe('/ports?hostId=host-a&network=lab+net%261')

    await link('ovs-net').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.path).toBe('/ports')
    expect(router.currentRoute.value.query).toEqual({ hostId: 'host-a', network: 'ovs-net' })
  })

  it('the text filter hides networks whose name, bridge and host do not match', async () => {
    const { ovs, nat } = ovsAndNat()
    networksApi.list.mockResolvedValue(networkList([ovs, nat]))
    const { w } = await mountAt('/networks')
    wrapper = w
    const search = w.get(tid('networks-search'))

    await search.setValue('OVS')
    expect(rowNames(w)).toEqual(['ovs-net'])
    expect(w.get(tid('networks-count')).text()).toBe('1 of 2 networks')
    await search.setValue('virbr0') // the NAT network's bridge
    expect(rowNames(w)).toEqual(['default'])
    await search.setValue('beta') // its host
    expect(rowNames(w)).toEqual(['default'])
    await search.setValue('no-such-network')
    expect(rowNames(w)).toEqual([])
    expect(w.get(tid('networks-empty')).text()).toContain('No networks match these filters.')
    await w.get(tid('networks-clear-filters')).trigger('click')
    expect(rowNames(w)).toEqual(['ovs-net', 'default'])
  })

  it('honours ?hostId= and offers the hosts of the list in the host filter', async () => {
    const { ovs, nat } = ovsAndNat()
    networksApi.list.mockResolvedValue(networkList([ovs, nat]))
    const { w, router } = await mountAt('/networks?hostId=host-b')
    wrapper = w

    expect(rowNames(w)).toEqual(['default'])
    const select = w.get<HTMLSelectElement>(tid('networks-host-filter'))
    expect(select.element.value).toBe('host-b')
    expect(select.findAll('option').map((o) => o.text())).toEqual(['All hosts', 'alpha', 'beta'])

    await select.setValue('host-a')
    await flushPromises()
    expect(rowNames(w)).toEqual(['ovs-net'])
    expect(router.currentRoute.value.query).toEqual({ hostId: 'host-a' })

    await select.setValue('')
    await flushPromises()
    expect(rowNames(w)).toEqual(['ovs-net', 'default'])
    expect(router.currentRoute.value.query).toEqual({})
  })

  it('shows a host without networks, load errors with a retry, and the empty state', async () => {
    networksApi.list.mockResolvedValueOnce(networkList([]))
    let { w } = await mountAt('/networks?hostId=host-z')
    expect(w.get(tid('networks-empty')).text()).toContain('No networks on this host.')
    expect(w.get<HTMLSelectElement>(tid('networks-host-filter')).element.value).toBe('host-z')
    w.unmount()

    networksApi.list.mockRejectedValueOnce(new Error('server down'))
    ;({ w } = await mountAt('/networks'))
    wrapper = w
    expect(w.get('[role="alert"]').text()).toContain('Could not load networks: server down')
    networksApi.list.mockResolvedValueOnce(networkList([]))
    await w.get('[role="alert"] button').trigger('click')
    await flushPromises()
    expect(w.find('[role="alert"]').exists()).toBe(false)
    expect(w.get(tid('networks-empty')).text()).toContain('No networks yet.')
  })
})
