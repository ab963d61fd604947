import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { defineComponent, h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { ApiError } from '@/api/client'
import type { Host, Network } from '@/api/types'
import { hostsCache } from '@/modules/hosts/queries'
import { makeHost } from '@/modules/hosts/testing'
import { NETWORK_DEBOUNCE_MS } from '@/modules/networks/queries'
import { makeNetwork, networkList, ovsAndNat, portgroup } from '@/modules/networks/testing'
import { fakeStream, inventoryChanged } from '@/modules/vms/testing'
import { useToastStore } from '@/stores/toasts'
import NetworksPage from './NetworksPage.vue'

const networksApi = vi.hoisted(() => ({
  list: vi.fn(),
  action: vi.fn(),
  remove: vi.fn(),
  addPortgroup: vi.fn(),
  replacePortgroup: vi.fn(),
  removePortgroup: vi.fn(),
}))
vi.mock('@/modules/networks/api', () => ({ networksApi }))
const hostsApi = vi.hoisted(() => ({ list: vi.fn() }))
vi.mock('@/modules/hosts/api', () => ({ hostsApi }))
const events = vi.hoisted(() => ({ stream: null as ReturnType<typeof fakeStream> | null }))
vi.mock('@/composables/useEventStream', () => ({ getEventStream: () => events.stream }))

const tid = (id: string) => `[data-testid="${id}"]`
const Stub = defineComponent({ render: () => h('div') })
const alpha = makeHost({ id: 'host-a', name: 'alpha', state: 'connected' })

/** The page with its hosts and networks; modals render in place. */
async function mountPage(networks: Network[], hosts: Host[] = [alpha]) {
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
  await router.push('/networks')
  await router.isReady()
  const w = mount(defineComponent({ setup: () => () => h(RouterView) }), { global: { plugins: [router], stubs: { teleport: true } } })
  await flushPromises()
  return w
}

async function expand(w: VueWrapper, name: string) {
  await w.get(tid(`network-row-${name}`)).get(tid('network-expand')).trigger('click')
  return w.get(tid(`network-portgroups-${name}`))
}
const pgItem = (w: VueWrapper, net: string, pg: string) => w.get(tid(`network-portgroups-${net}`)).get(`[data-portgroup="${pg}"]`)
const pgNames = (w: VueWrapper, net: string) =>
  w.get(tid(`network-portgroups-${net}`)).findAll(tid('network-portgroup')).map((li) => li.attributes('data-portgroup'))
const modal = (w: VueWrapper) => w.get(tid('portgroup-modal'))
const submitDisabled = (w: VueWrapper) => w.get(tid('portgroup-form-submit')).attributes('disabled') !== undefined
const inputValue = (w: VueWrapper, id: string) => (w.get(tid(id)).element as HTMLInputElement).value
const disabled = (el: { attributes: (k: string) => string | undefined }) => el.attributes('disabled') !== undefined

let wrapper: VueWrapper | null = null
beforeEach(() => {
  setActivePinia(createPinia())
  events.stream = fakeStream()
  Object.values(networksApi).forEach((f) => f.mockReset())
  hostsApi.list.mockReset()
  hostsCache.state.hosts = []
  hostsCache.state.loaded = false
})
afterEach(() => {
  vi.useRealTimers()
  wrapper?.unmount()
  wrapper = null
})

describe('NetworksPage: portgroups of existing networks', () => {
  it('adds a portgroup to an Open vSwitch network: VLAN rules as typed, default locked while another is, the row from the answer', async () => {
    const { ovs } = ovsAndNat()
    const w = (wrapper = await mountPage([ovs]))
    const panel = await expand(w, 'ovs-net')
    expect(w.find(tid('portgroup-modal')).exists()).toBe(false)
    await panel.get(tid('portgroup-add')).trigger('click')
    await flushPromises()

    expect(modal(w).text()).toContain('Add portgroup to ovs-net')
    // A free name is proposed; the VLAN fields are those of the "New network" rows.
    expect(inputValue(w, 'portgroup-form-name')).toBe('pg1')
    await w.get(tid('portgroup-form-name')).setValue('vlan30')
    await w.get(tid('portgroup-form-vlans')).setValue('4095')
    expect(modal(w).text()).toContain('VLAN 4095 is reserved; use 1–4094')
    expect(w.get(tid('portgroup-form-vlans')).attributes('aria-invalid')).toBe('true')
    expect(submitDisabled(w)).toBe(true)
    expect(w.get(tid('portgroup-form-submit')).attributes('title')).toBe('VLAN 4095 is reserved; use 1–4094')
    await w.get(tid('portgroup-form-vlans')).setValue('10,30')
    expect(w.get(tid('portgroup-form-trunk-error')).text()).toBe('Several VLAN tags make a trunk: tick Trunk')
    await w.get(tid('portgroup-form-vlans')).setValue('30')
    // A name the network already has is refused before sending.
    await w.get(tid('portgroup-form-name')).setValue('trunk')
    expect(modal(w).text()).toContain("Network ovs-net already has a portgroup 'trunk'")
    expect(submitDisabled(w)).toBe(true)
    await w.get(tid('portgroup-form-name')).setValue('vlan30')
    // vlan10 is the default: this one cannot be, until that is cleared.
    const def = w.get(tid('portgroup-form-default'))
    expect(disabled(def)).toBe(true)
    expect(w.get(tid('portgroup-form-default-hint')).text()).toContain('clear the default on vlan10 first')
    expect(submitDisabled(w)).toBe(false)

    const answer = { ...ovs, portgroups: [...ovs.portgroups, portgroup({ name: 'vlan30', vlanTags: [30] })] }
    networksApi.addPortgroup.mockResolvedValue(answer)
    await w.get(tid('portgroup-form-submit')).trigger('click')
    await flushPromises()
    expect(networksApi.addPortgroup).toHaveBeenCalledExactlyOnceWith('host-a', 'ovs-net', { name: 'vlan30', isDefault: false, vlanTags: [30], trunk: false })
    expect(w.find(tid('portgroup-modal')).exists()).toBe(false)
    expect(pgNames(w, 'ovs-net')).toEqual(['vlan10', 'trunk', 'vlan30'])
    expect(pgItem(w, 'ovs-net', 'vlan30').get(tid('portgroup-vlan')).text()).toBe('VLAN 30')
    expect(w.get(tid('network-row-ovs-net')).get(tid('network-portgroup-count')).text()).toBe('3 portgroups')
    expect(networksApi.list).toHaveBeenCalledTimes(1) // shown from the answer
    expect(useToastStore().toasts.map((t) => [t.kind, t.title, t.message])).toEqual([['success', 'Portgroup added', 'vlan30 on ovs-net']])
  })

  it('edits a portgroup: its settings prefilled, its name fixed; the body keeps the name', async () => {
    const { ovs } = ovsAndNat()
    const w = (wrapper = await mountPage([ovs]))
    await expand(w, 'ovs-net')
    await pgItem(w, 'ovs-net', 'trunk').get(tid('portgroup-edit')).trigger('click')
    await flushPromises()

    expect(modal(w).text()).toContain('Edit portgroup trunk of ovs-net')
    expect(inputValue(w, 'portgroup-form-name')).toBe('trunk')
    expect(w.get(tid('portgroup-form-name')).attributes('readonly')).toBeDefined()
    expect(inputValue(w, 'portgroup-form-vlans')).toBe('10, 20, 30')
    expect((w.get(tid('portgroup-form-trunk')).element as HTMLInputElement).checked).toBe(true)
    expect((w.get(tid('portgroup-form-native')).element as HTMLSelectElement).value).toBe('10')
    expect(w.get(tid('portgroup-form-submit')).text()).toBe('Save')

    await w.get(tid('portgroup-form-vlans')).setValue('10, 20, 30, 40')
    await w.get(tid('portgroup-form-native')).setValue('40')
    const answer = { ...ovs, portgroups: [ovs.portgroups[0]!, portgroup({ name: 'trunk', trunk: true, vlanTags: [10, 20, 30, 40], nativeVlan: 40 })] }
    networksApi.replacePortgroup.mockResolvedValue(answer)
    await w.get(tid('portgroup-form-submit')).trigger('click')
    await flushPromises()
    expect(networksApi.replacePortgroup).toHaveBeenCalledExactlyOnceWith('host-a', 'ovs-net', {
      name: 'trunk',
      isDefault: false,
      vlanTags: [10, 20, 30, 40],
      trunk: true,
      nativeVlan: 40,
    })
    expect(w.find(tid('portgroup-modal')).exists()).toBe(false)
    expect(pgItem(w, 'ovs-net', 'trunk').get(tid('portgroup-vlan')).text()).toBe('trunk 10,20,30,40 (native 40)')
    expect(useToastStore().toasts.map((t) => t.title)).toEqual(['Portgroup changed'])

    // The default portgroup may drop being the default.
    await pgItem(w, 'ovs-net', 'vlan10').get(tid('portgroup-edit')).trigger('click')
    await flushPromises()
    const def = w.get(tid('portgroup-form-default'))
    expect(disabled(def)).toBe(false)
    expect((def.element as HTMLInputElement).checked).toBe(true)
    await def.setValue(false)
    networksApi.replacePortgroup.mockResolvedValue({ ...answer, portgroups: [portgroup({ name: 'vlan10', vlanTags: [10] }), answer.portgroups[1]!] })
    await w.get(tid('portgroup-form-submit')).trigger('click')
    await flushPromises()
    expect(networksApi.replacePortgroup).toHaveBeenLastCalledWith('host-a', 'ovs-net', { name: 'vlan10', isDefault: false, vlanTags: [10], trunk: false })
    expect(pgItem(w, 'ovs-net', 'vlan10').find(tid('portgroup-default')).exists()).toBe(false)
  })

  it('shows the server’s refusal in the dialog, which keeps the input; changing the input clears it', async () => {
    const { ovs } = ovsAndNat()
    const w = (wrapper = await mountPage([ovs]))
    await expand(w, 'ovs-net')
    await w.get(tid('portgroup-add')).trigger('click')
    await flushPromises()
    await w.get(tid('portgroup-form-name')).setValue('lab')
    await w.get(tid('portgroup-form-vlans')).setValue('7')
    networksApi.addPortgroup.mockRejectedValueOnce(
      new ApiError(409, { code: 'portgroup_name_taken', message: "network ovs-net already has a portgroup 'lab'" }),
    )
    await w.get(tid('portgroup-form-submit')).trigger('click')
    await flushPromises()
    const error = w.get(tid('portgroup-form-error'))
    expect(error.text()).toBe("network ovs-net already has a portgroup 'lab'")
    expect(error.attributes('data-code')).toBe('portgroup_name_taken')
    expect(w.get(tid('portgroup-form-name')).attributes('aria-invalid')).toBe('true')
    expect(inputValue(w, 'portgroup-form-vlans')).toBe('7')
    expect(submitDisabled(w)).toBe(false)
    expect(useToastStore().toasts).toEqual([])

    await w.get(tid('portgroup-form-name')).setValue('lab2')
    expect(w.find(tid('portgroup-form-error')).exists()).toBe(false)

    // Gone meanwhile: the message, and the list refetched.
    networksApi.addPortgroup.mockRejectedValueOnce(new ApiError(404, { code: 'network_not_found', message: 'no network ovs-net on alpha' }))
    await w.get(tid('portgroup-form-submit')).trigger('click')
    await flushPromises()
    expect(w.get(tid('portgroup-form-error')).text()).toBe('no network ovs-net on alpha')
    expect(networksApi.list).toHaveBeenCalledTimes(2)

    await w.get(tid('portgroup-form-cancel')).trigger('click')
    await flushPromises()
    expect(w.find(tid('portgroup-modal')).exists()).toBe(false)
  })

  it('removes a portgroup after a confirmation; in use, the dialog lists its VMs and "Remove anyway" forces it', async () => {
    const { ovs } = ovsAndNat()
    const w = (wrapper = await mountPage([ovs]))
    await expand(w, 'ovs-net')
    await pgItem(w, 'ovs-net', 'vlan10').get(tid('portgroup-remove')).trigger('click')
    await flushPromises()
    expect(w.get(tid('portgroup-remove-message')).text()).toBe(
      'Remove portgroup "vlan10" from network "ovs-net" on host "alpha"? NICs that name it, or name no portgroup (it is the default), get the network\'s own settings when they next start.',
    )
    await w.get(tid('portgroup-remove-cancel')).trigger('click')
    await flushPromises()
    expect(w.find(tid('portgroup-remove-dialog')).exists()).toBe(false)
    expect(networksApi.removePortgroup).not.toHaveBeenCalled()

    await pgItem(w, 'ovs-net', 'vlan10').get(tid('portgroup-remove')).trigger('click')
    await flushPromises()
    networksApi.removePortgroup
      .mockRejectedValueOnce(
        new ApiError(409, { code: 'portgroup_in_use', message: 'portgroup vlan10 is in use', details: { users: ['web01', 'db', 'web01'] } }),
      )
      .mockResolvedValueOnce({ ...ovs, portgroups: [ovs.portgroups[1]!] })
    expect(w.get(tid('portgroup-remove-confirm')).text()).toBe('Remove')
    await w.get(tid('portgroup-remove-confirm')).trigger('click')
    await flushPromises()
    expect(networksApi.removePortgroup).toHaveBeenCalledExactlyOnceWith('host-a', 'ovs-net', 'vlan10', false)
    expect(w.findAll(tid('portgroup-remove-user')).map((li) => li.text())).toEqual(['db', 'web01 (2 NICs)'])
    expect(pgNames(w, 'ovs-net')).toEqual(['vlan10', 'trunk'])
    expect(useToastStore().toasts).toEqual([])
    const anyway = w.get(tid('portgroup-remove-confirm'))
    expect(anyway.text()).toBe('Remove anyway')

    await anyway.trigger('click')
    await flushPromises()
    expect(networksApi.removePortgroup).toHaveBeenLastCalledWith('host-a', 'ovs-net', 'vlan10', true)
    expect(w.find(tid('portgroup-remove-dialog')).exists()).toBe(false)
    expect(pgNames(w, 'ovs-net')).toEqual(['trunk'])
    expect(useToastStore().toasts.map((t) => [t.kind, t.title])).toEqual([['success', 'Portgroup removed']])
  })

  it('a removal refused otherwise closes the dialog and reports it; a portgroup gone meanwhile refetches the list', async () => {
    const { ovs } = ovsAndNat()
    const w = (wrapper = await mountPage([ovs]))
    await expand(w, 'ovs-net')
    networksApi.removePortgroup.mockRejectedValue(new ApiError(404, { code: 'portgroup_not_found', message: 'no portgroup trunk on ovs-net' }))
    await pgItem(w, 'ovs-net', 'trunk').get(tid('portgroup-remove')).trigger('click')
    await flushPromises()
    await w.get(tid('portgroup-remove-confirm')).trigger('click')
    await flushPromises()
    expect(w.find(tid('portgroup-remove-dialog')).exists()).toBe(false)
    expect(useToastStore().toasts).toMatchObject([{ kind: 'error', title: 'Could not remove portgroup trunk', message: 'no portgroup trunk on ovs-net' }])
    expect(networksApi.list).toHaveBeenCalledTimes(2)
  })

  it('a network without VLANs (NAT): the dialog offers no VLAN fields, and the default while none is', async () => {
    const nat = makeNetwork({ hostId: 'host-a', hostName: 'alpha', name: 'nat1', forwardMode: 'nat' })
    const w = (wrapper = await mountPage([nat]))
    const panel = await expand(w, 'nat1')
    expect(panel.get(tid('network-portgroups-none')).text()).toContain('No portgroups')
    await panel.get(tid('portgroup-add')).trigger('click')
    await flushPromises()
    expect(w.get(tid('portgroup-modal-network')).text()).toContain('Only Open vSwitch networks take VLANs')
    expect(w.find(tid('portgroup-form-vlans')).exists()).toBe(false)
    expect(w.find(tid('portgroup-form-trunk')).exists()).toBe(false)
    const def = w.get(tid('portgroup-form-default'))
    expect(disabled(def)).toBe(false)
    await def.setValue(true)
    networksApi.addPortgroup.mockResolvedValue({ ...nat, portgroups: [portgroup({ name: 'pg1', isDefault: true })] })
    await w.get(tid('portgroup-form-submit')).trigger('click')
    await flushPromises()
    expect(networksApi.addPortgroup).toHaveBeenCalledExactlyOnceWith('host-a', 'nat1', { name: 'pg1', isDefault: true, vlanTags: [], trunk: false })
    expect(pgNames(w, 'nat1')).toEqual(['pg1'])
    expect(pgItem(w, 'nat1', 'pg1').find(tid('portgroup-default')).exists()).toBe(true)
    expect(pgItem(w, 'nat1', 'pg1').get(tid('portgroup-vlan')).text()).toBe('no VLAN')
  })

  it('disables add, edit and remove with a reason on a host known to be disconnected', async () => {
    const { ovs } = ovsAndNat()
    const w = (wrapper = await mountPage([ovs], [makeHost({ id: 'host-a', name: 'alpha', state: 'disconnected' })]))
    const panel = await expand(w, 'ovs-net')
    const buttons = [panel.get(tid('portgroup-add')), ...panel.findAll(tid('portgroup-edit')), ...panel.findAll(tid('portgroup-remove'))]
    expect(buttons).toHaveLength(5)
    for (const b of buttons) {
      expect(disabled(b)).toBe(true)
      expect(b.attributes('title')).toBe('Host is not connected')
    }
  })

  it('while a portgroup request runs the network’s portgroup buttons are disabled and a second save sends nothing', async () => {
    const { ovs } = ovsAndNat()
    const w = (wrapper = await mountPage([ovs]))
    const panel = await expand(w, 'ovs-net')
    let answer!: (n: Network) => void
    networksApi.addPortgroup.mockReturnValue(new Promise<Network>((res) => (answer = res)))
    await panel.get(tid('portgroup-add')).trigger('click')
    await flushPromises()
    await w.get(tid('portgroup-form-vlans')).setValue('30')
    await w.get(tid('portgroup-form-submit')).trigger('click')
    await flushPromises()
    await w.get(tid('portgroup-form-submit')).trigger('click')
    await flushPromises()
    expect(networksApi.addPortgroup).toHaveBeenCalledTimes(1)
    expect(w.get(tid('portgroup-form-submit')).attributes('aria-busy')).toBe('true')
    for (const b of [panel.get(tid('portgroup-add')), ...panel.findAll(tid('portgroup-edit')), ...panel.findAll(tid('portgroup-remove'))]) {
      expect(disabled(b)).toBe(true)
    }
    // The dialog cannot be closed while it saves.
    await w.get(tid('portgroup-form-cancel')).trigger('click')
    expect(w.find(tid('portgroup-modal')).exists()).toBe(true)

    answer({ ...ovs, portgroups: [...ovs.portgroups, portgroup({ name: 'pg1', vlanTags: [30] })] })
    await flushPromises()
    expect(w.find(tid('portgroup-modal')).exists()).toBe(false)
    expect(disabled(panel.get(tid('portgroup-add')))).toBe(false)
    expect(pgNames(w, 'ovs-net')).toEqual(['vlan10', 'trunk', 'pg1'])
  })

  it('follows the list’s events: portgroups changed elsewhere show, and an open dialog then offers no second default', async () => {
    const ovs = makeNetwork({ hostId: 'host-a', hostName: 'alpha', name: 'ovs2', forwardMode: 'bridge', virtualportType: 'openvswitch', portgroups: [] })
    const w = (wrapper = await mountPage([ovs]))
    await expand(w, 'ovs2')
    await w.get(tid('portgroup-add')).trigger('click')
    await flushPromises()
    expect(disabled(w.get(tid('portgroup-form-default')))).toBe(false)

    // Another client adds a default portgroup: the host's inventory event refetches the list.
    networksApi.list.mockResolvedValue(networkList([{ ...ovs, portgroups: [portgroup({ name: 'lan', isDefault: true, vlanTags: [5] })] }]))
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    events.stream!.emit(inventoryChanged('host-a', [], 0, true))
    vi.advanceTimersByTime(NETWORK_DEBOUNCE_MS)
    vi.useRealTimers()
    await flushPromises()
    expect(networksApi.list).toHaveBeenCalledTimes(2)
    expect(pgNames(w, 'ovs2')).toEqual(['lan'])
    expect(disabled(w.get(tid('portgroup-form-default')))).toBe(true)
    expect(w.get(tid('portgroup-form-default-hint')).text()).toContain('clear the default on lan first')
  })
})
