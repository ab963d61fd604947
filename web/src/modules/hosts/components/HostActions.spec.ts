import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { defineComponent, h } from 'vue'
import { ApiError } from '@/api/client'
import ConfirmDialog from '@/components/ui/ConfirmDialog.vue'
import { useToastStore } from '@/stores/toasts'
import { hostsCache } from '../queries'
import { makeHost } from '../testing'
import HostActions from './HostActions.vue'
import type { Host } from '@/api/types'

const api = vi.hoisted(() => ({
  list: vi.fn(),
  get: vi.fn(),
  create: vi.fn(),
  update: vi.fn(),
  remove: vi.fn(),
  connect: vi.fn(),
  disconnect: vi.fn(),
  test: vi.fn(),
}))
vi.mock('@/modules/hosts/api', () => ({ hostsApi: api }))

function mountWith(host: Host) {
  // HostActions plus the app-wide ConfirmDialog, as in App.vue.
  const Harness = defineComponent({
    setup: () => () => h('div', [h(HostActions, { host }), h(ConfirmDialog)]),
  })
  return mount(Harness, { global: { stubs: { teleport: true } } })
}
const tid = (id: string) => `[data-testid="${id}"]`

beforeEach(() => {
  setActivePinia(createPinia())
  Object.values(api).forEach((f) => f.mockReset())
  hostsCache.state.hosts = []
})

describe('HostActions', () => {
  it('shows Connect for disconnected hosts and Disconnect for connected ones', async () => {
    const off = makeHost({ state: 'disconnected' })
    const w1 = mountWith(off)
    expect(w1.find(tid('host-connect')).exists()).toBe(true)
    expect(w1.find(tid('host-disconnect')).exists()).toBe(false)
    api.connect.mockResolvedValue({ ...off, state: 'connecting' })
    await w1.find(tid('host-connect')).trigger('click')
    await flushPromises()
    expect(api.connect).toHaveBeenCalledWith(off.id)
    expect(hostsCache.state.hosts[0]?.state).toBe('connecting')

    const on = makeHost({ state: 'connected' })
    const w2 = mountWith(on)
    expect(w2.find(tid('host-connect')).exists()).toBe(false)
    api.disconnect.mockResolvedValue({ ...on, autoConnect: false })
    await w2.find(tid('host-disconnect')).trigger('click')
    await flushPromises()
    expect(api.disconnect).toHaveBeenCalledWith(on.id)
  })

  it('deletes only after confirming in a dialog that names the host', async () => {
    const host = makeHost({ name: 'doomed' })
    hostsCache.state.hosts = [host]
    const w = mountWith(host)

    await w.find(tid('host-delete')).trigger('click')
    await flushPromises()
    expect(w.find(tid('confirm-message')).text()).toContain('"doomed"')
    await w.find(tid('confirm-cancel')).trigger('click')
    await flushPromises()
    expect(api.remove).not.toHaveBeenCalled()
    expect(w.find(tid('confirm-dialog')).exists()).toBe(false)

    api.remove.mockResolvedValue(undefined)
    await w.find(tid('host-delete')).trigger('click')
    await flushPromises()
    await w.find(tid('confirm-accept')).trigger('click')
    await flushPromises()
    expect(api.remove).toHaveBeenCalledWith(host.id)
    expect(hostsCache.state.hosts).toEqual([])
  })

  it('reports action failures as error toasts', async () => {
    const host = makeHost({ name: 'x', state: 'error' })
    const w = mountWith(host)
    api.connect.mockRejectedValue(new ApiError(422, { code: 'connection_failed', message: 'Connection refused' }))
    await w.find(tid('host-connect')).trigger('click')
    await flushPromises()
    const toasts = useToastStore().toasts
    expect(toasts).toHaveLength(1)
    expect(toasts[0]).toMatchObject({ kind: 'error', title: 'Could not connect x', message: 'Connection refused' })
  })
})
