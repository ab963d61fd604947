import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Topology } from '@/api/types'
import { makeHost, wire } from '@/modules/hosts/testing'
import { fakeStream, inventoryChanged } from '@/modules/vms/testing'
import { createTopologyQuery, eventConcernsTopology, TOPOLOGY_DEBOUNCE_MS } from './queries'
import { makeTopologyHost, sampleTopology, topology } from './testing'

function deferred<T>() {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((res) => (resolve = res))
  return { promise, resolve }
}

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

describe('eventConcernsTopology', () => {
  it('VM, network and host events of the filtered host (or of any without a filter); nothing else', () => {
    const inv = inventoryChanged('host-a', ['vm'], 1)
    expect(eventConcernsTopology(inv, null)).toBe(true)
    expect(eventConcernsTopology(inv, 'host-a')).toBe(true)
    expect(eventConcernsTopology(inv, 'host-b')).toBe(false)
    expect(eventConcernsTopology(wire.upserted(makeHost({ id: 'host-b' })), 'host-b')).toBe(true)
    expect(eventConcernsTopology(wire.upserted(makeHost({ id: 'host-b' })), 'host-a')).toBe(false)
    expect(eventConcernsTopology(wire.state('host-a', 'disconnected'), 'host-a')).toBe(true)
    expect(eventConcernsTopology(wire.removed('host-a'), null)).toBe(true)
    expect(eventConcernsTopology({ type: 'taskUpdated' } as never, null)).toBe(false)
  })
})

describe('createTopologyQuery', () => {
  it('refetches once per burst of VM, network and host events, at once on reconnect, and stops when disposed', async () => {
    const get = vi.fn().mockResolvedValue(sampleTopology())
    const stream = fakeStream()
    const q = createTopologyQuery(() => null, { api: { get }, stream })
    await q.refetch()
    expect(get).toHaveBeenCalledTimes(1)
    expect(get).toHaveBeenLastCalledWith({})
    expect(q.state.loaded).toBe(true)
    expect(q.state.data?.hosts).toHaveLength(2)

    stream.emit(inventoryChanged('host-a', ['vm'], 1))
    stream.emit(inventoryChanged('host-b', [], 0, true))
    stream.emit(wire.state('host-b', 'connecting'))
    vi.advanceTimersByTime(TOPOLOGY_DEBOUNCE_MS - 1)
    expect(get).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(1)
    expect(get).toHaveBeenCalledTimes(2)

    stream.emit(wire.upserted(makeHost({ name: 'renamed' })))
    vi.advanceTimersByTime(TOPOLOGY_DEBOUNCE_MS)
    expect(get).toHaveBeenCalledTimes(3)
    stream.emit(wire.removed('host-a'))
    vi.advanceTimersByTime(TOPOLOGY_DEBOUNCE_MS)
    expect(get).toHaveBeenCalledTimes(4)

    stream.open()
    expect(get).toHaveBeenCalledTimes(5)

    q.dispose()
    expect(stream.listeners()).toBe(0)
    stream.emit(inventoryChanged('host-a', ['vm'], 1))
    vi.advanceTimersByTime(TOPOLOGY_DEBOUNCE_MS)
    expect(get).toHaveBeenCalledTimes(5)
  })

  it('with a host filter asks for that host only and ignores the events of other hosts', async () => {
    const get = vi.fn().mockResolvedValue(topology(makeTopologyHost({ id: 'host-a' })))
    const stream = fakeStream()
    let hostId: string | null = 'host-a'
    const q = createTopologyQuery(() => hostId, { api: { get }, stream })
    await q.refetch()
    expect(get).toHaveBeenLastCalledWith({ hostId: 'host-a' })
    stream.emit(inventoryChanged('host-b', ['vm'], 1))
    stream.emit(wire.state('host-b', 'error'))
    vi.advanceTimersByTime(TOPOLOGY_DEBOUNCE_MS)
    expect(get).toHaveBeenCalledTimes(1)
    stream.emit(inventoryChanged('host-a', [], 0, true))
    vi.advanceTimersByTime(TOPOLOGY_DEBOUNCE_MS)
    expect(get).toHaveBeenCalledTimes(2)

    // Another host: what is held is dropped until its answer comes.
    const next = deferred<Topology>()
    get.mockReturnValueOnce(next.promise)
    hostId = 'host-b'
    const p = q.refetch()
    expect(q.state).toMatchObject({ hostId: 'host-b', data: null, loaded: false, loading: true })
    next.resolve(topology(makeTopologyHost({ id: 'host-b' })))
    await p
    expect(q.state).toMatchObject({ hostId: 'host-b', loaded: true, loading: false })
    expect(q.state.data?.hosts[0]?.id).toBe('host-b')
    q.dispose()
  })

  it('the newest request wins; an error is kept with the last data', async () => {
    const first = deferred<Topology>()
    const get = vi.fn().mockReturnValueOnce(first.promise).mockResolvedValueOnce(sampleTopology())
    const q = createTopologyQuery(() => null, { api: { get }, stream: null })
    const p1 = q.refetch()
    await q.refetch()
    first.resolve(topology())
    await p1
    expect(q.state.data?.hosts).toHaveLength(2)

    get.mockRejectedValueOnce(new Error('server down'))
    await q.refetch()
    expect(q.state.error).toBe('server down')
    expect(q.state.data?.hosts).toHaveLength(2)
    expect(q.state.loading).toBe(false)
    q.dispose()
  })
})
