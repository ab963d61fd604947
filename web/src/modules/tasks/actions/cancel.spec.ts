import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { flushPromises } from '@vue/test-utils'
import { ApiError } from '@/api/client'
import type { TaskState } from '@/api/types'
import { useTaskStore } from '@/stores/tasks'
import { tasksApi } from '../api'
import { makeTask } from '../testing'
import { canRun, remainingChildren, run } from './cancel'

beforeEach(() => {
  setActivePinia(createPinia())
  vi.restoreAllMocks()
})

describe('cancel canRun', () => {
  it('allows queued and running tasks only', () => {
    const states: TaskState[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled']
    expect(states.filter((state) => canRun({ state }).ok)).toEqual(['queued', 'running'])
    expect(canRun({ state: 'succeeded' })).toEqual({ ok: false, reason: 'The task has ended (succeeded)' })
  })
})

describe('remainingChildren', () => {
  const parent = makeTask({ kind: 'bulk.vm.shutdown', vmId: null, state: 'running', progress: 50 })
  const kids = (...states: TaskState[]) => states.map((state) => makeTask({ parentId: parent.id, state }))

  it('counts the children still queued or running when every child is known', () => {
    const known = [...kids('succeeded', 'failed', 'running', 'queued'), makeTask({ state: 'running' })]
    expect(remainingChildren(parent, known, 4)).toBe(2)
  })

  it('is unknown without the total, with children missing, with none left, or against the progress', () => {
    expect(remainingChildren(parent, kids('running', 'queued'), undefined)).toBeNull()
    expect(remainingChildren(parent, kids('running', 'queued'), 4)).toBeNull()
    expect(remainingChildren(parent, kids('succeeded', 'failed'), 2)).toBeNull()
    // 50 % finished of 4 leaves at most 2: a third unfinished child is a missed event.
    expect(remainingChildren(parent, kids('succeeded', 'running', 'running', 'queued'), 4)).toBeNull()
  })
})

describe('cancel run', () => {
  it('posts the cancel and merges the task as it is now', async () => {
    const task = makeTask({ state: 'queued' })
    const store = useTaskStore()
    store.track(task)
    const now = { ...task, state: 'running' as const, startedAt: '2026-01-01T00:00:01Z' }
    const spy = vi.spyOn(tasksApi, 'cancel').mockResolvedValue(now)
    await expect(run(task)).resolves.toEqual(now)
    expect(spy).toHaveBeenCalledWith(task.id)
    expect(store.get(task.id)?.state).toBe('running')
  })

  it('on 409 rethrows and reads the task again, as it has ended', async () => {
    const task = makeTask({ state: 'running' })
    const store = useTaskStore()
    store.upsert(task)
    vi.spyOn(tasksApi, 'cancel').mockRejectedValue(new ApiError(409, { code: 'action_not_allowed', message: 'ended' }))
    const ended = { ...task, state: 'succeeded' as const, progress: 100, finishedAt: '2026-01-01T00:00:02Z' }
    const get = vi.spyOn(tasksApi, 'get').mockResolvedValue(ended)
    await expect(run(task)).rejects.toMatchObject({ status: 409 })
    await flushPromises()
    expect(get).toHaveBeenCalledWith(task.id)
    expect(store.get(task.id)?.state).toBe('succeeded')
  })
})
