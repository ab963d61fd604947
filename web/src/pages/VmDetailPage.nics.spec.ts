import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { defineComponent, h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { ApiError } from '@/api/client'
import type { Host, Network, NicInventory, NicKindInfo, Vm } from '@/api/types'
import ConfirmDialog from '@/components/ui/ConfirmDialog.vue'
import { hostsCache } from '@/modules/hosts/queries'
import { makeHost } from '@/modules/hosts/testing'
import { makeNetwork, networkList, portgroup } from '@/modules/networks/testing'
import TaskDrawer from '@/modules/tasks/components/TaskDrawer.vue'
import { makeTask } from '@/modules/tasks/testing'
import { INVENTORY_DEBOUNCE_MS } from '@/modules/vms/queries'
import { fakeStream, inventoryChanged, MACVTAP_KIND, macvtapNic, makeDetail, makeNic, makeNicKind, makeVm, ovsBridgeNic, POWER_RULES } from '@/modules/vms/testing'
import { useToastStore } from '@/stores/toasts'
import VmDetailPage from './VmDetailPage.vue'

const vmsApi = vi.hoisted(() => ({ get: vi.fn(), powerRules: vi.fn(), attachNic: vi.fn(), updateNic: vi.fn(), detachNic: vi.fn(), nicKinds: vi.fn() }))
vi.mock('@/modules/vms/api', () => ({ vmsApi }))
const networksApi = vi.hoisted(() => ({ list: vi.fn() }))
vi.mock('@/modules/networks/api', () => ({ networksApi }))
const hostsApi = vi.hoisted(() => ({ list: vi.fn() }))
vi.mock('@/modules/hosts/api', () => ({ hostsApi }))
// The app's event stream, fed by the test.
const events = vi.hoisted(() => ({ stream: null as ReturnType<typeof fakeStream> | null }))
vi.mock('@/composables/useEventStream', () => ({ getEventStream: () => events.stream }))

const tid = (id: string) => `[data-testid="${id}"]`
const Stub = defineComponent({ render: () => h('div') })

const alpha = makeHost({ id: 'host-a', name: 'alpha', state: 'connected' })
const ovsNet = makeNetwork({
  hostId: 'host-a',
  name: 'ovs-net',
  forwardMode: 'bridge',
  virtualportType: 'openvswitch',
  portgroups: [portgroup({ name: 'vlan10', isDefault: true, vlanTags: [10] }), portgroup({ name: 'trunk', trunk: true, vlanTags: [10, 20, 30], nativeVlan: 10 })],
})
const natNet = makeNetwork({ hostId: 'host-a', name: 'default' })

/** The VM page (with the app's ConfirmDialog and task drawer) for `vm` with `nics`; modals render in place. */
async function mountPage(vm: Vm, nics: NicInventory[], o: { hosts?: Host[]; networks?: Network[]; kinds?: NicKindInfo[] } = {}) {
  vmsApi.get.mockResolvedValue(makeDetail(vm, nics))
  vmsApi.nicKinds.mockResolvedValue({ items: o.kinds ?? [] })
  hostsApi.list.mockResolvedValue(o.hosts ?? [alpha])
  networksApi.list.mockResolvedValue(networkList(o.networks ?? [ovsNet, natNet]))
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/vms/:id', name: 'vm', component: VmDetailPage, props: true },
      { path: '/vms', name: 'vms', component: Stub },
      { path: '/discovered', name: 'discovered', component: Stub },
      { path: '/hosts/:id', name: 'host', component: Stub },
      { path: '/tasks', name: 'tasks', component: Stub },
    ],
  })
  await router.push(`/vms/${vm.id}`)
  await router.isReady()
  const Harness = defineComponent({ setup: () => () => h('div', [h(RouterView), h(ConfirmDialog), h(TaskDrawer)]) })
  const w = mount(Harness, { global: { plugins: [router], stubs: { teleport: true, UsageCard: true } } })
  await flushPromises()
  return w
}

const disabled = (w: VueWrapper, sel: string) => w.get(sel).attributes('disabled') !== undefined
const nicRow = (w: VueWrapper, mac: string) => w.get(`[data-mac="${mac}"]`)
const optionTexts = (w: VueWrapper, id: string) => w.get(tid(id)).findAll('option').map((o) => o.text())
const drawerKinds = (w: VueWrapper) => w.findAll(tid('task-drawer-item')).map((i) => `${i.attributes('data-kind')}:${i.attributes('data-state')}`)

let wrapper: VueWrapper | null = null
beforeEach(() => {
  events.stream = fakeStream()
  setActivePinia(createPinia())
  Object.values(vmsApi).forEach((f) => f.mockReset())
  vmsApi.powerRules.mockResolvedValue(POWER_RULES)
  networksApi.list.mockReset()
  hostsApi.list.mockReset()
  hostsCache.state.hosts = []
  hostsCache.state.loaded = false
})
afterEach(() => {
  vi.useRealTimers()
  wrapper?.unmount()
  wrapper = null
})

describe('VM page: Add NIC', () => {
  it('adds a NIC on a portgroup of a host network (VLANs shown), the task goes to the drawer', async () => {
    const vm = makeVm({ managed: true, hostId: 'host-a', name: 'web-1' })
    const w = (wrapper = await mountPage(vm, [makeNic()]))
    expect(networksApi.list).toHaveBeenCalledExactlyOnceWith({ hostId: 'host-a' })

    await w.get(tid('vm-nic-add')).trigger('click')
    await flushPromises()
    expect(w.get(tid('nic-add-modal')).text()).toContain('Add NIC to web-1')
    // The host's networks by name, "default" preselected.
    expect(optionTexts(w, 'nic-network')).toEqual(['default', 'ovs-net'])
    expect((w.get(tid('nic-network')).element as HTMLSelectElement).value).toBe('default')
    expect(disabled(w, tid('nic-portgroup'))).toBe(true)

    await w.get(tid('nic-network')).setValue('ovs-net')
    expect(optionTexts(w, 'nic-portgroup')).toEqual(['None: the network’s default (vlan10)', 'vlan10 · VLAN 10 (default)', 'trunk · trunk 10,20,30 (native 10)'])
    await w.get(tid('nic-portgroup')).setValue('trunk')
    await w.get(tid('nic-model')).setValue('e1000e')
    await w.get(tid('nic-mac')).setValue('52:54:00:AB:CD:EF')

    vmsApi.attachNic.mockResolvedValue(makeTask({ kind: 'vm.nic.attach', vmId: vm.id, targetName: 'web-1' }))
    await w.get(tid('nic-add-submit')).trigger('click')
    await flushPromises()
    expect(vmsApi.attachNic).toHaveBeenCalledExactlyOnceWith(vm.id, { network: 'ovs-net', portgroup: 'trunk', model: 'e1000e', mac: '52:54:00:ab:cd:ef' })
    expect(w.find(tid('nic-add-modal')).exists()).toBe(false)
    expect(drawerKinds(w)).toEqual(['vm.nic.attach:queued'])
  })

  it('adds a NIC on an Open vSwitch bridge with VLANs, checked as typed', async () => {
    const vm = makeVm({ managed: true, hostId: 'host-a' })
    const w = (wrapper = await mountPage(vm, []))
    await w.get(tid('vm-nic-add')).trigger('click')
    await flushPromises()
    await w.get(tid('nic-mode-bridge')).setValue(true)
    expect(disabled(w, tid('nic-add-submit'))).toBe(true)
    expect(w.get(tid('nic-add-submit')).attributes('title')).toBe('Enter the name of a bridge of the host, e.g. br0')
    await w.get(tid('nic-bridge')).setValue('ovsbr0')
    await w.get(tid('nic-ovs')).setValue(true)
    await w.get(tid('nic-vlan-tags')).setValue('10, 20')
    expect(w.get(tid('nic-vlan-trunk-error')).text()).toBe('Several VLAN tags make a trunk: tick Trunk')
    expect(disabled(w, tid('nic-add-submit'))).toBe(true)
    await w.get(tid('nic-vlan-trunk')).setValue(true)
    expect(optionTexts(w, 'nic-vlan-native')).toEqual(['None', '10', '20'])
    await w.get(tid('nic-vlan-native')).setValue('20')
    await w.get(tid('nic-vlan-tags')).setValue('10, 4095')
    expect(w.get(tid('nic-vlans')).text()).toContain('VLAN 4095 is reserved; use 1–4094')
    await w.get(tid('nic-vlan-tags')).setValue('10, 20, 30')
    expect(disabled(w, tid('nic-add-submit'))).toBe(false)

    vmsApi.attachNic.mockResolvedValue(makeTask({ kind: 'vm.nic.attach' }))
    await w.get(tid('nic-add-submit')).trigger('click')
    await flushPromises()
    expect(vmsApi.attachNic).toHaveBeenCalledExactlyOnceWith(vm.id, {
      bridge: 'ovsbr0',
      openvswitch: true,
      vlanTags: [10, 20, 30],
      trunk: true,
      nativeVlan: 20,
      model: 'virtio',
    })
  })

  it('refuses a multicast or taken MAC, and shows the server’s refusal in the dialog, which keeps the input', async () => {
    const vm = makeVm({ managed: true, hostId: 'host-a' })
    const w = (wrapper = await mountPage(vm, [makeNic({ mac: '52:54:00:00:00:01' })]))
    await w.get(tid('vm-nic-add')).trigger('click')
    await flushPromises()
    const mac = w.get(tid('nic-mac'))
    await mac.setValue('01:00:5e:00:00:01')
    expect(w.get(tid('nic-add-modal')).text()).toContain('01:00:5e:00:00:01 is a multicast address; a NIC needs a unicast one')
    expect(mac.attributes('aria-invalid')).toBe('true')
    expect(disabled(w, tid('nic-add-submit'))).toBe(true)
    await mac.setValue('52:54:00:00:00:01')
    expect(w.get(tid('nic-add-submit')).attributes('title')).toBe('The VM already has a NIC with MAC 52:54:00:00:00:01')
    await mac.setValue('52:54:00:00:00:02')

    vmsApi.attachNic.mockRejectedValue(new ApiError(409, { code: 'host_not_connected', message: 'host alpha is not connected' }))
    await w.get(tid('nic-add-submit')).trigger('click')
    await flushPromises()
    const error = w.get(tid('nic-add-error'))
    expect(error.text()).toBe('host alpha is not connected')
    expect(error.attributes('data-code')).toBe('host_not_connected')
    expect(w.find(tid('nic-add-modal')).exists()).toBe(true)
    expect((w.get(tid('nic-mac')).element as HTMLInputElement).value).toBe('52:54:00:00:00:02')
    expect(useToastStore().toasts).toEqual([])
    expect(drawerKinds(w)).toEqual([])
    // Editing clears the message; it can be sent again.
    await w.get(tid('nic-model')).setValue('e1000')
    expect(w.find(tid('nic-add-error')).exists()).toBe(false)
    expect(disabled(w, tid('nic-add-submit'))).toBe(false)
  })
})

describe('VM page: Add NIC of a kind a plugin adds', () => {
  it('offers "Plugin kind" only when a plugin adds kinds, asking again each time the dialog opens', async () => {
    const vm = makeVm({ managed: true, hostId: 'host-a' })
    const w = (wrapper = await mountPage(vm, []))
    expect(vmsApi.nicKinds).toHaveBeenCalledTimes(1)
    await w.get(tid('vm-nic-add')).trigger('click')
    await flushPromises()
    expect(vmsApi.nicKinds).toHaveBeenCalledTimes(2)
    expect(w.find(tid('nic-mode-network')).exists()).toBe(true)
    expect(w.find(tid('nic-mode-kind')).exists()).toBe(false)
    await w.get(tid('nic-add-cancel')).trigger('click')

    // The macvtap plugin was enabled meanwhile.
    vmsApi.nicKinds.mockResolvedValue({ items: [MACVTAP_KIND] })
    await w.get(tid('vm-nic-add')).trigger('click')
    await flushPromises()
    expect(vmsApi.nicKinds).toHaveBeenCalledTimes(3)
    expect(w.find(tid('nic-mode-kind')).exists()).toBe(true)
    expect(w.get(tid('nic-add-modal')).text()).toContain('Plugin kind')
  })

  it('macvtap: the kind with its plugin, its params form checked as typed, the server’s refusal in the dialog; sends kind and params', async () => {
    const vm = makeVm({ managed: true, hostId: 'host-a', name: 'web-1' })
    const other = makeNicKind({ name: 'vdpa', description: 'vDPA device', plugin: 'org.x.vdpa', paramsSchema: { properties: { path: { type: 'string' } } } })
    const w = (wrapper = await mountPage(vm, [makeNic()], { kinds: [MACVTAP_KIND, other] }))
    await w.get(tid('vm-nic-add')).trigger('click')
    await flushPromises()
    await w.get(tid('nic-mode-kind')).setValue(true)
    // The first kind is chosen; its description and plugin are shown, its params start at the defaults.
    expect(optionTexts(w, 'nic-kind')).toEqual(['macvtap — Direct attachment to a host device through macvtap', 'vdpa — vDPA device'])
    expect((w.get(tid('nic-kind')).element as HTMLSelectElement).value).toBe('macvtap')
    expect(w.get(tid('nic-kind-about')).text()).toContain('Direct attachment to a host device through macvtap')
    expect(w.get(tid('nic-kind-plugin')).text()).toBe('org.virtumancer.example.macvtap')
    expect(w.find(tid('nic-network')).exists()).toBe(false)
    expect(w.find(tid('nic-bridge')).exists()).toBe(false)
    expect(w.get(tid('nic-param-field-dev')).text()).toContain('Host device *')
    expect((w.get(tid('nic-param-dev')).element as HTMLInputElement).value).toBe('')
    expect((w.get(tid('nic-param-mode')).element as HTMLSelectElement).value).toBe('bridge')
    expect(optionTexts(w, 'nic-param-mode')).toEqual(['— not set —', 'bridge', 'vepa', 'private', 'passthrough'])
    // Model and MAC stay.
    expect(w.find(tid('nic-model')).exists()).toBe(true)
    expect(w.find(tid('nic-mac')).exists()).toBe(true)
    expect(disabled(w, tid('nic-add-submit'))).toBe(true)
    expect(w.get(tid('nic-add-submit')).attributes('title')).toBe('Host device: Required')

    await w.get(tid('nic-param-dev')).setValue('bad dev')
    expect(w.get(tid('nic-param-field-dev')).text()).toContain('Must match the pattern ^[A-Za-z0-9_.:-]{1,15}$')
    expect(disabled(w, tid('nic-add-submit'))).toBe(true)
    await w.get(tid('nic-param-dev')).setValue('eth9')
    await w.get(tid('nic-param-mode')).setValue('vepa')
    await w.get(tid('nic-model')).setValue('e1000')
    expect(disabled(w, tid('nic-add-submit'))).toBe(false)

    // The plugin refuses before a task exists: the message in the dialog, the field marked, the input kept.
    const refusal = "NIC kind 'macvtap': dev: 'eth9' is not a host interface name (1–15 letters, digits, '_', '.', ':', '-')"
    vmsApi.attachNic.mockRejectedValueOnce(new ApiError(422, { code: 'invalid_request', message: refusal }))
    await w.get(tid('nic-add-submit')).trigger('click')
    await flushPromises()
    expect(vmsApi.attachNic).toHaveBeenCalledExactlyOnceWith(vm.id, { kind: 'macvtap', params: { dev: 'eth9', mode: 'vepa' }, model: 'e1000' })
    expect(w.get(tid('nic-add-error')).text()).toBe(refusal)
    expect(w.get(tid('nic-add-error')).attributes('data-code')).toBe('invalid_request')
    expect(w.get(tid('nic-param-dev')).attributes('aria-invalid')).toBe('true')
    expect((w.get(tid('nic-param-dev')).element as HTMLInputElement).value).toBe('eth9')
    expect(drawerKinds(w)).toEqual([])
    expect(useToastStore().toasts).toEqual([])

    // Editing clears the message; accepted, the dialog closes and the task goes to the drawer.
    await w.get(tid('nic-param-dev')).setValue('eth0')
    expect(w.find(tid('nic-add-error')).exists()).toBe(false)
    expect(w.get(tid('nic-param-dev')).attributes('aria-invalid')).toBeUndefined()
    await w.get(tid('nic-mac')).setValue('52:54:00:AA:00:01')
    vmsApi.attachNic.mockResolvedValueOnce(makeTask({ kind: 'vm.nic.attach', vmId: vm.id, targetName: 'web-1' }))
    await w.get(tid('nic-add-submit')).trigger('click')
    await flushPromises()
    expect(vmsApi.attachNic).toHaveBeenLastCalledWith(vm.id, {
      kind: 'macvtap',
      params: { dev: 'eth0', mode: 'vepa' },
      model: 'e1000',
      mac: '52:54:00:aa:00:01',
    })
    expect(w.find(tid('nic-add-modal')).exists()).toBe(false)
    expect(drawerKinds(w)).toEqual(['vm.nic.attach:queued'])
  })

  it('choosing another kind starts its own params; a schema the form cannot show takes JSON', async () => {
    const vm = makeVm({ managed: true, hostId: 'host-a' })
    const raw = makeNicKind({ name: 'raw', description: 'Raw', plugin: 'org.x.raw', paramsSchema: { type: 'array' } })
    const w = (wrapper = await mountPage(vm, [], { kinds: [MACVTAP_KIND, raw] }))
    await w.get(tid('vm-nic-add')).trigger('click')
    await flushPromises()
    await w.get(tid('nic-mode-kind')).setValue(true)
    await w.get(tid('nic-param-dev')).setValue('eth0')
    await w.get(tid('nic-kind')).setValue('raw')
    expect(w.find(tid('nic-param-dev')).exists()).toBe(false)
    expect(w.get(tid('nic-kind-plugin')).text()).toBe('org.x.raw')
    const json = w.get(tid('nic-params-json'))
    await json.setValue('{"a": 1}')
    expect(w.get(tid('nic-params-error')).text()).toBe("Parameters: 'a' must be a string")
    expect(disabled(w, tid('nic-add-submit'))).toBe(true)
    await json.setValue('{"a": "1"}')
    vmsApi.attachNic.mockResolvedValueOnce(makeTask({ kind: 'vm.nic.attach' }))
    await w.get(tid('nic-add-submit')).trigger('click')
    await flushPromises()
    expect(vmsApi.attachNic).toHaveBeenCalledExactlyOnceWith(vm.id, { kind: 'raw', params: { a: '1' }, model: 'virtio' })

    // Back to macvtap: its params start again from the defaults.
    await w.get(tid('vm-nic-add')).trigger('click')
    await flushPromises()
    await w.get(tid('nic-mode-kind')).setValue(true)
    expect((w.get(tid('nic-param-dev')).element as HTMLInputElement).value).toBe('')
  })

  it('the NIC list shows a NIC a plugin recognizes as its kind, with the plugin and params', async () => {
    const vm = makeVm({ managed: true, hostId: 'host-a' })
    const w = (wrapper = await mountPage(vm, [makeNic(), macvtapNic()]))
    const row = nicRow(w, '52:54:00:00:00:03')
    const badge = row.get(tid('vm-nic-plugin-kind'))
    expect(badge.text()).toBe('macvtap')
    expect(badge.attributes('title')).toBe('org.virtumancer.example.macvtap')
    expect(row.get(tid('vm-nic-plugin-params')).text()).toBe('eth0 · bridge')
    expect(row.get(tid('vm-nic-kind')).text()).toContain('direct')
    expect(row.get(tid('vm-nic-source')).text()).toBe('eth0 (bridge)')
    const plain = nicRow(w, '52:54:00:00:00:01')
    expect(plain.find(tid('vm-nic-plugin-kind')).exists()).toBe(false)
    expect(plain.get(tid('vm-nic-kind')).text()).toBe('network')
  })
})

describe('VM page: per-NIC actions', () => {
  it('Change moves a NIC to another network’s portgroup and sets its link down; a 404 stays in the dialog', async () => {
    const vm = makeVm({ managed: true, hostId: 'host-a' })
    const nic = makeNic({ mac: '52:54:00:00:00:01', network: 'default' })
    const w = (wrapper = await mountPage(vm, [nic]))
    await nicRow(w, nic.mac!).get(tid('vm-nic-change')).trigger('click')
    await flushPromises()
    expect(w.get(tid('nic-change-modal')).text()).toContain('Change NIC 52:54:00:00:00:01')
    expect(disabled(w, tid('nic-change-submit'))).toBe(true)
    expect(w.get(tid('nic-change-submit')).attributes('title')).toBe('Nothing changed')

    await w.get(tid('nic-network')).setValue('ovs-net')
    await w.get(tid('nic-portgroup')).setValue('vlan10')
    await w.get(tid('nic-change-link-down')).setValue(true)
    vmsApi.updateNic.mockRejectedValueOnce(new ApiError(404, { code: 'network_not_found', message: "network 'ovs-net' not found on alpha" }))
    await w.get(tid('nic-change-submit')).trigger('click')
    await flushPromises()
    expect(w.get(tid('nic-change-error')).text()).toBe("network 'ovs-net' not found on alpha")
    expect((w.get(tid('nic-network')).element as HTMLSelectElement).value).toBe('ovs-net')

    vmsApi.updateNic.mockResolvedValueOnce(makeTask({ kind: 'vm.nic.update' }))
    await w.get(tid('nic-change-submit')).trigger('click')
    await flushPromises()
    expect(vmsApi.updateNic).toHaveBeenLastCalledWith(vm.id, '52:54:00:00:00:01', { network: 'ovs-net', portgroup: 'vlan10', linkUp: false })
    expect(w.find(tid('nic-change-modal')).exists()).toBe(false)
    expect(drawerKinds(w)).toEqual(['vm.nic.update:queued'])
  })

  it('Change sets new VLANs on a NIC of an Open vSwitch bridge', async () => {
    const vm = makeVm({ managed: true, hostId: 'host-a' })
    const nic = ovsBridgeNic({ mac: '52:54:00:00:00:02', vlanTags: [10] })
    const w = (wrapper = await mountPage(vm, [nic]))
    await nicRow(w, nic.mac!).get(tid('vm-nic-change')).trigger('click')
    await flushPromises()
    expect(w.find(tid('nic-network')).exists()).toBe(false)
    expect((w.get(tid('nic-vlan-tags')).element as HTMLInputElement).value).toBe('10')
    await w.get(tid('nic-vlan-tags')).setValue('10,20')
    await w.get(tid('nic-vlan-trunk')).setValue(true)
    vmsApi.updateNic.mockResolvedValue(makeTask({ kind: 'vm.nic.update' }))
    await w.get(tid('nic-change-submit')).trigger('click')
    await flushPromises()
    expect(vmsApi.updateNic).toHaveBeenCalledExactlyOnceWith(vm.id, '52:54:00:00:00:02', { vlanTags: [10, 20], trunk: true })
  })

  it('the link switch disconnects at once; Remove asks first; refusals are error toasts', async () => {
    const vm = makeVm({ managed: true, hostId: 'host-a', name: 'web-1' })
    const up = makeNic({ mac: '52:54:00:00:00:01' })
    const down = makeNic({ mac: '52:54:00:00:00:03', linkState: 'down', network: 'ovs-net', portgroup: 'vlan10' })
    const w = (wrapper = await mountPage(vm, [up, down]))
    expect(nicRow(w, up.mac!).get(tid('vm-nic-link-toggle')).text()).toBe('Disconnect')
    expect(nicRow(w, down.mac!).get(tid('vm-nic-link-toggle')).text()).toBe('Connect')

    vmsApi.updateNic.mockImplementation(async () => makeTask({ kind: 'vm.nic.update' }))
    await nicRow(w, up.mac!).get(tid('vm-nic-link-toggle')).trigger('click')
    await flushPromises()
    expect(vmsApi.updateNic).toHaveBeenCalledExactlyOnceWith(vm.id, up.mac, { linkUp: false })
    await nicRow(w, down.mac!).get(tid('vm-nic-link-toggle')).trigger('click')
    await flushPromises()
    expect(vmsApi.updateNic).toHaveBeenLastCalledWith(vm.id, down.mac, { linkUp: true })
    expect(drawerKinds(w)).toHaveLength(2)

    await nicRow(w, down.mac!).get(tid('vm-nic-remove')).trigger('click')
    await flushPromises()
    expect(w.get(tid('confirm-message')).text()).toBe(
      'Remove the NIC 52:54:00:00:00:03 on ovs-net / vlan10 from "web-1"? The guest loses this network connection (live when the VM runs) and the NIC is removed from its configuration.',
    )
    await w.get(tid('confirm-cancel')).trigger('click')
    await flushPromises()
    expect(vmsApi.detachNic).not.toHaveBeenCalled()

    vmsApi.detachNic.mockRejectedValue(new ApiError(404, { code: 'nic_not_found', message: "VM 'web-1' has no NIC 52:54:00:00:00:03" }))
    await nicRow(w, down.mac!).get(tid('vm-nic-remove')).trigger('click')
    await flushPromises()
    await w.get(tid('confirm-accept')).trigger('click')
    await flushPromises()
    expect(vmsApi.detachNic).toHaveBeenCalledExactlyOnceWith(vm.id, down.mac)
    expect(useToastStore().toasts).toMatchObject([
      { kind: 'error', title: 'Could not remove 52:54:00:00:00:03 from web-1', message: "VM 'web-1' has no NIC 52:54:00:00:00:03" },
    ])
    expect(disabled(w, `[data-mac="${down.mac}"] ${tid('vm-nic-remove')}`)).toBe(false)
  })

  it('a discovered VM shows its NICs without controls; a disconnected host disables them and says why', async () => {
    const discovered = makeVm({ managed: false, hostId: 'host-a' })
    let w = (wrapper = await mountPage(discovered, [makeNic()]))
    expect(w.find(tid('vm-nics-table')).exists()).toBe(true)
    expect(w.find(tid('vm-nic-add')).exists()).toBe(false)
    expect(w.find(tid('vm-nic-change')).exists()).toBe(false)
    expect(networksApi.list).not.toHaveBeenCalled()
    expect(vmsApi.nicKinds).not.toHaveBeenCalled()
    w.unmount()

    hostsCache.state.hosts = []
    hostsCache.state.loaded = false
    const vm = makeVm({ managed: true, hostId: 'host-a' })
    w = wrapper = await mountPage(vm, [makeNic()], { hosts: [makeHost({ id: 'host-a', state: 'disconnected' })] })
    for (const b of ['vm-nic-add', 'vm-nic-change', 'vm-nic-link-toggle', 'vm-nic-remove']) {
      expect(disabled(w, tid(b))).toBe(true)
      expect(w.get(tid(b)).attributes('title')).toBe('Host is not connected')
    }
  })
})

describe('VM page: the NIC list follows the VM’s events', () => {
  it('shows a NIC the host added once the VM’s inventoryChanged event arrives', async () => {
    const vm = makeVm({ managed: true, hostId: 'host-a' })
    const w = (wrapper = await mountPage(vm, [makeNic()]))
    expect(w.findAll('[data-mac]')).toHaveLength(1)

    vi.useFakeTimers()
    vmsApi.get.mockResolvedValue(makeDetail(vm, [makeNic(), makeNic({ mac: '52:54:00:00:00:09', model: 'e1000e' })]))
    events.stream!.emit(inventoryChanged('host-a', [vm.id]))
    vi.advanceTimersByTime(INVENTORY_DEBOUNCE_MS)
    vi.useRealTimers()
    await flushPromises()
    expect(vmsApi.get).toHaveBeenCalledTimes(2)
    expect(nicRow(w, '52:54:00:00:00:09').get(tid('vm-nic-model')).text()).toBe('e1000e')
  })
})
