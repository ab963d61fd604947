import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { nextTick, ref } from 'vue'
import { ApiError } from '@/api/client'
import type { StatsRange } from '@/api/types'
import { RELEASE_DELAY_MS, useStatsStore } from '@/stores/stats'
import { appendLive, bindStatsStore, createStatsHistoryQuery, RANGE_REFRESH_MS, RECENT_MAX_POINTS } from './queries'
import { at, fakeStatsStream, fakeVisibility, makeHostStats, makeVmStats, point } from './testing'

const OFF = ['hosts', 'inventory', 'tasks']
const ON = ['hosts', 'inventory', 'tasks', 'stats']

beforeEach(() => {
  setActivePinia(createPinia())
  vi.useFakeTimers()
})
afterEach(() => vi.useRealTimers())

describe('bindStatsStore', () => {
  it('subscribes to `stats` only while the store is held, and fills the latest samples on start', async () => {
    const store = useStatsStore()
    const stream = fakeStatsStream()
    const listVmStats = vi.fn().mockResolvedValue([makeVmStats('a', 1)])
    const unbind = bindStatsStore(store, stream, { api: { listVmStats }, visibility: null })
    expect(stream.topics).toEqual([OFF])
    expect(listVmStats).not.toHaveBeenCalled()

    const release = store.acquire()
    expect(stream.topics.at(-1)).toEqual(ON)
    await vi.waitFor(() => expect(store.vm('a')).not.toBeNull())

    // Live events land in the store.
    stream.emit({ type: 'stats', host: makeHostStats('h', 2), vms: [makeVmStats('a', 2)] })
    expect(store.vm('a')?.cpuPercent).toBe(2)
    expect(store.host('h')?.cpuPercent).toBe(2)

    // A reconnect while live reads the latest again.
    stream.open()
    expect(listVmStats).toHaveBeenCalledTimes(2)

    release()
    vi.advanceTimersByTime(RELEASE_DELAY_MS)
    expect(stream.topics.at(-1)).toEqual(OFF)
    expect(store.vmRing('a').cpu).toEqual([]) // rings restart with the next subscription
    stream.open()
    expect(listVmStats).toHaveBeenCalledTimes(2) // not live: no fill

    unbind()
    expect(stream.listeners()).toBe(0)
  })

  it('drops the subscription while the page is hidden', () => {
    const store = useStatsStore()
    const stream = fakeStatsStream()
    const vis = fakeVisibility()
    const unbind = bindStatsStore(store, stream, { api: { listVmStats: vi.fn().mockResolvedValue([]) }, visibility: vis })
    store.acquire()
    expect(stream.topics.at(-1)).toEqual(ON)
    vis.set('hidden')
    expect(stream.topics.at(-1)).toEqual(OFF)
    vis.set('visible')
    expect(stream.topics.at(-1)).toEqual(ON)
    unbind()
    expect(vis.listeners()).toBe(0)
  })

  it('forgets hosts that disconnect or are removed', () => {
    const store = useStatsStore()
    const stream = fakeStatsStream()
    bindStatsStore(store, stream, { api: { listVmStats: vi.fn().mockResolvedValue([]) }, visibility: null })
    stream.emit({ type: 'stats', host: makeHostStats('h1', 1), vms: [makeVmStats('a', 1)] })
    stream.emit({ type: 'stats', host: makeHostStats('h2', 1), vms: [makeVmStats('b', 1)] })
    stream.emit({ type: 'hostState', hostId: 'h1', state: 'connected', at: at(2) })
    expect(store.vm('a')).not.toBeNull()
    stream.emit({ type: 'hostState', hostId: 'h1', state: 'disconnected', at: at(3) })
    expect(store.vm('a')).toBeNull()
    expect(store.host('h1')).toBeNull()
    stream.emit({ type: 'hostRemoved', hostId: 'h2' })
    expect(store.vm('b')).toBeNull()
  })
})

describe('appendLive', () => {
  it('appends only newer points (to the millisecond) and keeps at most `max`', () => {
    const pts = [point(1), point(2)]
    expect(appendLive(pts, point(2))).toBe(pts)
    expect(appendLive(pts, { at: '2026-01-01T00:00:02.000400Z' })).toBe(pts)
    expect(appendLive(pts, point(3)).map((p) => p.cpuPercent)).toEqual([1, 2, 3])
    expect(appendLive(pts, point(3), 2).map((p) => p.cpuPercent)).toEqual([2, 3])
    expect(appendLive([], point(1))).toHaveLength(1)
    expect(RECENT_MAX_POINTS).toBe(300)
  })
})

describe('createStatsHistoryQuery', () => {
  it('recent: loads the history, then appends every live sample of its VM', async () => {
    const store = useStatsStore()
    const vmHistory = vi.fn().mockResolvedValue({ latest: makeVmStats('a', 2), points: [point(1), point(2)] })
    const q = createStatsHistoryQuery('vm', () => 'a', ref<StatsRange>('recent'), { api: { vmHistory, hostHistory: vi.fn() }, store })
    await q.refetch()
    expect(vmHistory).toHaveBeenCalledWith('a', 'recent')
    expect(q.state.points.map((p) => p.cpuPercent)).toEqual([1, 2])

    store.applyTick(makeHostStats('h', 3), [makeVmStats('a', 3), makeVmStats('other', 3)])
    await nextTick()
    expect(q.state.points.map((p) => p.cpuPercent)).toEqual([1, 2, 3])
    expect(q.state.latest?.at).toBe(at(3))
    // A null sample (VM off) is a gap, not dropped.
    store.applyTick(makeHostStats('h', 4), [makeVmStats('a', 4, { cpuPercent: null, state: 'paused' })])
    await nextTick()
    expect(q.state.points.map((p) => p.cpuPercent)).toEqual([1, 2, 3, null])
    q.dispose()
  })

  it('a range of averages is not appended to, is read again periodically, and a change of range refetches', async () => {
    const store = useStatsStore()
    const range = ref<StatsRange>('hour')
    const hostHistory = vi.fn().mockResolvedValue({ latest: makeHostStats('h', 5), points: [point(0)] })
    const q = createStatsHistoryQuery('host', () => 'h', range, { api: { vmHistory: vi.fn(), hostHistory }, store })
    await q.refetch()
    expect(hostHistory).toHaveBeenLastCalledWith('h', 'hour')
    // The host's latest sample reaches the store (dashboards and lists see it too).
    expect(store.host('h')?.cpuPercent).toBe(5)
    store.applyTick(makeHostStats('h', 6), [])
    await nextTick()
    expect(q.state.points).toHaveLength(1)
    expect(q.state.latest?.cpuPercent).toBe(6)

    vi.advanceTimersByTime(RANGE_REFRESH_MS.hour)
    expect(hostHistory).toHaveBeenCalledTimes(2)

    range.value = 'week'
    await nextTick()
    expect(hostHistory).toHaveBeenLastCalledWith('h', 'week')
    q.dispose()
    vi.advanceTimersByTime(RANGE_REFRESH_MS.week * 2)
    expect(hostHistory).toHaveBeenCalledTimes(3)
  })

  it('reports errors and keeps only the newest answer', async () => {
    const store = useStatsStore()
    const range = ref<StatsRange>('recent')
    let resolveFirst!: (v: unknown) => void
    const vmHistory = vi
      .fn()
      .mockImplementationOnce(() => new Promise((r) => (resolveFirst = r)))
      .mockResolvedValueOnce({ latest: null, points: [point(9)] })
      .mockRejectedValueOnce(new ApiError(404, { code: 'vm_not_found', message: 'no such VM' }))
    const q = createStatsHistoryQuery('vm', () => 'a', range, { api: { vmHistory, hostHistory: vi.fn() }, store })
    const first = q.refetch()
    await q.refetch()
    resolveFirst({ latest: null, points: [point(1)] })
    await first
    expect(q.state.points.map((p) => p.cpuPercent)).toEqual([9])
    await q.refetch()
    expect(q.state.error).toBe('no such VM')
    expect(q.state.points.map((p) => p.cpuPercent)).toEqual([9])
    q.dispose()
  })
})
