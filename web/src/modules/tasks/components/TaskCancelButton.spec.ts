import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, RouterLinkStub } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { defineComponent, h } from 'vue'
import { ApiError } from '@/api/client'
import type { Task, TaskState } from '@/api/types'
import ConfirmDialog from '@/components/ui/ConfirmDialog.vue'
import { useTaskStore } from '@/stores/tasks'
import { useToastStore } from '@/stores/toasts'
import { makeTask } from '../testing'
import TaskDrawerItem from './TaskDrawerItem.vue'
import TaskRow from './TaskRow.vue'

const api = vi.hoisted(() => ({ list: vi.fn(), get: vi.fn(), cancel: vi.fn() }))
vi.mock('@/modules/tasks/api', () => ({ tasksApi: api }))

const tid = (id: string) => `[data-testid="${id}"]`
const STATES: TaskState[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled']

/** A task row (in its table) or a drawer item, with the app's confirm dialog. */
function mountTask(task: Task, where: 'row' | 'drawer' = 'row', opts: { child?: boolean } = {}) {
  const item = where === 'row' ? h('table', [h('tbody', [h(TaskRow, { task, now: Date.now(), ...opts })])]) : h(TaskDrawerItem, { task })
  const Harness = defineComponent({ setup: () => () => h('div', [item, h(ConfirmDialog)]) })
  return mount(Harness, { global: { stubs: { teleport: true, RouterLink: RouterLinkStub } } })
}

beforeEach(() => {
  setActivePinia(createPinia())
  Object.values(api).forEach((f) => f.mockReset())
  api.cancel.mockImplementation(async (id: string) => makeTask({ id, state: 'running' }))
})

describe('Cancel button visibility', () => {
  it.each(['row', 'drawer'] as const)('%s: shown for queued and running tasks only', (where) => {
    const shown = STATES.filter((state) => mountTask(makeTask({ state }), where).find(tid('task-cancel')).exists())
    expect(shown).toEqual(['queued', 'running'])
  })

  it('shown on running bulk parents and their running children', () => {
    const parent = makeTask({ kind: 'bulk.vm.shutdown', vmId: null, state: 'running' })
    expect(mountTask(parent).find(tid('task-cancel')).exists()).toBe(true)
    expect(mountTask(makeTask({ parentId: parent.id, state: 'running' }), 'row', { child: true }).find(tid('task-cancel')).exists()).toBe(true)
  })

  it('a cancelled task renders in its own colour with its message (who cancelled), and no button', () => {
    const task = makeTask({ state: 'cancelled', message: 'cancelled by web (127.0.0.1); a request already sent to the host is not undone' })
    for (const where of ['row', 'drawer'] as const) {
      const w = mountTask(task, where)
      expect(w.get(tid('task-state-badge')).text()).toBe('cancelled')
      expect(w.get('[data-badge-label]').element.parentElement!.className).toContain('text-amber-300')
      expect(w.get(tid('task-message')).text()).toBe(task.message)
      expect(w.get(tid('task-message')).classes()).toContain('text-amber-200/90')
      expect(w.find(tid('task-cancel')).exists()).toBe(false)
    }
  })
})

describe('Cancel button', () => {
  it('cancels a single task at once and shows it is cancelling until the task ends', async () => {
    const task = makeTask({ state: 'running' })
    const w = mountTask(task)
    await w.get(tid('task-cancel')).trigger('click')
    await flushPromises()
    expect(w.find(tid('confirm-message')).exists()).toBe(false)
    expect(api.cancel).toHaveBeenCalledWith(task.id)
    const button = w.get(tid('task-cancel'))
    expect(button.text()).toBe('Cancelling…')
    expect(button.attributes('disabled')).toBeDefined()
    await w.get(tid('task-cancel')).trigger('click')
    expect(api.cancel).toHaveBeenCalledTimes(1)
  })

  it('asks before cancelling a bulk request, with the number of VMs left when known', async () => {
    const parent = makeTask({ kind: 'bulk.vm.shutdown', vmId: null, targetName: '3 VMs', state: 'running', progress: 33 })
    const store = useTaskStore()
    store.track(parent, { children: 3 })
    for (const state of ['succeeded', 'running', 'queued'] as const) store.upsert(makeTask({ parentId: parent.id, state }))
    const w = mountTask(parent, 'drawer')
    await w.get(tid('task-cancel')).trigger('click')
    await flushPromises()
    expect(w.text()).toContain('Cancel the remaining 2 VMs?')
    expect(w.get(tid('confirm-message')).text()).toContain('Shutdown (bulk) of 3 VMs')
    await w.get(tid('confirm-cancel')).trigger('click')
    await flushPromises()
    expect(api.cancel).not.toHaveBeenCalled()

    await w.get(tid('task-cancel')).trigger('click')
    await flushPromises()
    await w.get(tid('confirm-accept')).trigger('click')
    await flushPromises()
    expect(api.cancel).toHaveBeenCalledWith(parent.id)
  })

  it('asks plainly when the VMs left are not known', async () => {
    const parent = makeTask({ kind: 'bulk.vm.forceOff', vmId: null, targetName: '40 VMs', state: 'running' })
    const w = mountTask(parent)
    await w.get(tid('task-cancel')).trigger('click')
    await flushPromises()
    expect(w.text()).toContain('Cancel this bulk request?')
    await w.get(tid('confirm-accept')).trigger('click')
    await flushPromises()
    expect(api.cancel).toHaveBeenCalledWith(parent.id)
  })

  it('shows a refusal (409: already ended) as an error toast and offers Cancel again', async () => {
    api.cancel.mockRejectedValue(new ApiError(409, { code: 'action_not_allowed', message: 'task t is succeeded and cannot be cancelled' }))
    api.get.mockRejectedValue(new ApiError(404, { code: 'task_not_found', message: 'gone' }))
    const task = makeTask({ kind: 'vm.shutdown', targetName: 'web-1', state: 'running' })
    const w = mountTask(task)
    await w.get(tid('task-cancel')).trigger('click')
    await flushPromises()
    expect(useToastStore().toasts[0]).toMatchObject({
      kind: 'error',
      title: 'Could not cancel shutdown of web-1',
      message: 'task t is succeeded and cannot be cancelled',
    })
    expect(w.get(tid('task-cancel')).text()).toBe('Cancel')
    expect(w.get(tid('task-cancel')).attributes('disabled')).toBeUndefined()
  })
})
