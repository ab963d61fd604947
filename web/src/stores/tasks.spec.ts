import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { Task } from '@/api/types'
import { makeTask } from '@/modules/tasks/testing'
import { AUTO_HIDE_MS, drawerRule, isNewerTask, MAX_RECENT, mergeTask, sortTasks, useTaskStore } from './tasks'

const T0 = '2026-01-01T00:00:00.000001Z'
const T1 = '2026-01-01T00:00:00.000002Z'
const T2 = '2026-01-01T00:00:01Z'

beforeEach(() => {
  setActivePinia(createPinia())
  vi.useFakeTimers()
})
afterEach(() => vi.useRealTimers())

describe('task ordering', () => {
  const queued = makeTask({ id: 't', createdAt: T0 })
  const running = { ...queued, state: 'running' as const, startedAt: T1 }
  const done = { ...running, state: 'succeeded' as const, progress: 100, finishedAt: T2 }

  it('a task only moves forward: queued → running → ended', () => {
    expect(isNewerTask(running, queued)).toBe(true)
    expect(isNewerTask(done, running)).toBe(true)
    expect(isNewerTask(queued, running)).toBe(false)
    expect(isNewerTask(queued, done)).toBe(false)
    expect(isNewerTask(running, done)).toBe(false)
  })

  it('within a state, more progress and then a later timestamp win; an equal copy replaces', () => {
    const bulk = { ...running, kind: 'bulk.vm.pause' }
    expect(isNewerTask({ ...bulk, progress: 40 }, { ...bulk, progress: 20 })).toBe(true)
    expect(isNewerTask({ ...bulk, progress: 20 }, { ...bulk, progress: 40 })).toBe(false)
    // Sub-millisecond order of the server's timestamps counts.
    expect(isNewerTask({ ...queued, startedAt: T1 }, { ...queued, startedAt: T0 })).toBe(true)
    expect(isNewerTask({ ...queued, startedAt: T0 }, { ...queued, startedAt: T1 })).toBe(false)
    expect(isNewerTask(done, { ...done })).toBe(true)
  })

  it('mergeTask merges by id, never regresses, and keeps newest created first', () => {
    const older = makeTask({ id: 'a', createdAt: T0 })
    const newer = makeTask({ id: 'b', createdAt: T2 })
    let list: Task[] = mergeTask([], older)
    list = mergeTask(list, newer)
    expect(list.map((t) => t.id)).toEqual(['b', 'a'])
    list = mergeTask(list, { ...older, state: 'succeeded', finishedAt: T2 })
    expect(list).toHaveLength(2)
    expect(list[1]!.state).toBe('succeeded')
    // The 202 answer (queued) arriving after the "succeeded" event changes nothing.
    list = mergeTask(list, older)
    expect(list[1]!.state).toBe('succeeded')
    expect(sortTasks([older, newer]).map((t) => t.id)).toEqual(['b', 'a'])
  })

  it('drawer rules: running shows, succeeded hides by itself, failed stays', () => {
    expect(drawerRule({ state: 'queued' })).toBe('show')
    expect(drawerRule({ state: 'running' })).toBe('show')
    expect(drawerRule({ state: 'succeeded' })).toBe('autoHide')
    expect(drawerRule({ state: 'cancelled' })).toBe('autoHide')
    expect(drawerRule({ state: 'failed' })).toBe('keep')
  })
})

describe('useTaskStore', () => {
  it('shows only tasks started here; a succeeded one hides after AUTO_HIDE_MS', () => {
    const s = useTaskStore()
    const other = makeTask({ state: 'running' })
    s.upsert(other)
    expect(s.drawer).toEqual([])
    const mine = makeTask()
    s.track(mine)
    expect(s.drawer.map((t) => t.id)).toEqual([mine.id])
    s.upsert({ ...mine, state: 'running', startedAt: T1 })
    s.upsert({ ...mine, state: 'succeeded', progress: 100, startedAt: T1, finishedAt: T2 })
    expect(s.drawer[0]!.state).toBe('succeeded')
    vi.advanceTimersByTime(AUTO_HIDE_MS - 1)
    expect(s.drawer).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(s.drawer).toEqual([])
    // Still known (e.g. for the nav count), just not in the drawer.
    expect(s.get(mine.id)?.state).toBe('succeeded')
  })

  it('keeps failed tasks until dismissed', () => {
    const s = useTaskStore()
    const t = makeTask()
    s.track(t)
    s.upsert({ ...t, state: 'failed', error: 'cannot pause a VM that is shutoff', finishedAt: T2 })
    vi.advanceTimersByTime(60 * AUTO_HIDE_MS)
    expect(s.drawer.map((x) => x.error)).toEqual(['cannot pause a VM that is shutoff'])
    s.dismiss(t.id)
    expect(s.drawer).toEqual([])
  })

  it('an event that beats the 202 answer is kept, and the auto-hide starts on tracking', () => {
    const s = useTaskStore()
    const queued = makeTask()
    s.upsert({ ...queued, state: 'succeeded', progress: 100, finishedAt: T2 })
    s.track(queued, { children: 3 })
    expect(s.drawer[0]!.state).toBe('succeeded')
    expect(s.trackedInfo(queued.id)).toEqual({ children: 3 })
    vi.advanceTimersByTime(AUTO_HIDE_MS)
    expect(s.drawer).toEqual([])
  })

  it('knows the unfinished task of a VM and the unfinished tasks of ours', () => {
    const s = useTaskStore()
    const a = makeTask({ vmId: 'vm-1', state: 'running' })
    s.upsert(a)
    expect(s.activeFor('vm-1')?.id).toBe(a.id)
    expect(s.activeFor('vm-2')).toBeNull()
    s.track(makeTask({ vmId: 'vm-2' }))
    expect(s.unfinishedMine).toHaveLength(1)
    s.upsert({ ...a, state: 'succeeded', finishedAt: T2 })
    expect(s.activeFor('vm-1')).toBeNull()
  })

  it(`holds at most ${MAX_RECENT} tasks, dropping the oldest finished ones not in the drawer`, () => {
    const s = useTaskStore()
    const keep = makeTask({ id: 'mine', createdAt: '2020-01-01T00:00:00Z', state: 'failed' })
    s.track(keep)
    for (let i = 0; i < MAX_RECENT + 10; i++) {
      s.upsert(makeTask({ state: 'succeeded', createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString() }))
    }
    expect(s.tasks).toHaveLength(MAX_RECENT)
    expect(s.get('mine')).not.toBeNull()
  })
})
