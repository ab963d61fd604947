import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { mount, RouterLinkStub } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { nextTick } from 'vue'
import { AUTO_HIDE_MS, useTaskStore } from '@/stores/tasks'
import { makeTask } from '../testing'
import TaskDrawer from './TaskDrawer.vue'

const tid = (id: string) => `[data-testid="${id}"]`

beforeEach(() => {
  setActivePinia(createPinia())
  vi.useFakeTimers()
})
afterEach(() => vi.useRealTimers())

function mountDrawer() {
  return mount(TaskDrawer, { global: { stubs: { RouterLink: RouterLinkStub } } })
}

describe('TaskDrawer', () => {
  it('shows our tasks live: kind, target, state, bulk progress, error; succeeded ones hide', async () => {
    const store = useTaskStore()
    const w = mountDrawer()
    expect(w.find(tid('task-drawer')).exists()).toBe(false)

    const pause = makeTask({ kind: 'vm.pause', targetName: 'test' })
    store.track(pause)
    const bulk = makeTask({ kind: 'bulk.vm.forceOff', vmId: null, targetName: '4 VMs', state: 'running', progress: 50 })
    store.track(bulk, { children: 4 })
    await nextTick()
    const items = w.findAll(tid('task-drawer-item'))
    expect(items).toHaveLength(2)
    const pauseItem = w.get(`[data-task-id="${pause.id}"]`)
    expect(pauseItem.get(tid('task-kind')).text()).toBe('Pause')
    expect(pauseItem.get(tid('task-target')).text()).toBe('test')
    expect(w.get(`[data-task-id="${bulk.id}"]`).get('[data-progress-text]').text()).toBe('2 / 4')

    store.upsert({ ...pause, state: 'succeeded', progress: 100, finishedAt: '2026-01-01T00:00:03Z' })
    store.upsert({ ...bulk, state: 'failed', error: '1 of 4 failed', finishedAt: '2026-01-01T00:00:03Z' })
    await nextTick()
    expect(w.get(`[data-task-id="${pause.id}"]`).attributes('data-state')).toBe('succeeded')
    expect(w.get(`[data-task-id="${bulk.id}"]`).get(tid('task-error')).text()).toBe('1 of 4 failed')

    vi.advanceTimersByTime(AUTO_HIDE_MS)
    await nextTick()
    expect(w.findAll(tid('task-drawer-item')).map((i) => i.attributes('data-task-id'))).toEqual([bulk.id])

    await w.get(tid('task-dismiss')).trigger('click')
    expect(w.find(tid('task-drawer')).exists()).toBe(false)
  })
})
