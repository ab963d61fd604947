import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { LocationQuery } from 'vue-router'
import { filterFromQuery, queryFromFilter } from './routeQuery'
import { SORT_KEYS } from './sorting'
import { ApiError } from '@/api/client'
import type { VmDetail, VmList } from '@/api/types'
import {
  createHostVmCountsQuery,
  createVmCountsCache,
  createVmStateCountsQuery,
  SUMMARY_DEBOUNCE_MS,
  createNicKindsQuery,
  createVmDetailQuery,
  createVmListQuery,
  eventConcernsList,
  eventConcernsVm,
  invalidateVmQueries,
  toListQuery,
  defaultFilter,
} from './queries'
import { fakeStream, inventoryChanged, MACVTAP_KIND, makeVm, page } from './testing'

function deferred<T>() {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((res) => (resolve = res))
  return { promise, resolve }
}

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

describe('pure helpers', () => {
  it('toListQuery leaves out empty filters', () => {
    expect(toListQuery(defaultFilter())).toEqual({ sort: 'name', page: 1, perPage: 50 })
    expect(toListQuery(defaultFilter({ hostId: 'h', state: 'running', q: '  web ', page: 3, perPage: 200, sort: 'memory' }))).toEqual({
      hostId: 'h',
      state: 'running',
      q: 'web',
      sort: 'memory',
      page: 3,
      perPage: 200,
    })
  })

  it('the URL keeps every filter, the dismissed toggle and each sort order', () => {
    for (const sort of SORT_KEYS) {
      const f = defaultFilter({ hostId: 'h', state: 'paused', q: 'web', page: 2, perPage: 100, sort, dismissed: true })
      expect({ ...defaultFilter(), ...filterFromQuery(queryFromFilter(f) as LocationQuery) }).toEqual(f)
    }
    expect(queryFromFilter(defaultFilter())).toEqual({})
    expect(filterFromQuery({ sort: 'bogus', dismissed: 'yes' })).toEqual({})
  })

  it('eventConcernsList: host filter and VM-less events', () => {
    expect(eventConcernsList(inventoryChanged('a', ['x']), { hostId: null })).toBe(true)
    expect(eventConcernsList(inventoryChanged('a', ['x']), { hostId: 'a' })).toBe(true)
    expect(eventConcernsList(inventoryChanged('a', ['x']), { hostId: 'b' })).toBe(false)
    expect(eventConcernsList(inventoryChanged('a', [], 0, true), { hostId: null })).toBe(false)
    expect(eventConcernsList(inventoryChanged('a', [], 250), { hostId: null })).toBe(true)
  })

  it('eventConcernsVm: its id, or a truncated id list of its host', () => {
    const vm = { id: 'v1', hostId: 'a' }
    expect(eventConcernsVm(inventoryChanged('a', ['v1']), vm)).toBe(true)
    expect(eventConcernsVm(inventoryChanged('a', ['v2']), vm)).toBe(false)
    expect(eventConcernsVm(inventoryChanged('a', ['v2'], 101), vm)).toBe(true)
    expect(eventConcernsVm(inventoryChanged('b', ['v1']), vm)).toBe(false)
  })
})

describe('createVmListQuery', () => {
  it('fetches a page with the filter and calls the right endpoint', async () => {
    const a = makeVm({ name: 'a' })
    const listDiscovered = vi.fn().mockResolvedValue(page([a], 1))
    const listManaged = vi.fn()
    const q = createVmListQuery('discovered', { api: { listDiscovered, listManaged }, filter: { hostId: 'h1' } })
    await q.refetch()
    expect(listManaged).not.toHaveBeenCalled()
    expect(listDiscovered).toHaveBeenCalledWith({ hostId: 'h1', sort: 'name', page: 1, perPage: 50 })
    expect(q.state).toMatchObject({ items: [a], total: 1, loaded: true, error: null })
  })

  it('refetches (debounced) on inventoryChanged; ignores other hosts and network-only changes', async () => {
    const stream = fakeStream()
    const listManaged = vi.fn().mockResolvedValue(page([]))
    const q = createVmListQuery('managed', { api: { listManaged, listDiscovered: vi.fn() }, stream, filter: { hostId: 'a' } })
    await q.refetch()
    expect(listManaged).toHaveBeenCalledTimes(1)

    // A burst of events coalesces into one request 300 ms after the last one.
    stream.emit(inventoryChanged('a', ['v1']))
    await vi.advanceTimersByTimeAsync(200)
    stream.emit(inventoryChanged('a', ['v2']))
    await vi.advanceTimersByTimeAsync(299)
    expect(listManaged).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(listManaged).toHaveBeenCalledTimes(2)

    stream.emit(inventoryChanged('b', ['v3'])) // other host: filtered out
    stream.emit(inventoryChanged('a', [], 0, true)) // only networks/pools changed
    await vi.advanceTimersByTimeAsync(1000)
    expect(listManaged).toHaveBeenCalledTimes(2)

    stream.emit(inventoryChanged('a', ['v1'], 500)) // truncated id list
    await vi.advanceTimersByTimeAsync(300)
    expect(listManaged).toHaveBeenCalledTimes(3)

    // Host removed and stream reconnect refetch too.
    stream.emit({ type: 'hostRemoved', hostId: 'a' })
    await vi.advanceTimersByTimeAsync(300)
    expect(listManaged).toHaveBeenCalledTimes(4)
    stream.open()
    expect(listManaged).toHaveBeenCalledTimes(5)

    q.dispose()
    expect(stream.listeners()).toBe(0)
    stream.emit(inventoryChanged('a', ['v1']))
    await vi.advanceTimersByTimeAsync(1000)
    expect(listManaged).toHaveBeenCalledTimes(5)
  })

  it('a new discovered VM appears after its inventoryChanged event', async () => {
    const stream = fakeStream()
    const vm = makeVm({ name: 'test' })
    const listDiscovered = vi.fn().mockResolvedValueOnce(page([])).mockResolvedValueOnce(page([vm]))
    const q = createVmListQuery('discovered', { api: { listDiscovered, listManaged: vi.fn() }, stream })
    await q.refetch()
    expect(q.state.items).toEqual([])
    stream.emit(inventoryChanged(vm.hostId, [vm.id]))
    await vi.advanceTimersByTimeAsync(300)
    expect(q.state.items).toEqual([vm])
    q.dispose()
  })

  it('setFilter resets the page unless the page itself changes', async () => {
    const listManaged = vi.fn().mockResolvedValue(page([makeVm()], 300))
    const q = createVmListQuery('managed', { api: { listManaged, listDiscovered: vi.fn() } })
    await q.setFilter({ page: 3 })
    expect(q.filter.page).toBe(3)
    await q.setFilter({ q: 'web' })
    expect(q.filter.page).toBe(1)
    expect(listManaged).toHaveBeenLastCalledWith({ sort: 'name', page: 1, perPage: 50, q: 'web' })
  })

  it('keeps only the newest answer when requests overlap', async () => {
    const d1 = deferred<VmList>()
    const d2 = deferred<VmList>()
    const listManaged = vi.fn().mockReturnValueOnce(d1.promise).mockReturnValueOnce(d2.promise)
    const q = createVmListQuery('managed', { api: { listManaged, listDiscovered: vi.fn() } })
    const p1 = q.setFilter({ q: 'old' })
    const p2 = q.setFilter({ q: 'new' })
    const fresh = makeVm({ name: 'new' })
    d2.resolve(page([fresh]))
    d1.resolve(page([makeVm({ name: 'old' })]))
    await Promise.all([p1, p2])
    expect(q.state.items).toEqual([fresh])
    expect(q.state.loading).toBe(false)
  })

  it('goes back to the last page when the current one emptied', async () => {
    const vm = makeVm()
    const listManaged = vi
      .fn()
      .mockResolvedValueOnce(page([], 120, 4, 50))
      .mockResolvedValueOnce(page([vm], 120, 3, 50))
    const q = createVmListQuery('managed', { api: { listManaged, listDiscovered: vi.fn() }, filter: { page: 4 } })
    await q.refetch()
    expect(q.filter.page).toBe(3)
    expect(q.state.items).toEqual([vm])
  })

  it('reports errors and keeps the previous page', async () => {
    const vm = makeVm()
    const listManaged = vi
      .fn()
      .mockResolvedValueOnce(page([vm]))
      .mockRejectedValueOnce(new ApiError(400, { code: 'invalid_query', message: 'perPage must be 1–500' }))
    const q = createVmListQuery('managed', { api: { listManaged, listDiscovered: vi.fn() } })
    await q.refetch()
    await q.refetch()
    expect(q.state.items).toEqual([vm])
    expect(q.state.error).toBe('perPage must be 1–500')
  })

  it('invalidateVmQueries refetches every live query immediately', async () => {
    const listManaged = vi.fn().mockResolvedValue(page([]))
    const listDiscovered = vi.fn().mockResolvedValue(page([]))
    const a = createVmListQuery('managed', { api: { listManaged, listDiscovered } })
    const b = createVmListQuery('discovered', { api: { listManaged, listDiscovered } })
    invalidateVmQueries()
    expect(listManaged).toHaveBeenCalledTimes(1)
    expect(listDiscovered).toHaveBeenCalledTimes(1)
    a.dispose()
    b.dispose()
    invalidateVmQueries()
    expect(listManaged).toHaveBeenCalledTimes(1)
  })
})

describe('createVmDetailQuery', () => {
  const vm = makeVm({ id: 'v1', hostId: 'a' })
  const detail: VmDetail = { vm, bootDevices: ['hd'], disks: [], nics: [], graphics: [], consoles: [], hardware: { cpuTopology: null, onPoweroff: null, onReboot: null, onCrash: null, video: null, tpm: null, hostDevices: [] } }

  it('refetches when an event names the VM (or its host list is truncated), not for others', async () => {
    const stream = fakeStream()
    const get = vi.fn().mockResolvedValue(detail)
    const q = createVmDetailQuery(() => 'v1', { api: { get }, stream })
    await q.refetch()
    expect(q.state.detail).toEqual(detail)

    stream.emit(inventoryChanged('a', ['v2']))
    stream.emit(inventoryChanged('b', ['v1']))
    await vi.advanceTimersByTimeAsync(1000)
    expect(get).toHaveBeenCalledTimes(1)

    stream.emit(inventoryChanged('a', ['v2', 'v1']))
    await vi.advanceTimersByTimeAsync(300)
    expect(get).toHaveBeenCalledTimes(2)

    stream.emit(inventoryChanged('a', ['v2'], 150))
    await vi.advanceTimersByTimeAsync(300)
    expect(get).toHaveBeenCalledTimes(3)
    q.dispose()
  })

  it('vm_not_found marks the VM as not found', async () => {
    const get = vi.fn().mockRejectedValue(new ApiError(404, { code: 'vm_not_found', message: 'no such VM' }))
    const q = createVmDetailQuery(() => 'v9', { api: { get } })
    await q.refetch()
    expect(q.state).toMatchObject({ detail: null, notFound: true, error: null })
    q.dispose()
  })
})

describe('createVmCountsCache', () => {
  it('reads totals with perPage=1 and refreshes on inventory events', async () => {
    const stream = fakeStream()
    const listManaged = vi.fn().mockResolvedValue(page([], 7))
    const listDiscovered = vi.fn().mockResolvedValueOnce(page([], 3)).mockResolvedValueOnce(page([], 2))
    const c = createVmCountsCache({ listManaged, listDiscovered })
    const unbind = c.bind(stream)
    await c.refetch()
    expect(listManaged).toHaveBeenCalledWith({ perPage: 1 })
    expect(c.state).toMatchObject({ managed: 7, discovered: 3 })
    stream.emit(inventoryChanged('a', ['x']))
    await vi.advanceTimersByTimeAsync(300)
    expect(c.state.discovered).toBe(2)
    unbind()
  })
})

describe('dashboard summaries', () => {
  it('createVmStateCountsQuery: running, stopped and the rest from three totals; refreshed on events', async () => {
    const listManaged = vi.fn((q: { state?: string }) =>
      Promise.resolve(page([], q.state === 'running' ? 5 : q.state === 'shutoff' ? 3 : 10)),
    )
    const stream = fakeStream()
    const q = createVmStateCountsQuery({ api: { listManaged, listDiscovered: vi.fn() }, stream })
    await q.refetch()
    expect(listManaged).toHaveBeenCalledWith({ perPage: 1 })
    expect(listManaged).toHaveBeenCalledWith({ state: 'running', perPage: 1 })
    expect(listManaged).toHaveBeenCalledWith({ state: 'shutoff', perPage: 1 })
    expect(q.state.counts).toEqual({ total: 10, running: 5, stopped: 3, other: 2 })
    stream.emit(inventoryChanged('a', ['x']))
    stream.emit(inventoryChanged('a', ['y']))
    vi.advanceTimersByTime(SUMMARY_DEBOUNCE_MS)
    expect(listManaged).toHaveBeenCalledTimes(6)
    q.dispose()
    expect(stream.listeners()).toBe(0)
  })

  it('createHostVmCountsQuery: one request for the fleet, by host id; refreshed on events', async () => {
    const counts = (vms: number) => [
      { hostId: 'a', vms, running: 1, shutoff: vms - 1, managed: 0, discovered: vms, active: 1, vcpus: vms, memoryBytes: vms << 30, activeVcpus: 1, activeMemoryBytes: 1 << 30 },
    ]
    const countsByHost = vi.fn().mockResolvedValueOnce(counts(2)).mockResolvedValueOnce(counts(3))
    const stream = fakeStream()
    const q = createHostVmCountsQuery({ api: { countsByHost }, stream })
    expect(q.state.loaded).toBe(false)
    await q.refetch()
    expect(q.state.loaded).toBe(true)
    expect(q.state.byHost.get('a')).toMatchObject({ vms: 2, running: 1 })
    expect(q.state.byHost.has('b')).toBe(false)
    stream.emit(inventoryChanged('a', ['x']))
    vi.advanceTimersByTime(SUMMARY_DEBOUNCE_MS)
    await vi.waitFor(() => expect(q.state.byHost.get('a')?.vms).toBe(3))
    expect(countsByHost).toHaveBeenCalledTimes(2)
    q.dispose()
    expect(stream.listeners()).toBe(0)
  })
})

describe('createNicKindsQuery', () => {
  it('lists the kinds; keeps the last list on an error; a reconnect refetches only while enabled', async () => {
    const stream = fakeStream()
    const nicKinds = vi.fn().mockResolvedValue({ items: [MACVTAP_KIND] })
    let enabled = true
    const q = createNicKindsQuery({ api: { nicKinds }, stream, enabled: () => enabled })
    expect(q.state).toMatchObject({ items: [], loaded: false })
    await q.refetch()
    expect(q.state).toMatchObject({ items: [MACVTAP_KIND], loaded: true, loading: false, error: null })

    nicKinds.mockRejectedValueOnce(new ApiError(500, { code: 'internal', message: 'boom' }))
    await q.refetch()
    expect(q.state).toMatchObject({ items: [MACVTAP_KIND], error: 'boom' })

    nicKinds.mockResolvedValue({ items: [] })
    stream.open()
    await vi.waitFor(() => expect(q.state.items).toEqual([]))
    expect(q.state.error).toBeNull()
    expect(nicKinds).toHaveBeenCalledTimes(3)
    enabled = false
    stream.open()
    expect(nicKinds).toHaveBeenCalledTimes(3)
    q.dispose()
    expect(stream.listeners()).toBe(0)
  })

  it('keeps only the newest answer when requests overlap', async () => {
    const first = deferred<{ items: (typeof MACVTAP_KIND)[] }>()
    const nicKinds = vi.fn().mockReturnValueOnce(first.promise).mockResolvedValueOnce({ items: [] })
    const q = createNicKindsQuery({ api: { nicKinds } })
    const a = q.refetch()
    await q.refetch()
    first.resolve({ items: [MACVTAP_KIND] })
    await a
    expect(q.state.items).toEqual([])
  })
})
