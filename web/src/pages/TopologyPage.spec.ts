import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type DOMWrapper, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { defineComponent, h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { hostsCache } from '@/modules/hosts/queries'
import { makeHost } from '@/modules/hosts/testing'
import { TOPOLOGY_DEBOUNCE_MS } from '@/modules/topology/queries'
import { crowdedTopology, makePort, sampleTopology, topology } from '@/modules/topology/testing'
import { fakeStream, inventoryChanged } from '@/modules/vms/testing'
import TopologyPage from './TopologyPage.vue'

const topologyApi = vi.hoisted(() => ({ get: vi.fn() }))
vi.mock('@/modules/topology/api', () => ({ topologyApi }))
const hostsApi = vi.hoisted(() => ({ list: vi.fn() }))
vi.mock('@/modules/hosts/api', () => ({ hostsApi }))
// The app's event stream, fed by the test.
const events = vi.hoisted(() => ({ stream: null as ReturnType<typeof fakeStream> | null }))
vi.mock('@/composables/useEventStream', () => ({ getEventStream: () => events.stream }))

const tid = (id: string) => `[data-testid="${id}"]`
const Stub = defineComponent({ render: () => h('div') })

const alpha = makeHost({ id: 'host-a', name: 'alpha', state: 'connected' })
const beta = makeHost({ id: 'host-b', name: 'beta' })

async function mountAt(url: string) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/topology', name: 'topology', component: TopologyPage },
      { path: '/vms/:id', name: 'vm', component: Stub },
      { path: '/hosts', name: 'hosts', component: Stub },
      { path: '/hosts/:id', name: 'host', component: Stub },
      { path: '/networks', name: 'networks', component: Stub },
      { path: '/ports', name: 'ports', component: Stub },
    ],
  })
  await router.push(url)
  await router.isReady()
  const w = mount(RouterView, { global: { plugins: [router] }, attachTo: document.body })
  await flushPromises()
  return { w, router }
}

const node = (w: VueWrapper, kind: string, name: string) => w.get(`[data-testid="topo-node"][data-kind="${kind}"][data-name="${name}"]`)
const nodes = (w: VueWrapper, kind: string) => w.findAll(`[data-testid="topo-node"][data-kind="${kind}"]`)
const names = (list: Pick<DOMWrapper<Element>, 'attributes'>[]) => list.map((n) => n.attributes('data-name'))
type Attrs = Pick<DOMWrapper<Element>, 'attributes'>
const edge = (w: VueWrapper, from: Attrs, to: Attrs) =>
  w.find(`[data-testid="topo-edge"][data-from="${from.attributes('data-id')}"][data-to="${to.attributes('data-id')}"]`)

let wrapper: VueWrapper | null = null
beforeEach(() => {
  setActivePinia(createPinia())
  events.stream = fakeStream()
  topologyApi.get.mockReset().mockResolvedValue(sampleTopology())
  hostsApi.list.mockReset().mockResolvedValue([alpha, beta])
  hostsCache.state.hosts = []
  hostsCache.state.loaded = false
})
afterEach(() => {
  vi.useRealTimers()
  wrapper?.unmount()
  wrapper = null
})

describe('TopologyPage', () => {
  it('draws hosts, networks, portgroups and VMs with their states, connected by edges', async () => {
    const { w } = await mountAt('/topology')
    wrapper = w
    expect(topologyApi.get).toHaveBeenCalledTimes(1)
    expect(topologyApi.get).toHaveBeenLastCalledWith({})
    expect(w.find(tid('topo-diagram')).exists()).toBe(true)
    expect(w.find(tid('topo-grid')).exists()).toBe(false)
    expect(w.get(tid('topo-totals')).text()).toMatch(/2 hosts · 2 networks · 5 VMs/)

    expect(names(nodes(w, 'host'))).toEqual(['alpha', 'beta'])
    expect(node(w, 'host', 'alpha').attributes('data-state')).toBe('connected')
    expect(node(w, 'host', 'beta').attributes('data-state')).toBe('disconnected')
    expect(names(nodes(w, 'network'))).toEqual(['default', 'ovs-net'])
    expect(names(nodes(w, 'portgroup'))).toEqual(['vlan10', 'trunk'])
    expect(names(nodes(w, 'bridge'))).toEqual(['br0'])
    expect(names(nodes(w, 'other'))).toEqual(['direct eth0 (vepa)'])
    expect(names(nodes(w, 'vm'))).toEqual(['web01', 'test', 'web01', 'db01', 'app', 'raw'])

    const ovs = node(w, 'network', 'ovs-net')
    expect(ovs.attributes('data-state')).toBe('active')
    expect(ovs.text()).toContain('Open vSwitch · ovsbr0 · active')
    expect(edge(w, node(w, 'host', 'alpha'), ovs).exists()).toBe(true)
    const trunk = node(w, 'portgroup', 'trunk')
    expect(edge(w, ovs, trunk).exists()).toBe(true)
    const db = node(w, 'vm', 'db01')
    expect(db.attributes()).toMatchObject({ 'data-state': 'paused', 'data-network': 'ovs-net', 'data-link-down': 'true', 'data-vm-id': 'vm-db' })
    const dbEdge = edge(w, trunk, db)
    expect(dbEdge.attributes('data-dashed')).toBe('true')
    expect(dbEdge.attributes('stroke-dasharray')).toBe('5 4')
    expect(w.get(`[data-testid="topo-node"][data-kind="vm"][data-name="test"]`).attributes('data-parent-id')).toBe(node(w, 'portgroup', 'vlan10').attributes('data-id'))
  })

  it('hovering a VM lights up every place it is plugged into and dims the rest', async () => {
    const { w } = await mountAt('/topology')
    wrapper = w
    const web = nodes(w, 'vm').filter((n) => n.attributes('data-name') === 'web01')
    await web[0]!.trigger('mouseenter')
    const lit = w.findAll('[data-testid="topo-node"][data-highlighted="true"]').map((n) => `${n.attributes('data-kind')}:${n.attributes('data-name')}`)
    expect(lit).toEqual(['host:alpha', 'network:default', 'vm:web01', 'network:ovs-net', 'portgroup:vlan10', 'vm:web01'])
    expect(node(w, 'vm', 'db01').classes()).toContain('opacity-30')
    expect(node(w, 'host', 'alpha').classes()).not.toContain('opacity-30')
    await w.get('svg').trigger('mouseleave')
    expect(w.findAll('[data-highlighted="true"]')).toHaveLength(0)
    expect(node(w, 'vm', 'db01').classes()).not.toContain('opacity-30')
  })

  it('clicking a node opens the VM, the host or the Networks page filtered to the network', async () => {
    let { w, router } = await mountAt('/topology')
    await node(w, 'vm', 'db01').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.fullPath).toBe('/vms/vm-db')
    w.unmount()
    ;({ w, router } = await mountAt('/topology'))
    await node(w, 'network', 'ovs-net').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.path).toBe('/networks')
    expect(router.currentRoute.value.query).toEqual({ hostId: 'host-a', q: 'ovs-net' })
    w.unmount()
    ;({ w, router } = await mountAt('/topology'))
    wrapper = w
    await node(w, 'host', 'beta').trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect(router.currentRoute.value.fullPath).toBe('/hosts/host-b')
  })

  it('the host filter asks for that host and goes into the URL; ?hostId= filters from the start', async () => {
    const { w, router } = await mountAt('/topology')
    wrapper = w
    const select = w.get<HTMLSelectElement>(tid('topo-host-filter'))
    expect(select.findAll('option').map((o) => o.text())).toEqual(['All hosts', 'alpha', 'beta'])
    topologyApi.get.mockResolvedValue(topology(sampleTopology().hosts[1]!))
    await select.setValue('host-b')
    await flushPromises()
    expect(topologyApi.get).toHaveBeenLastCalledWith({ hostId: 'host-b' })
    expect(router.currentRoute.value.query).toEqual({ hostId: 'host-b' })
    expect(names(nodes(w, 'host'))).toEqual(['beta'])
    await select.setValue('')
    await flushPromises()
    expect(topologyApi.get).toHaveBeenLastCalledWith({})
    expect(router.currentRoute.value.query).toEqual({})
    w.unmount()

    const again = await mountAt('/topology?hostId=host-a&view=grid')
    wrapper = again.w
    expect(topologyApi.get).toHaveBeenLastCalledWith({ hostId: 'host-a' })
    expect(again.w.get<HTMLSelectElement>(tid('topo-host-filter')).element.value).toBe('host-a')
    expect(again.w.find(tid('topo-grid')).exists()).toBe(true)
  })

  it('the grid shows a card per host with its networks, portgroups, VLANs, VMs, bridges and other NICs', async () => {
    const { w, router } = await mountAt('/topology')
    wrapper = w
    await w.get(tid('topo-view-grid')).trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({ view: 'grid' })
    expect(w.find(tid('topo-diagram')).exists()).toBe(false)
    const cards = w.findAll(tid('topo-host-card'))
    expect(cards.map((c) => [c.attributes('data-name'), c.attributes('data-state')])).toEqual([
      ['alpha', 'connected'],
      ['beta', 'disconnected'],
    ])
    const a = cards[0]!
    expect(a.get(tid('topo-host-link')).attributes('href')).toBe('/hosts/host-a')
    const nets = a.findAll(tid('topo-grid-network'))
    expect(names(nets)).toEqual(['default', 'ovs-net'])
    const ovs = nets[1]!
    expect(ovs.get(tid('topo-grid-network-kind')).text()).toBe('Open vSwitch')
    expect(ovs.get(tid('topo-grid-network-bridge')).text()).toBe('ovsbr0')
    expect(ovs.get(tid('topo-grid-network-state')).text()).toBe('active')
    expect(ovs.get(tid('topo-grid-network-link')).attributes('href')).toBe('/networks?hostId=host-a&q=ovs-net')
    const pgs = ovs.findAll(tid('topo-grid-portgroup'))
    expect(names(pgs)).toEqual(['vlan10', 'trunk'])
    expect(pgs[1]!.findAll(tid('topo-vlan-chip')).map((c) => c.text())).toEqual(['trunk', '10 native', '20'])
    expect(names(pgs[0]!.findAll(tid('topo-grid-vm')))).toEqual(['test', 'web01'])
    const db = pgs[1]!.get(tid('topo-grid-vm'))
    expect(db.attributes()).toMatchObject({ 'data-name': 'db01', 'data-state': 'paused', 'data-link-down': 'true', href: '/vms/vm-db' })
    expect(names(nets[0]!.findAll(tid('topo-grid-vm')))).toEqual(['web01'])
    expect(names(a.findAll(tid('topo-grid-bridge')))).toEqual(['br0'])
    expect(names(a.get(tid('topo-grid-bridge')).findAll(tid('topo-grid-vm')))).toEqual(['app'])
    const other = a.get(tid('topo-grid-other'))
    expect(other.attributes('data-kind')).toBe('direct')
    expect(other.text()).toContain('raw')
    expect(other.text()).toContain('eth0 (vepa)')
    expect(cards[1]!.get(tid('topo-host-empty')).text()).toContain('not connected')

    await w.get(tid('topo-view-diagram')).trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({})
    expect(w.find(tid('topo-diagram')).exists()).toBe(true)
  })

  it('a crowded portgroup folds into "+K more", which unfolds on click (grid too)', async () => {
    topologyApi.get.mockResolvedValue(crowdedTopology(30))
    const { w } = await mountAt('/topology')
    wrapper = w
    expect(nodes(w, 'vm')).toHaveLength(8)
    const more = nodes(w, 'more')[0]!
    expect(more.text()).toContain('+22 more')
    expect(more.attributes('aria-expanded')).toBe('false')
    await more.trigger('click')
    expect(nodes(w, 'vm')).toHaveLength(30)
    expect(nodes(w, 'more')[0]!.text()).toContain('Show fewer')
    await nodes(w, 'more')[0]!.trigger('keydown', { key: 'Enter' })
    expect(nodes(w, 'vm')).toHaveLength(8)

    await w.get(tid('topo-view-grid')).trigger('click')
    await flushPromises()
    expect(w.findAll(tid('topo-grid-vm'))).toHaveLength(12)
    await w.get(tid('topo-grid-more')).trigger('click')
    expect(w.findAll(tid('topo-grid-vm'))).toHaveLength(30)
  })

  it('refetches (debounced) on inventory and host events, and at once on reconnect', async () => {
    const { w } = await mountAt('/topology')
    wrapper = w
    const next = sampleTopology()
    next.hosts[0]!.ports.push(makePort({ vmId: 'vm-new', vmName: 'newcomer', network: 'default', vmState: 'running' }))
    next.hosts[0]!.networks[1]!.active = false
    topologyApi.get.mockResolvedValue(next)
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    events.stream!.emit(inventoryChanged('host-a', ['vm-new'], 1, true))
    events.stream!.emit(inventoryChanged('host-a', ['vm-new'], 1))
    vi.advanceTimersByTime(TOPOLOGY_DEBOUNCE_MS - 1)
    expect(topologyApi.get).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(1)
    vi.useRealTimers()
    await flushPromises()
    expect(topologyApi.get).toHaveBeenCalledTimes(2)
    expect(names(nodes(w, 'vm'))).toContain('newcomer')
    const def = node(w, 'network', 'default')
    expect(def.attributes('data-state')).toBe('inactive')
    expect(edge(w, def, node(w, 'vm', 'newcomer')).exists()).toBe(true)

    events.stream!.open()
    await flushPromises()
    expect(topologyApi.get).toHaveBeenCalledTimes(3)
  })

  it('shows the empty state, and load errors with a retry', async () => {
    topologyApi.get.mockResolvedValue(topology())
    let { w } = await mountAt('/topology')
    expect(w.get(tid('topo-empty')).text()).toContain('No hosts yet.')
    w.unmount()

    topologyApi.get.mockRejectedValueOnce(new Error('server down'))
    ;({ w } = await mountAt('/topology?hostId=host-a'))
    wrapper = w
    expect(w.get('[role="alert"]').text()).toContain('Could not load the topology: server down')
    topologyApi.get.mockResolvedValue(sampleTopology())
    await w.get(tid('topo-all-hosts')).trigger('click')
    await flushPromises()
    expect(topologyApi.get).toHaveBeenLastCalledWith({})
    expect(w.find('[role="alert"]').exists()).toBe(false)
    expect(names(nodes(w, 'host'))).toEqual(['alpha', 'beta'])
  })
})
