import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { defineComponent, h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { hostsCache } from '@/modules/hosts/queries'
import { makeHost } from '@/modules/hosts/testing'
import { makeNetwork, networkList } from '@/modules/networks/testing'
import { PORT_DEBOUNCE_MS } from '@/modules/ports/queries'
import { makePort, portPage } from '@/modules/ports/testing'
import PortsPage from './PortsPage.vue'

const portsApi = vi.hoisted(() => ({ list: vi.fn() }))
vi.mock('@/modules/ports/api', () => ({ portsApi }))
const networksApi = vi.hoisted(() => ({ list: vi.fn() }))
vi.mock('@/modules/networks/api', () => ({ networksApi }))
const hostsApi = vi.hoisted(() => ({ list: vi.fn() }))
vi.mock('@/modules/hosts/api', () => ({ hostsApi }))

const tid = (id: string) => `[data-testid="${id}"]`
const Stub = defineComponent({ render: () => h('div') })

const alpha = makeHost({ id: 'host-a', name: 'alpha' })
const beta = makeHost({ id: 'host-b', name: 'beta' })

async function mountAt(url: string) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/ports', name: 'ports', component: PortsPage },
      { path: '/vms/:id', name: 'vm', component: Stub },
      { path: '/hosts/:id', name: 'host', component: Stub },
      { path: '/discovered', name: 'discovered', component: Stub },
    ],
  })
  await router.push(url)
  await router.isReady()
  const w = mount(RouterView, { global: { plugins: [router] }, attachTo: document.body })
  await flushPromises()
  return { w, router }
}

/** The query of the last ports request. */
const lastQuery = () => portsApi.list.mock.calls.at(-1)![0]
const rows = (w: VueWrapper) => w.findAll(tid('port-row'))

let wrapper: VueWrapper | null = null
beforeEach(() => {
  setActivePinia(createPinia())
  portsApi.list.mockReset().mockResolvedValue(portPage([]))
  networksApi.list.mockReset().mockResolvedValue(
    networkList([
      makeNetwork({ hostId: 'host-a', hostName: 'alpha', name: 'default' }),
      makeNetwork({ hostId: 'host-a', hostName: 'alpha', name: 'lan' }),
      makeNetwork({ hostId: 'host-b', hostName: 'beta', name: 'ovs-net' }),
    ]),
  )
  hostsApi.list.mockReset().mockResolvedValue([alpha, beta])
  hostsCache.state.hosts = []
  hostsCache.state.loaded = false
})
afterEach(() => {
  vi.useRealTimers()
  wrapper?.unmount()
  wrapper = null
})

describe('PortsPage', () => {
  it('lists ports with VM and host links, MAC, IP addresses with their source, model, attachment, VLAN, virtual port, target, link and VM state', async () => {
    const managed = makePort({
      vmId: 'vm-1',
      vmName: 'web01',
      managed: true,
      hostId: 'host-a',
      hostName: 'alpha',
      mac: 'aa:bb:cc:dd:ee:ff',
      model: 'virtio',
      kind: 'network',
      network: 'ovs-net',
      portgroup: 'trunk',
      vlanTags: [10, 20, 30],
      trunk: true,
      nativeVlan: 10,
      virtualportType: 'openvswitch',
      interfaceId: '3f2a1b4c-5d6e-4f70-8192-a3b4c5d6e7f8',
      targetDev: 'vnet0',
      linkState: 'up',
      vmState: 'running',
      addresses: [
        { address: '192.168.122.3/24', source: 'lease' },
        { address: 'fe80::5054:ff:fe00:1/64', source: 'agent' },
      ],
    })
    const found = makePort({
      vmId: 'vm-2',
      vmName: 'db 1',
      managed: false,
      hostId: 'host-b',
      hostName: 'beta',
      mac: '52:54:00:12:34:56',
      model: null,
      kind: 'direct',
      network: null,
      sourceDev: 'eth0',
      sourceMode: 'vepa',
      targetDev: null,
      linkState: null,
      vmState: 'shutoff',
    })
    portsApi.list.mockResolvedValue(portPage([managed, found]))
    const { w } = await mountAt('/ports')
    wrapper = w

    expect(portsApi.list).toHaveBeenCalledTimes(1)
    expect(lastQuery()).toEqual({ sort: 'vm', page: 1, perPage: 50 })
    const [r1, r2] = rows(w)
    expect(rows(w)).toHaveLength(2)
    expect(w.findAll('th').map((th) => th.text().replace(/\s*▲$/, ''))).toContain('IP addresses')

    expect(r1!.get(tid('port-vm-link')).text()).toBe('web01')
    expect(r1!.get(tid('port-vm-link')).attributes('href')).toBe('/vms/vm-1')
    expect(r1!.find(tid('port-vm-discovered')).exists()).toBe(false)
    expect(r1!.get(tid('port-host-link')).text()).toBe('alpha')
    expect(r1!.get(tid('port-host-link')).attributes('href')).toBe('/hosts/host-a')
    expect(r1!.get(tid('port-mac')).text()).toBe('aa:bb:cc:dd:ee:ff')
    expect(r1!.get(tid('port-mac')).classes()).toContain('font-mono')
    const addrs = r1!.findAll(tid('port-address'))
    expect(addrs.map((a) => [a.get(tid('port-address-value')).text(), a.get(tid('port-address-source')).text()])).toEqual([
      ['192.168.122.3/24', 'lease'],
      ['fe80::5054:ff:fe00:1/64', 'agent'],
    ])
    expect(addrs[0]!.get(tid('port-address-source')).attributes('title')).toBe('From the DHCP leases of the libvirt network')
    expect(addrs[1]!.get(tid('port-address-source')).attributes('title')).toBe('Reported by the guest agent')
    expect(r1!.get(tid('port-model')).text()).toBe('virtio')
    expect(r1!.get(tid('port-attachment')).text()).toBe('ovs-net / trunk')
    expect(r1!.get(tid('port-kind')).text()).toBe('network')
    expect(r1!.get(tid('port-vlan')).text()).toBe('trunk 10,20,30 (native 10)')
    expect(r1!.get(tid('port-virtualport-type')).text()).toBe('openvswitch')
    expect(r1!.get(tid('port-interface-id')).text()).toBe('3f2a1b4c…')
    expect(r1!.get(tid('port-interface-id')).attributes('title')).toBe('3f2a1b4c-5d6e-4f70-8192-a3b4c5d6e7f8')
    expect(r1!.get(tid('port-target')).text()).toBe('vnet0')
    expect(r1!.get(tid('port-link-state')).text()).toBe('up')
    expect(r1!.get(tid('port-vm-state')).text()).toBe('running')

    // A discovered VM links to the discovered list filtered to it.
    expect(r2!.get(tid('port-vm-link')).attributes('href')).toBe('/discovered?hostId=host-b&q=db+1')
    expect(r2!.find(tid('port-vm-discovered')).exists()).toBe(true)
    expect(r2!.get(tid('port-host-link')).attributes('href')).toBe('/hosts/host-b')
    expect(r2!.get(tid('port-model')).text()).toBe('—')
    expect(r2!.get(tid('port-addresses')).text()).toBe('—')
    expect(r2!.findAll(tid('port-address'))).toHaveLength(0)
    expect(r2!.get(tid('port-attachment')).text()).toBe('eth0 (vepa)')
    expect(r2!.get(tid('port-vlan')).text()).toBe('—')
    expect(r2!.get(tid('port-virtualport')).text()).toBe('—')
    expect(r2!.get(tid('port-target')).text()).toBe('—')
    expect(r2!.get(tid('port-link-state')).text()).toBe('unknown')
    expect(r2!.get(tid('port-vm-state')).text()).toBe('shutoff')
    expect(w.get(tid('ports-range')).text()).toBe('1–2 of 2')
  })

  it('clicking the MAC header sorts on the server and keeps the sort in the URL', async () => {
    portsApi.list.mockResolvedValue(portPage([makePort()]))
    const { w, router } = await mountAt('/ports')
    wrapper = w
    expect(w.get(tid('ports-sort-vm')).element.closest('th')!.getAttribute('aria-sort')).toBe('ascending')

    await w.get(tid('ports-sort-mac')).trigger('click')
    await flushPromises()
    expect(portsApi.list).toHaveBeenCalledTimes(2)
    expect(lastQuery()).toMatchObject({ sort: 'mac', page: 1 })
    expect(router.currentRoute.value.query).toEqual({ sort: 'mac' })
    expect(w.get(tid('ports-sort-mac')).element.closest('th')!.getAttribute('aria-sort')).toBe('ascending')
    expect(w.get(tid('ports-sort-vm')).element.closest('th')!.getAttribute('aria-sort')).toBe('none')
  })

  it('typing in the search box requests q once typing pauses, and puts it in the URL', async () => {
    portsApi.list.mockResolvedValue(portPage([makePort()]))
    const { w, router } = await mountAt('/ports')
    wrapper = w
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    await w.get(tid('ports-search')).setValue('ee:f')
    vi.advanceTimersByTime(PORT_DEBOUNCE_MS - 50)
    await w.get(tid('ports-search')).setValue('ee:ff')
    vi.advanceTimersByTime(PORT_DEBOUNCE_MS - 1)
    expect(portsApi.list).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(1)
    vi.useRealTimers()
    await flushPromises()
    expect(portsApi.list).toHaveBeenCalledTimes(2)
    expect(lastQuery()).toEqual({ q: 'ee:ff', sort: 'vm', page: 1, perPage: 50 })
    expect(router.currentRoute.value.query).toEqual({ q: 'ee:ff' })
  })

  it('the host and network filters request hostId and network; the networks offered follow the host, a missing one is dropped', async () => {
    portsApi.list.mockResolvedValue(portPage([makePort()]))
    const { w, router } = await mountAt('/ports')
    wrapper = w
    const host = w.get<HTMLSelectElement>(tid('ports-host-filter'))
    const net = w.get<HTMLSelectElement>(tid('ports-network-filter'))
    expect(host.findAll('option').map((o) => o.text())).toEqual(['All hosts', 'alpha', 'beta'])
    expect(net.findAll('option').map((o) => o.text())).toEqual(['All networks', 'default', 'lan', 'ovs-net'])

    await host.setValue('host-a')
    await flushPromises()
    expect(lastQuery()).toEqual({ hostId: 'host-a', sort: 'vm', page: 1, perPage: 50 })
    expect(net.findAll('option').map((o) => o.text())).toEqual(['All networks', 'default', 'lan'])

    await net.setValue('lan')
    await flushPromises()
    expect(lastQuery()).toEqual({ hostId: 'host-a', network: 'lan', sort: 'vm', page: 1, perPage: 50 })
    expect(router.currentRoute.value.query).toEqual({ hostId: 'host-a', network: 'lan' })

    // Another host without that network drops the network filter.
    await host.setValue('host-b')
    await flushPromises()
    expect(lastQuery()).toEqual({ hostId: 'host-b', sort: 'vm', page: 1, perPage: 50 })
    expect(net.element.value).toBe('')
    expect(net.findAll('option').map((o) => o.text())).toEqual(['All networks', 'ovs-net'])

    await net.setValue('ovs-net')
    await host.setValue('')
    await flushPromises()
    expect(lastQuery()).toEqual({ network: 'ovs-net', sort: 'vm', page: 1, perPage: 50 })
    await net.setValue('')
    await flushPromises()
    expect(lastQuery()).toEqual({ sort: 'vm', page: 1, perPage: 50 })
    expect(router.currentRoute.value.query).toEqual({})
  })

  it('Next requests page 2; ?hostId=&network= (the Networks page link) filters from the start', async () => {
    portsApi.list.mockResolvedValue(portPage([makePort()], 120))
    const { w, router } = await mountAt('/ports?hostId=host-b&network=ovs-net')
    wrapper = w
    expect(lastQuery()).toEqual({ hostId: 'host-b', network: 'ovs-net', sort: 'vm', page: 1, perPage: 50 })
    expect(w.get<HTMLSelectElement>(tid('ports-host-filter')).element.value).toBe('host-b')
    expect(w.get<HTMLSelectElement>(tid('ports-network-filter')).element.value).toBe('ovs-net')
    expect(w.get(tid('ports-prev')).attributes('disabled')).toBeDefined()

    await w.get(tid('ports-next')).trigger('click')
    await flushPromises()
    expect(lastQuery()).toEqual({ hostId: 'host-b', network: 'ovs-net', sort: 'vm', page: 2, perPage: 50 })
    expect(router.currentRoute.value.query).toEqual({ hostId: 'host-b', network: 'ovs-net', page: '2' })
    expect(w.get(tid('ports-range')).text()).toBe('51–100 of 120')
  })

  it('shows the empty states, and load errors with a retry', async () => {
    let { w } = await mountAt('/ports')
    expect(w.get(tid('ports-empty')).text()).toContain('No ports yet.')
    w.unmount()

    ;({ w } = await mountAt('/ports?q=zz-nothing'))
    expect(lastQuery()).toMatchObject({ q: 'zz-nothing' })
    expect(w.get(tid('ports-empty')).text()).toContain('No ports match these filters.')
    portsApi.list.mockResolvedValueOnce(portPage([makePort({ vmName: 'back' })]))
    await w.get(tid('ports-clear-filters')).trigger('click')
    await flushPromises()
    expect(lastQuery()).toEqual({ sort: 'vm', page: 1, perPage: 50 })
    expect(w.get(tid('port-vm-link')).text()).toBe('back')
    expect(w.get<HTMLInputElement>(tid('ports-search')).element.value).toBe('')
    w.unmount()

    portsApi.list.mockRejectedValueOnce(new Error('server down'))
    ;({ w } = await mountAt('/ports'))
    wrapper = w
    expect(w.get('[role="alert"]').text()).toContain('Could not load ports: server down')
    await w.get('[role="alert"] button').trigger('click')
    await flushPromises()
    expect(w.find('[role="alert"]').exists()).toBe(false)
    expect(w.get(tid('ports-empty')).text()).toContain('No ports yet.')
  })
})
