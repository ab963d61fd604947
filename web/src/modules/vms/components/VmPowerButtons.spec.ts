import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { defineComponent, h } from 'vue'
import { ApiError } from '@/api/client'
import type { Host, Vm } from '@/api/types'
import ConfirmDialog from '@/components/ui/ConfirmDialog.vue'
import { makeTask } from '@/modules/tasks/testing'
import { useTaskStore } from '@/stores/tasks'
import { useToastStore } from '@/stores/toasts'
import { makeVm, POWER_RULES } from '../testing'
import VmPowerButtons from './VmPowerButtons.vue'

const api = vi.hoisted(() => ({ powerRules: vi.fn(), powerAction: vi.fn(), bulkPowerAction: vi.fn() }))
vi.mock('@/modules/vms/api', () => ({ vmsApi: api }))

const host: Pick<Host, 'state' | 'facts'> = { state: 'connected', facts: null }
const tid = (id: string) => `[data-testid="${id}"]`

async function mountWith(vm: Vm) {
  const Harness = defineComponent({ setup: () => () => h('div', [h(VmPowerButtons, { vm, host }), h(ConfirmDialog)]) })
  const w = mount(Harness, { global: { stubs: { teleport: true } } })
  await flushPromises()
  return w
}
const disabled = (w: Awaited<ReturnType<typeof mountWith>>, action: string) => w.get(tid(`vm-power-${action}`)).attributes('disabled') !== undefined

beforeEach(() => {
  setActivePinia(createPinia())
  Object.values(api).forEach((f) => f.mockReset())
  api.powerRules.mockResolvedValue(POWER_RULES)
  api.powerAction.mockImplementation(async (_id: string, action: string) => makeTask({ kind: `vm.${action}` }))
})

describe('VmPowerButtons', () => {
  it('asks to import a discovered VM first', async () => {
    const w = await mountWith(makeVm({ managed: false }))
    expect(w.find(tid('vm-power-import-first')).exists()).toBe(true)
    expect(w.find(tid('vm-power-buttons')).exists()).toBe(false)
  })

  it('enables buttons by the rules and runs a harmless action at once', async () => {
    const vm = makeVm({ managed: true, state: 'running' })
    const w = await mountWith(vm)
    expect(api.powerRules).toHaveBeenCalledTimes(1)
    expect(disabled(w, 'pause')).toBe(false)
    expect(disabled(w, 'resume')).toBe(true)
    expect(disabled(w, 'start')).toBe(true)
    expect(w.get(tid('vm-power-start')).attributes('title')).toBe('Not while running; allowed when shutoff, crashed')
    await w.get(tid('vm-power-pause')).trigger('click')
    await flushPromises()
    expect(api.powerAction).toHaveBeenCalledWith(vm.id, 'pause', undefined)
    expect(useTaskStore().drawer).toHaveLength(1)
  })

  it('confirms destructive actions before sending them', async () => {
    const vm = makeVm({ managed: true, state: 'running', name: 'web-1' })
    const w = await mountWith(vm)
    await w.get(tid('vm-power-forceOff')).trigger('click')
    await flushPromises()
    expect(w.get(tid('confirm-message')).text()).toContain('Force off "web-1"?')
    await w.get(tid('confirm-cancel')).trigger('click')
    await flushPromises()
    expect(api.powerAction).not.toHaveBeenCalled()
    await w.get(tid('vm-power-forceOff')).trigger('click')
    await flushPromises()
    await w.get(tid('confirm-accept')).trigger('click')
    await flushPromises()
    expect(api.powerAction).toHaveBeenCalledWith(vm.id, 'forceOff', undefined)
  })

  it('shuts down plainly or with a force-off timeout from its dialog', async () => {
    const vm = makeVm({ managed: true, state: 'running' })
    const w = await mountWith(vm)
    await w.get(tid('vm-power-shutdown')).trigger('click')
    await flushPromises()
    await w.get(tid('shutdown-confirm')).trigger('click')
    await flushPromises()
    expect(api.powerAction).toHaveBeenLastCalledWith(vm.id, 'shutdown', undefined)

    await w.get(tid('vm-power-shutdown')).trigger('click')
    await flushPromises()
    await w.get(tid('shutdown-mode-force')).setValue(true)
    await w.get(tid('shutdown-force-secs')).setValue('0')
    expect(w.get(tid('shutdown-confirm')).attributes('disabled')).toBeDefined()
    await w.get(tid('shutdown-force-secs')).setValue('30')
    await w.get(tid('shutdown-confirm')).trigger('click')
    await flushPromises()
    expect(api.powerAction).toHaveBeenLastCalledWith(vm.id, 'shutdown', { forceAfterSecs: 30 })
  })

  it('shows a refusal (409) as an error toast with the server message', async () => {
    api.powerAction.mockRejectedValue(new ApiError(409, { code: 'action_not_allowed', message: "VM 'x' already has a task running" }))
    const vm = makeVm({ managed: true, state: 'running', name: 'x' })
    const w = await mountWith(vm)
    await w.get(tid('vm-power-pause')).trigger('click')
    await flushPromises()
    expect(useToastStore().toasts[0]).toMatchObject({ kind: 'error', title: 'Could not pause x', message: "VM 'x' already has a task running" })
  })
})
