import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, RouterLinkStub } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { makeVm, page, vmRouter } from '../testing'
import DiscoveredVmsView from './DiscoveredVmsView.vue'

const api = vi.hoisted(() => ({ listManaged: vi.fn(), listDiscovered: vi.fn(), undismissVms: vi.fn() }))
vi.mock('@/modules/vms/api', () => ({ vmsApi: api }))

const hosts = [
  { id: 'host-a', name: 'alpha' },
  { id: 'host-b', name: 'beta' },
]
const tid = (id: string) => `[data-testid="${id}"]`

beforeEach(() => {
  setActivePinia(createPinia())
  Object.values(api).forEach((f) => f.mockReset())
})

function view() {
  return mount(DiscoveredVmsView, { props: { hosts }, global: { stubs: { teleport: true, RouterLink: RouterLinkStub }, plugins: [vmRouter()] } })
}

describe('DiscoveredVmsView', () => {
  it('shows dismissed VMs on request, marked, and restores the selected ones', async () => {
    const shown = makeVm({ name: 'shown' })
    const hidden = makeVm({ name: 'hidden', dismissed: true })
    api.listDiscovered.mockImplementation(async (q: { includeDismissed?: boolean }) => page(q.includeDismissed ? [hidden, shown] : [shown]))
    api.undismissVms.mockResolvedValue({ done: [hidden.id], notFound: [] })
    const w = view()
    await flushPromises()
    expect(w.find(tid('discovered-restore-selected')).exists()).toBe(false)
    expect(w.find(tid('discovered-row-hidden')).exists()).toBe(false)

    await w.get(tid('discovered-show-dismissed')).setValue(true)
    await flushPromises()
    expect(api.listDiscovered).toHaveBeenLastCalledWith(expect.objectContaining({ includeDismissed: true, page: 1 }))
    expect(w.get(tid('discovered-row-hidden')).find(tid('vm-dismissed')).exists()).toBe(true)
    expect(w.get(tid('discovered-row-shown')).find(tid('vm-dismissed')).exists()).toBe(false)
    expect(w.emitted('filterChange')!.at(-1)![0]).toMatchObject({ dismissed: true })

    await w.get(tid('discovered-select-hidden')).setValue(true)
    await w.get(tid('discovered-restore-selected')).trigger('click')
    await flushPromises()
    expect(api.undismissVms).toHaveBeenCalledWith([hidden.id])
    expect(w.get(tid('discovered-selection-count')).text()).toBe('')
  })

  it('clears the selection when a filter changes what is listed, not when sorting', async () => {
    const a = makeVm({ name: 'a' })
    api.listDiscovered.mockResolvedValue(page([a]))
    const w = view()
    await flushPromises()
    await w.get(tid('discovered-select-a')).setValue(true)
    expect(w.get(tid('discovered-selection-count')).text()).toContain('1 selected')

    await w.get(tid('sort-memory')).trigger('click')
    await flushPromises()
    expect(w.get(tid('discovered-selection-count')).text()).toContain('1 selected')

    await w.get(tid('discovered-host-filter')).setValue('host-b')
    await flushPromises()
    expect(api.listDiscovered).toHaveBeenLastCalledWith(expect.objectContaining({ hostId: 'host-b' }))
    expect(w.get(tid('discovered-selection-count')).text()).toBe('')
  })

  it('puts the page it moved to in the URL when its page vanished', async () => {
    const a = makeVm({ name: 'a' })
    api.listDiscovered.mockImplementation(async (q: { page: number }) => (q.page === 1 ? page([a], 1) : page([], 1, q.page)))
    const w = mount(DiscoveredVmsView, {
      props: { hosts, initial: { page: 3 } },
      global: { stubs: { teleport: true, RouterLink: RouterLinkStub }, plugins: [vmRouter()] },
    })
    await flushPromises()
    expect(w.find(tid('discovered-row-a')).exists()).toBe(true)
    expect(w.emitted('filterChange')!.at(-1)![0]).toMatchObject({ page: 1 })
  })
})
