import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, RouterLinkStub } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { defineComponent, h } from 'vue'
import type { Host } from '@/api/types'
import ConfirmDialog from '@/components/ui/ConfirmDialog.vue'
import { makeTask } from '@/modules/tasks/testing'
import { useTaskStore } from '@/stores/tasks'
import { makeVm, page, POWER_RULES, vmRouter } from '../testing'
import { SORT_KEYS } from '../sorting'
import ManagedVmsView from './ManagedVmsView.vue'

const api = vi.hoisted(() => ({ listManaged: vi.fn(), listDiscovered: vi.fn(), powerRules: vi.fn(), powerAction: vi.fn(), bulkPowerAction: vi.fn() }))
vi.mock('@/modules/vms/api', () => ({ vmsApi: api }))

const hostA: Pick<Host, 'id' | 'name' | 'state' | 'facts'> = { id: 'host-a', name: 'alpha', state: 'connected', facts: null }
const tid = (id: string) => `[data-testid="${id}"]`

beforeEach(() => {
  setActivePinia(createPinia())
  Object.values(api).forEach((f) => f.mockReset())
  api.powerRules.mockResolvedValue(POWER_RULES)
})

describe('ManagedVmsView bulk power', () => {
  it('confirms with the count of VMs the action applies to and sends only those', async () => {
    const vms = [
      ...Array.from({ length: 3 }, (_, i) => makeVm({ managed: true, state: 'running', name: `on-${i}` })),
      makeVm({ managed: true, state: 'shutoff', name: 'off' }),
    ]
    api.listManaged.mockResolvedValue(page(vms))
    const parent = makeTask({ kind: 'bulk.vm.forceOff', vmId: null, targetName: '3 VMs' })
    api.bulkPowerAction.mockResolvedValue({ parent, tasks: [makeTask(), makeTask(), makeTask()], notFound: [] })
    const Harness = defineComponent({ setup: () => () => h('div', [h(ManagedVmsView, { hosts: [hostA] }), h(ConfirmDialog)]) })
    const w = mount(Harness, { global: { stubs: { teleport: true, RouterLink: RouterLinkStub }, plugins: [vmRouter()] } })
    await flushPromises()

    expect(w.find(tid('vms-bulk-bar')).exists()).toBe(false)
    await w.get(tid('vms-select-all')).setValue(true)
    expect(w.get(tid('vms-selection-count')).text()).toContain('4 selected')
    expect(w.get(tid('vms-bulk-resume')).attributes('disabled')).toBeDefined()

    await w.get(tid('vms-bulk-forceOff')).trigger('click')
    await flushPromises()
    expect(w.get(tid('confirm-dialog')).text()).toContain('Force off 3 VMs?')
    expect(w.get(tid('confirm-message')).text()).toContain('1 VM of the selection is skipped')
    await w.get(tid('confirm-accept')).trigger('click')
    await flushPromises()
    expect(api.bulkPowerAction).toHaveBeenCalledWith('forceOff', vms.slice(0, 3).map((v) => v.id), {})
    expect(useTaskStore().drawer.map((t) => t.id)).toEqual([parent.id])
  })
})

describe('ManagedVmsView cards', () => {
  it('offers every order in words where there are no column headers to click', async () => {
    api.listManaged.mockResolvedValue(page([makeVm({ managed: true, name: 'a' })]))
    const w = mount(ManagedVmsView, { props: { hosts: [hostA] }, global: { stubs: { teleport: true, RouterLink: RouterLinkStub }, plugins: [vmRouter()] } })
    await flushPromises()
    await w.get(tid('vms-view-cards')).trigger('click')
    const sort = w.get(tid('vms-sort'))
    expect(sort.findAll('option').map((o) => o.attributes('value'))).toEqual([...SORT_KEYS])
    await sort.setValue('memoryAsc')
    await flushPromises()
    expect(api.listManaged).toHaveBeenLastCalledWith(expect.objectContaining({ sort: 'memoryAsc' }))
    expect(w.emitted('filterChange')!.at(-1)![0]).toMatchObject({ sort: 'memoryAsc' })

    await w.get(tid('vms-view-table')).trigger('click')
    expect(w.find(tid('vms-sort')).exists()).toBe(false)
    localStorage.clear()
  })
})

