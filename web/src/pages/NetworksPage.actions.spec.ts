import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { defineComponent, h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { ApiError } from '@/api/client'
import type { Network, NetworkAction } from '@/api/types'
import ConfirmDialog from '@/components/ui/ConfirmDialog.vue'
import { hostsCache } from '@/modules/hosts/queries'
import { makeHost } from '@/modules/hosts/testing'
import { makeNetwork, networkList } from '@/modules/networks/testing'
import { useToastStore } from '@/stores/toasts'
import NetworksPage from './NetworksPage.vue'

const networksApi = vi.hoisted(() => ({ list: vi.fn(), action: vi.fn(), remove: vi.fn() }))
vi.mock('@/modules/networks/api', () => ({ networksApi }))
const hostsApi = vi.hoisted(() => ({ list: vi.fn() }))
vi.mock('@/modules/hosts/api', () => ({ hostsApi }))

const tid = (id: string) => `[data-testid="${id}"]`
const Stub = defineComponent({ render: () => h('div') })

/** The page plus the app-wide ConfirmDialog, as in App.vue; modals render in place. */
async function mountPage(networks: Network[]) {
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
  const Harness = defineComponent({ setup: () => () => h('div', [h(RouterView), h(ConfirmDialog)]) })
  const w = mount(Harness, { global: { plugins: [router], stubs: { teleport: true } } })
  await flushPromises()
  return w
}

const rowOf = (w: VueWrapper, name: string) => w.get(tid(`network-row-${name}`))
const rowNames = (w: VueWrapper) => w.findAll(tid('network-name')).map((e) => e.text())
const isDisabled = (w: VueWrapper, name: string, button: string) => rowOf(w, name).get(tid(button)).attributes('disabled') !== undefined
/** A network action answered with the network changed as the server would. */
const answerWith = (net: Network) => async (_hostId: string, _name: string, action: NetworkAction) => ({
  ...net,
  active: action === 'start' ? true : action === 'stop' ? false : net.active,
  autostart: action === 'autostartOn' ? true : action === 'autostartOff' ? false : net.autostart,
})

let wrapper: VueWrapper | null = null
beforeEach(() => {
  setActivePinia(createPinia())
  Object.values(networksApi).forEach((f) => f.mockReset())
  hostsApi.list.mockReset().mockResolvedValue([])
  hostsCache.state.hosts = []
  hostsCache.state.loaded = false
})
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
})

describe('NetworksPage actions', () => {
  it('stops an active network after a confirmation naming its users, and the row shows it inactive', async () => {
    const net = makeNetwork({ hostId: 'host-a', hostName: 'alpha', name: 'lan', active: true, usedBy: 3 })
    networksApi.action.mockImplementation(answerWith(net))
    const w = (wrapper = await mountPage([net]))
    expect(rowOf(w, 'lan').find(tid('network-start')).exists()).toBe(false)

    await rowOf(w, 'lan').get(tid('network-stop')).trigger('click')
    await flushPromises()
    expect(w.get(tid('confirm-message')).text()).toBe(
      'Stop network "lan" on alpha? 3 VM NICs use it and lose their link until the network is started again.',
    )
    await w.get(tid('confirm-cancel')).trigger('click')
    await flushPromises()
    expect(networksApi.action).not.toHaveBeenCalled()
    expect(rowOf(w, 'lan').get(tid('network-state')).text()).toBe('active')

    await rowOf(w, 'lan').get(tid('network-stop')).trigger('click')
    await flushPromises()
    await w.get(tid('confirm-accept')).trigger('click')
    await flushPromises()
    expect(networksApi.action).toHaveBeenCalledExactlyOnceWith('host-a', 'lan', 'stop')
    expect(rowOf(w, 'lan').get(tid('network-state')).text()).toBe('inactive')
    expect(rowOf(w, 'lan').find(tid('network-start')).exists()).toBe(true)
    expect(rowOf(w, 'lan').find(tid('network-stop')).exists()).toBe(false)
    expect(networksApi.list).toHaveBeenCalledTimes(1) // the row changed from the answer alone
  })

  it('starts an inactive network at once, its buttons disabled while the request runs', async () => {
    const net = makeNetwork({ name: 'isolated', active: false })
    let answer!: (n: Network) => void
    networksApi.action.mockReturnValue(new Promise<Network>((res) => (answer = res)))
    const w = (wrapper = await mountPage([net]))

    await rowOf(w, 'isolated').get(tid('network-start')).trigger('click')
    await flushPromises()
    expect(w.find(tid('confirm-dialog')).exists()).toBe(false)
    expect(networksApi.action).toHaveBeenCalledExactlyOnceWith(net.hostId, 'isolated', 'start')
    for (const b of ['network-start', 'network-autostart-toggle', 'network-delete']) expect(isDisabled(w, 'isolated', b)).toBe(true)
    // A second click while it runs sends nothing.
    await rowOf(w, 'isolated').get(tid('network-autostart-toggle')).trigger('click')
    expect(networksApi.action).toHaveBeenCalledTimes(1)

    answer({ ...net, active: true })
    await flushPromises()
    expect(rowOf(w, 'isolated').get(tid('network-state')).text()).toBe('active')
    expect(isDisabled(w, 'isolated', 'network-stop')).toBe(false)
    expect(isDisabled(w, 'isolated', 'network-delete')).toBe(false)
  })

  it('the autostart switch turns it on, then off', async () => {
    const net = makeNetwork({ name: 'lan', autostart: false })
    networksApi.action.mockImplementation(answerWith(net))
    const w = (wrapper = await mountPage([net]))
    const toggle = () => rowOf(w, 'lan').get(tid('network-autostart-toggle'))
    expect(toggle().attributes('role')).toBe('switch')
    expect(toggle().attributes('aria-checked')).toBe('false')
    expect(rowOf(w, 'lan').find(tid('network-autostart')).exists()).toBe(false)

    await toggle().trigger('click')
    await flushPromises()
    expect(networksApi.action).toHaveBeenLastCalledWith(net.hostId, 'lan', 'autostartOn')
    expect(toggle().attributes('aria-checked')).toBe('true')
    expect(rowOf(w, 'lan').find(tid('network-autostart')).exists()).toBe(true)

    await toggle().trigger('click')
    await flushPromises()
    expect(networksApi.action).toHaveBeenLastCalledWith(net.hostId, 'lan', 'autostartOff')
    expect(toggle().attributes('aria-checked')).toBe('false')
    expect(networksApi.action).toHaveBeenCalledTimes(2)
  })

  it('deletes an unused network without force after a dialog naming it and its host', async () => {
    const net = makeNetwork({ hostId: 'host-a', hostName: 'alpha', name: 'spare' })
    const other = makeNetwork({ name: 'keep' })
    networksApi.remove.mockResolvedValue(undefined)
    const w = (wrapper = await mountPage([net, other]))

    await rowOf(w, 'spare').get(tid('network-delete')).trigger('click')
    await flushPromises()
    expect(w.get(tid('network-delete-message')).text()).toContain('Delete network "spare" on host "alpha"?')
    await w.get(tid('network-delete-cancel')).trigger('click')
    await flushPromises()
    expect(w.find(tid('network-delete-dialog')).exists()).toBe(false)
    expect(networksApi.remove).not.toHaveBeenCalled()

    await rowOf(w, 'spare').get(tid('network-delete')).trigger('click')
    await flushPromises()
    expect(w.get(tid('network-delete-confirm')).text()).toBe('Delete')
    await w.get(tid('network-delete-confirm')).trigger('click')
    await flushPromises()
    expect(networksApi.remove).toHaveBeenCalledExactlyOnceWith('host-a', 'spare', false)
    expect(rowNames(w)).toEqual(['keep'])
    expect(w.find(tid('network-delete-dialog')).exists()).toBe(false)
    expect(useToastStore().toasts.map((t) => [t.kind, t.title])).toEqual([['success', 'Network deleted']])
  })

  it('a network in use: the dialog lists its VMs from the 409, and "Delete anyway" forces it', async () => {
    const net = makeNetwork({ hostId: 'host-a', hostName: 'alpha', name: 'lan', usedBy: 3 })
    networksApi.remove
      .mockRejectedValueOnce(
        new ApiError(409, { code: 'network_in_use', message: 'network lan is in use', details: { users: ['web01', 'db', 'web01'] } }),
      )
      .mockResolvedValueOnce(undefined)
    const w = (wrapper = await mountPage([net]))

    await rowOf(w, 'lan').get(tid('network-delete')).trigger('click')
    await flushPromises()
    await w.get(tid('network-delete-confirm')).trigger('click')
    await flushPromises()
    expect(networksApi.remove).toHaveBeenCalledExactlyOnceWith('host-a', 'lan', false)
    // Still there, and the dialog now says who uses it.
    expect(rowNames(w)).toEqual(['lan'])
    expect(w.findAll(tid('network-delete-user')).map((li) => li.text())).toEqual(['db', 'web01 (2 NICs)'])
    expect(useToastStore().toasts).toEqual([])
    const anyway = w.get(tid('network-delete-confirm'))
    expect(anyway.text()).toBe('Delete anyway')

    await anyway.trigger('click')
    await flushPromises()
    expect(networksApi.remove).toHaveBeenCalledTimes(2)
    expect(networksApi.remove).toHaveBeenLastCalledWith('host-a', 'lan', true)
    expect(rowNames(w)).toEqual([])
    expect(w.find(tid('network-delete-dialog')).exists()).toBe(false)
  })

  it('reports refusals as error toasts with the server’s message, the row unchanged', async () => {
    const net = makeNetwork({ name: 'lan', active: false })
    networksApi.action.mockRejectedValue(new ApiError(409, { code: 'host_not_connected', message: 'host alpha is not connected' }))
    networksApi.remove.mockRejectedValue(new ApiError(409, { code: 'host_not_connected', message: 'host alpha is not connected' }))
    const w = (wrapper = await mountPage([net]))

    await rowOf(w, 'lan').get(tid('network-start')).trigger('click')
    await flushPromises()
    expect(useToastStore().toasts).toMatchObject([{ kind: 'error', title: 'Could not start lan', message: 'host alpha is not connected' }])
    expect(rowOf(w, 'lan').get(tid('network-state')).text()).toBe('inactive')
    expect(isDisabled(w, 'lan', 'network-start')).toBe(false)

    // A delete refused for another reason than use closes the dialog and reports it too.
    await rowOf(w, 'lan').get(tid('network-delete')).trigger('click')
    await flushPromises()
    await w.get(tid('network-delete-confirm')).trigger('click')
    await flushPromises()
    expect(w.find(tid('network-delete-dialog')).exists()).toBe(false)
    expect(useToastStore().toasts[1]).toMatchObject({ kind: 'error', title: 'Could not delete lan', message: 'host alpha is not connected' })
    expect(rowNames(w)).toEqual(['lan'])
  })

  it('disables the actions of networks on a host known to be disconnected', async () => {
    const net = makeNetwork({ hostId: 'host-off', name: 'lan', active: true })
    hostsApi.list.mockResolvedValue([makeHost({ id: 'host-off', name: 'alpha', state: 'disconnected' })])
    const w = (wrapper = await mountPage([net]))
    for (const b of ['network-stop', 'network-autostart-toggle', 'network-delete']) {
      expect(isDisabled(w, 'lan', b)).toBe(true)
      expect(rowOf(w, 'lan').get(tid(b)).attributes('title')).toBe('Host is not connected')
    }
  })
})
