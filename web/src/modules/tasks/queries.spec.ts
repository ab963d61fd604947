import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { Task, TaskList } from '@/api/types'
import { useTaskStore } from '@/stores/tasks'
import { fakeStream } from '@/modules/vms/testing'
import { bindTaskStore, createTaskListQuery, defaultTaskFilter, recentTasks, taskMatches, toTaskQuery, useRecentTasks } from './queries'
import { makeTask, taskPage } from './testing'

const updated = (task: Task) => ({ type: 'taskUpdated' as const, task })

function deferred<T>() {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((res) => (resolve = res))
  return { promise, resolve }
}

beforeEach(() => {
  setActivePinia(createPinia())
  vi.useFakeTimers()
})
afterEach(() => vi.useRealTimers())

describe('pure helpers', () => {
  it('toTaskQuery: top-level by default, children included for a VM', () => {
    expect(toTaskQuery(defaultTaskFilter())).toEqual({ page: 1, perPage: 50 })
    expect(toTaskQuery(defaultTaskFilter({ state: 'failed', vmId: 'v', page: 2 }))).toEqual({
      state: 'failed',
      vmId: 'v',
      includeChildren: true,
      page: 2,
      perPage: 50,
    })
    expect(toTaskQuery(defaultTaskFilter({ parentId: 'p' }))).toEqual({ parentId: 'p', page: 1, perPage: 50 })
  })

  it('taskMatches mirrors the server filters', () => {
    const top = makeTask({ vmId: 'v', state: 'running' })
    const child = makeTask({ vmId: 'v', parentId: 'p' })
    expect(taskMatches(top, defaultTaskFilter())).toBe(true)
    expect(taskMatches(child, defaultTaskFilter())).toBe(false)
    expect(taskMatches(child, defaultTaskFilter({ vmId: 'v' }))).toBe(true)
    expect(taskMatches(child, defaultTaskFilter({ parentId: 'p' }))).toBe(true)
    expect(taskMatches(top, defaultTaskFilter({ state: 'failed' }))).toBe(false)
    expect(taskMatches(top, defaultTaskFilter({ vmId: 'w' }))).toBe(false)
  })
})

describe('createTaskListQuery', () => {
  it('updates shown tasks in place from events, never to an older copy', async () => {
    const t = makeTask({ state: 'running', startedAt: '2026-01-01T00:00:01Z' })
    const list = vi.fn().mockResolvedValue(taskPage([t]))
    const stream = fakeStream()
    const q = createTaskListQuery({ api: { list }, stream })
    await q.refetch()
    stream.emit(updated({ ...t, state: 'succeeded', progress: 100, finishedAt: '2026-01-01T00:00:02Z' }))
    expect(q.state.items[0]!.state).toBe('succeeded')
    stream.emit(updated({ ...t, state: 'queued' }))
    expect(q.state.items[0]!.state).toBe('succeeded')
    vi.advanceTimersByTime(1000)
    expect(list).toHaveBeenCalledTimes(1) // nothing new: no refetch
    q.dispose()
  })

  it('refetches (debounced) for a new task on the first page, not for children or other pages', async () => {
    const list = vi.fn().mockResolvedValue(taskPage([]))
    const stream = fakeStream()
    const q = createTaskListQuery({ api: { list }, stream, debounceMs: 100 })
    await q.refetch()
    stream.emit(updated(makeTask()))
    stream.emit(updated(makeTask()))
    stream.emit(updated(makeTask({ parentId: 'p' })))
    vi.advanceTimersByTime(100)
    expect(list).toHaveBeenCalledTimes(2)
    await q.setFilter({ page: 3 })
    list.mockClear()
    stream.emit(updated(makeTask()))
    vi.advanceTimersByTime(100)
    expect(list).not.toHaveBeenCalled()
    q.dispose()
    expect(stream.listeners()).toBe(0)
  })

  it('refetches when a shown task leaves the state filter', async () => {
    const t = makeTask({ state: 'running' })
    const list = vi.fn().mockResolvedValue(taskPage([t]))
    const stream = fakeStream()
    const q = createTaskListQuery({ api: { list }, stream, debounceMs: 10, filter: { state: 'running' } })
    await q.refetch()
    stream.emit(updated({ ...t, state: 'succeeded' }))
    vi.advanceTimersByTime(10)
    expect(list).toHaveBeenCalledTimes(2)
    expect(list).toHaveBeenLastCalledWith({ state: 'running', page: 1, perPage: 50 })
    q.dispose()
  })

  it('an answer older than events received meanwhile does not undo them', async () => {
    const t = makeTask({ state: 'running' })
    const d = deferred<TaskList>()
    const list = vi.fn().mockReturnValue(d.promise)
    const stream = fakeStream()
    const q = createTaskListQuery({ api: { list }, stream })
    const p = q.refetch()
    stream.emit(updated({ ...t, state: 'failed', error: 'boom' }))
    d.resolve(taskPage([t]))
    await p
    expect(q.state.items[0]).toMatchObject({ state: 'failed', error: 'boom' })
    q.dispose()
  })

  it('refetches after every reconnect', async () => {
    const list = vi.fn().mockResolvedValue(taskPage([]))
    const stream = fakeStream()
    const q = createTaskListQuery({ api: { list }, stream })
    stream.open()
    expect(list).toHaveBeenCalledTimes(1)
    q.dispose()
  })
})

describe('bindTaskStore', () => {
  it('feeds events into the store and re-reads our unfinished tasks after a reconnect', async () => {
    const store = useTaskStore()
    const stream = fakeStream()
    const mine = makeTask()
    store.track(mine)
    const done = { ...mine, state: 'succeeded' as const, progress: 100, finishedAt: '2026-01-01T00:00:05Z' }
    const get = vi.fn().mockResolvedValue(done)
    const off = bindTaskStore(store, stream, { get })
    const other = makeTask({ state: 'running' })
    stream.emit(updated(other))
    expect(store.get(other.id)?.state).toBe('running')
    stream.open()
    expect(get).toHaveBeenCalledWith(mine.id)
    await vi.waitFor(() => expect(store.get(mine.id)?.state).toBe('succeeded'))
    off()
    expect(stream.listeners()).toBe(0)
  })
})

describe('recent tasks', () => {
  it('recentTasks merges the fetched page with live tasks: newest copy wins, children left out, newest first', () => {
    const a = makeTask({ id: 'a', createdAt: '2026-01-01T00:00:01Z' })
    const b = makeTask({ id: 'b', createdAt: '2026-01-01T00:00:02Z' })
    const c = makeTask({ id: 'c', createdAt: '2026-01-01T00:00:03Z', state: 'running' })
    const child = makeTask({ id: 'k', createdAt: '2026-01-01T00:00:09Z', parentId: 'c' })
    const doneA = { ...a, state: 'succeeded' as const, finishedAt: '2026-01-01T00:00:05Z' }
    expect(recentTasks([b, a], [doneA, c, child, { ...b }], 10).map((t) => `${t.id}:${t.state}`)).toEqual(['c:running', 'b:queued', 'a:succeeded'])
    // A stale live copy does not win over a newer fetched one.
    expect(recentTasks([doneA], [a], 10)[0]!.state).toBe('succeeded')
    expect(recentTasks([b, a], [c], 2).map((t) => t.id)).toEqual(['c', 'b'])
  })

  it('useRecentTasks reads one page and follows the task store', async () => {
    const list = vi.fn().mockResolvedValue(taskPage([makeTask({ id: 'old', createdAt: '2026-01-01T00:00:01Z' })]))
    const stream = fakeStream()
    const r = useRecentTasks(10, { list }, stream)
    await vi.waitFor(() => expect(r.loaded.value).toBe(true))
    expect(list).toHaveBeenCalledWith({ perPage: 10 })
    useTaskStore().upsert(makeTask({ id: 'new', createdAt: '2026-01-01T00:00:02Z' }))
    expect(r.items.value.map((t) => t.id)).toEqual(['new', 'old'])
    stream.open()
    expect(list).toHaveBeenCalledTimes(2)
  })
})
