import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { NetworkList } from '@/api/types'
import { fakeStream, inventoryChanged } from '@/modules/vms/testing'
import { makeHost, wire } from '@/modules/hosts/testing'
import {
  createHostNetworksQuery,
  createNetworkKindsQuery,
  createNetworkListQuery,
  defaultNetworkFilter,
  hostsOf,
  isNetworkFiltered,
  networkMatches,
  NETWORK_DEBOUNCE_MS,
  removeNetwork,
  sortNetworks,
  upsertNetwork,
  visibleNetworks,
} from './queries'
import { networkFilterFromQuery, queryFromNetworkFilter } from './routeQuery'
import { MACVTAP_NETWORK_KIND, makeNetwork, networkList } from './testing'

function deferred<T>() {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((res) => (resolve = res))
  return { promise, resolve }
}

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

describe('filters and sort', () => {
  const a1 = makeNetwork({ hostId: 'a', hostName: 'alpha', name: 'lan', bridge: 'br0', usedBy: 1 })
  const a2 = makeNetwork({ hostId: 'a', hostName: 'alpha', name: 'default', bridge: 'virbr0', usedBy: 5 })
  const b1 = makeNetwork({ hostId: 'b', hostName: 'Beta', name: 'isolated', bridge: null, usedBy: 0 })
  const all = [b1, a1, a2]

  it('text matches name, bridge or host name, in any case', () => {
    const q = (text: string) => all.filter((n) => networkMatches(n, { hostId: null, q: text })).map((n) => n.name)
    expect(q('LAN')).toEqual(['lan'])
    expect(q('virbr')).toEqual(['default'])
    expect(q('beta')).toEqual(['isolated'])
    expect(q('  ')).toEqual(['isolated', 'lan', 'default'])
    expect(q('nothing')).toEqual([])
  })

  it('host filter keeps that host only', () => {
    expect(all.filter((n) => networkMatches(n, { hostId: 'a', q: '' })).map((n) => n.name)).toEqual(['lan', 'default'])
    expect(networkMatches(a1, { hostId: 'a', q: 'isolated' })).toBe(false)
    expect(isNetworkFiltered({ hostId: null, q: ' ' })).toBe(false)
    expect(isNetworkFiltered({ hostId: 'a', q: '' })).toBe(true)
  })

  it('sorts by host then name, by name, or most used first', () => {
    expect(sortNetworks(all, 'host').map((n) => n.name)).toEqual(['default', 'lan', 'isolated'])
    expect(sortNetworks(all, 'name').map((n) => n.name)).toEqual(['default', 'isolated', 'lan'])
    expect(sortNetworks(all, 'users').map((n) => n.name)).toEqual(['default', 'lan', 'isolated'])
    expect(all.map((n) => n.name)).toEqual(['isolated', 'lan', 'default']) // not sorted in place
    expect(visibleNetworks(all, defaultNetworkFilter({ q: 'a', sort: 'name' })).map((n) => n.name)).toEqual(['default', 'isolated', 'lan'])
  })

  it('lists the hosts of the networks once each, by name', () => {
    expect(hostsOf(all)).toEqual([
      { id: 'a', name: 'alpha' },
      { id: 'b', name: 'Beta' },
    ])
  })

  it('round-trips the filter through the URL query', () => {
    const f = defaultNetworkFilter({ hostId: 'h1', q: ' ovs ', sort: 'users' })
    expect(queryFromNetworkFilter(f)).toEqual({ hostId: 'h1', q: 'ovs', sort: 'users' })
    expect(queryFromNetworkFilter(defaultNetworkFilter())).toEqual({})
    expect(networkFilterFromQuery({ hostId: 'h1', q: 'ovs', sort: 'bogus' })).toEqual({ hostId: 'h1', q: 'ovs' })
  })
})

describe('createNetworkListQuery', () => {
  it('refetches once per burst of inventory and host events, at once on reconnect', async () => {
    const list = vi.fn().mockResolvedValue(networkList([makeNetwork()]))
    const stream = fakeStream()
    const q = createNetworkListQuery({ api: { list }, stream })
    await q.refetch()
    expect(list).toHaveBeenCalledTimes(1)
    expect(q.state.loaded).toBe(true)

    stream.emit(inventoryChanged('host-a', [], 0, true))
    stream.emit(inventoryChanged('host-b', ['vm'], 1))
    vi.advanceTimersByTime(NETWORK_DEBOUNCE_MS - 1)
    expect(list).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(1)
    expect(list).toHaveBeenCalledTimes(2)

    stream.emit(wire.upserted(makeHost({ name: 'renamed' })))
    vi.advanceTimersByTime(NETWORK_DEBOUNCE_MS)
    expect(list).toHaveBeenCalledTimes(3)
    stream.emit(wire.removed('host-a'))
    vi.advanceTimersByTime(NETWORK_DEBOUNCE_MS)
    expect(list).toHaveBeenCalledTimes(4)
    // Events this list does not depend on.
    stream.emit(wire.state('host-a', 'connecting'))
    vi.advanceTimersByTime(NETWORK_DEBOUNCE_MS)
    expect(list).toHaveBeenCalledTimes(4)

    stream.open()
    expect(list).toHaveBeenCalledTimes(5)

    q.dispose()
    expect(stream.listeners()).toBe(0)
    stream.emit(inventoryChanged('host-a', [], 0, true))
    vi.advanceTimersByTime(NETWORK_DEBOUNCE_MS)
    expect(list).toHaveBeenCalledTimes(5)
  })

  it('keeps the answer of the newest request and reports errors', async () => {
    const first = deferred<NetworkList>()
    const list = vi.fn().mockReturnValueOnce(first.promise).mockResolvedValueOnce(networkList([makeNetwork({ name: 'new' })]))
    const q = createNetworkListQuery({ api: { list }, stream: null })
    const p1 = q.refetch()
    await q.refetch()
    first.resolve(networkList([makeNetwork({ name: 'old' })]))
    await p1
    expect(q.state.items.map((n) => n.name)).toEqual(['new'])
    expect(q.state.loading).toBe(false)

    list.mockRejectedValueOnce(new Error('boom'))
    await q.refetch()
    expect(q.state.error).toBe('boom')
    expect(q.state.items.map((n) => n.name)).toEqual(['new'])
  })
})

describe('createHostNetworksQuery (one host’s networks, for the NIC dialogs)', () => {
  it('asks for the host’s networks only, sorted by name, and nothing without a host', async () => {
    const list = vi.fn().mockResolvedValue(networkList([makeNetwork({ name: 'lan' }), makeNetwork({ name: 'default' })]))
    let hostId: string | null = null
    const q = createHostNetworksQuery(() => hostId, { api: { list }, stream: null })
    await q.refetch()
    expect(list).not.toHaveBeenCalled()
    expect(q.state.items).toEqual([])

    hostId = 'host-a'
    await q.refetch()
    expect(list).toHaveBeenCalledExactlyOnceWith({ hostId: 'host-a' })
    expect(q.state.items.map((n) => n.name)).toEqual(['default', 'lan'])
    expect(q.state).toMatchObject({ hostId: 'host-a', loaded: true, error: null })

    // Another host: the old host's networks are not shown meanwhile.
    const next = deferred<NetworkList>()
    list.mockReturnValueOnce(next.promise)
    hostId = 'host-b'
    const p = q.refetch()
    expect(q.state).toMatchObject({ hostId: 'host-b', items: [], loaded: false, loading: true })
    next.resolve(networkList([makeNetwork({ hostId: 'host-b', name: 'b-net' })]))
    await p
    expect(q.state.items.map((n) => n.name)).toEqual(['b-net'])
  })

  it('refetches on its host’s network changes and reconnects only', async () => {
    const list = vi.fn().mockResolvedValue(networkList([]))
    const stream = fakeStream()
    const q = createHostNetworksQuery(() => 'host-a', { api: { list }, stream })
    await q.refetch()
    expect(list).toHaveBeenCalledTimes(1)

    // VMs only, or another host: not ours.
    stream.emit(inventoryChanged('host-a', ['vm'], 1, false))
    stream.emit(inventoryChanged('host-b', [], 0, true))
    stream.emit(wire.upserted(makeHost({ id: 'host-b' })))
    vi.advanceTimersByTime(NETWORK_DEBOUNCE_MS)
    expect(list).toHaveBeenCalledTimes(1)

    stream.emit(inventoryChanged('host-a', [], 0, true))
    stream.emit(wire.upserted(makeHost({ id: 'host-a' })))
    vi.advanceTimersByTime(NETWORK_DEBOUNCE_MS)
    expect(list).toHaveBeenCalledTimes(2)

    stream.open()
    expect(list).toHaveBeenCalledTimes(3)
    q.dispose()
    expect(stream.listeners()).toBe(0)
  })
})

describe('local changes from action answers', () => {
  it('replace a network by host and name, add an unknown one, drop a deleted one', () => {
    const a = makeNetwork({ hostId: 'h1', name: 'lan', active: true })
    const b = makeNetwork({ hostId: 'h2', name: 'lan', active: true })
    const list = [a, b]
    const stopped = { ...a, active: false }
    expect(upsertNetwork(list, stopped)).toEqual([stopped, b])
    expect(list[0]!.active).toBe(true) // not changed in place
    const added = makeNetwork({ hostId: 'h1', name: 'new' })
    expect(upsertNetwork(list, added)).toEqual([a, b, added])
    expect(removeNetwork(list, 'h2', 'lan')).toEqual([a])
    expect(removeNetwork(list, 'h3', 'lan')).toEqual([a, b])
  })

  it('a list answer started before the change does not undo it', async () => {
    const net = makeNetwork({ hostId: 'h1', name: 'lan', active: true })
    const stale = deferred<NetworkList>()
    const list = vi.fn().mockReturnValueOnce(stale.promise).mockResolvedValueOnce(networkList([{ ...net, active: false }]))
    const q = createNetworkListQuery({ api: { list }, stream: null })
    q.state.items = [net]
    const first = q.refetch() // in flight, started before the stop
    q.upsert({ ...net, active: false })
    expect(q.state.items[0]!.active).toBe(false)
    expect(list).toHaveBeenCalledTimes(2) // a fresh request follows the change
    stale.resolve(networkList([net]))
    await first
    await vi.waitFor(() => expect(q.state.loading).toBe(false))
    expect(q.state.items.map((n) => n.active)).toEqual([false])

    // No request in flight: nothing more is fetched.
    q.remove('h1', 'lan')
    expect(q.state.items).toEqual([])
    expect(list).toHaveBeenCalledTimes(2)
  })
})

describe('network kinds plugins add', () => {
  it('fetched on demand; a reconnect refetches only while wanted; a failure keeps the last answer', async () => {
    const kinds = vi.fn().mockResolvedValue({ items: [MACVTAP_NETWORK_KIND] })
    const stream = fakeStream()
    let wanted = false
    const q = createNetworkKindsQuery({ api: { kinds }, stream, enabled: () => wanted })
    expect(kinds).not.toHaveBeenCalled()
    await q.refetch()
    expect(q.state).toMatchObject({ items: [MACVTAP_NETWORK_KIND], loaded: true, loading: false, error: null })

    stream.open()
    expect(kinds).toHaveBeenCalledTimes(1)
    wanted = true
    stream.open()
    expect(kinds).toHaveBeenCalledTimes(2)

    kinds.mockRejectedValue(new Error('boom'))
    await q.refetch()
    expect(q.state).toMatchObject({ items: [MACVTAP_NETWORK_KIND], error: 'boom', loading: false })
    q.dispose()
    expect(stream.listeners()).toBe(0)
  })
})
