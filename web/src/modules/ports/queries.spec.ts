import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { PortList } from '@/api/types'
import { fakeStream, inventoryChanged } from '@/modules/vms/testing'
import { makeHost, wire } from '@/modules/hosts/testing'
import { createPortListQuery, defaultPortFilter, isPortFiltered, MAX_PORT_QUERY, networkNameOptions, PORT_DEBOUNCE_MS, toPortQuery } from './queries'
import { portFilterFromQuery, queryFromPortFilter } from './routeQuery'
import { makePort, portPage } from './testing'

function deferred<T>() {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((res) => (resolve = res))
  return { promise, resolve }
}

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

describe('filter, query string and URL', () => {
  it('sends only what is set; trims and caps the search text', () => {
    expect(toPortQuery(defaultPortFilter())).toEqual({ sort: 'vm', page: 1, perPage: 50 })
    expect(toPortQuery(defaultPortFilter({ hostId: 'h1', network: 'lan', q: '  ee:ff ', sort: 'mac', page: 3, perPage: 100 }))).toEqual({
      hostId: 'h1',
      network: 'lan',
      q: 'ee:ff',
      sort: 'mac',
      page: 3,
      perPage: 100,
    })
    expect(toPortQuery(defaultPortFilter({ q: 'x'.repeat(300) })).q).toHaveLength(MAX_PORT_QUERY)
    expect(isPortFiltered(defaultPortFilter({ q: '  ' }))).toBe(false)
    expect(isPortFiltered(defaultPortFilter({ network: 'lan' }))).toBe(true)
  })

  it('round-trips the filter through the URL query; drops an invalid sort, page or page size', () => {
    const f = defaultPortFilter({ hostId: 'h1', network: 'lan net', q: ' ee:ff ', sort: 'network', page: 2, perPage: 200 })
    const q = queryFromPortFilter(f)
    expect(q).toEqual({ hostId: 'h1', network: 'lan net', q: 'ee:ff', sort: 'network', page: '2', perPage: '200' })
    expect(portFilterFromQuery(q as Record<string, string>)).toEqual({ ...f, q: 'ee:ff' })
    expect(queryFromPortFilter(defaultPortFilter())).toEqual({})
    expect(portFilterFromQuery({ hostId: 'h1', sort: 'bogus', page: '0', perPage: '7' })).toEqual({ hostId: 'h1' })
    expect(portFilterFromQuery({ sort: 'constructor', q: '' })).toEqual({})
    expect(portFilterFromQuery({ sort: ['mac', 'vm'] })).toEqual({ sort: 'mac' })
  })

  it('offers the network names of the chosen host, or of all hosts, once each by name', () => {
    const nets = [
      { hostId: 'a', name: 'lan' },
      { hostId: 'a', name: 'default' },
      { hostId: 'b', name: 'default' },
      { hostId: 'b', name: 'ovs-net' },
    ]
    expect(networkNameOptions(nets, null)).toEqual(['default', 'lan', 'ovs-net'])
    expect(networkNameOptions(nets, 'b')).toEqual(['default', 'ovs-net'])
    expect(networkNameOptions(nets, 'z')).toEqual([])
  })
})

describe('createPortListQuery', () => {
  it('refetches once per burst of inventory and host events, at once on reconnect, and stops when disposed', async () => {
    const list = vi.fn().mockResolvedValue(portPage([makePort()]))
    const stream = fakeStream()
    const q = createPortListQuery({ api: { list }, stream })
    await q.refetch()
    expect(list).toHaveBeenCalledTimes(1)
    expect(q.state.loaded).toBe(true)

    stream.emit(inventoryChanged('host-a', ['vm'], 1))
    stream.emit(inventoryChanged('host-b', [], 0, true))
    vi.advanceTimersByTime(PORT_DEBOUNCE_MS - 1)
    expect(list).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(1)
    expect(list).toHaveBeenCalledTimes(2)

    stream.emit(wire.upserted(makeHost({ name: 'renamed' })))
    vi.advanceTimersByTime(PORT_DEBOUNCE_MS)
    expect(list).toHaveBeenCalledTimes(3)
    stream.emit(wire.removed('host-a'))
    vi.advanceTimersByTime(PORT_DEBOUNCE_MS)
    expect(list).toHaveBeenCalledTimes(4)
    stream.emit(wire.state('host-a', 'connecting'))
    vi.advanceTimersByTime(PORT_DEBOUNCE_MS)
    expect(list).toHaveBeenCalledTimes(4)

    stream.open()
    expect(list).toHaveBeenCalledTimes(5)

    q.dispose()
    expect(stream.listeners()).toBe(0)
    stream.emit(inventoryChanged('host-a', ['vm'], 1))
    vi.advanceTimersByTime(PORT_DEBOUNCE_MS)
    expect(list).toHaveBeenCalledTimes(5)
  })

  it('filtered to a host, ignores the events of other hosts', async () => {
    const list = vi.fn().mockResolvedValue(portPage([]))
    const stream = fakeStream()
    const host = makeHost()
    const q = createPortListQuery({ api: { list }, stream, filter: { hostId: host.id } })
    await q.refetch()
    stream.emit(inventoryChanged('other', ['vm'], 1))
    stream.emit(wire.upserted(makeHost()))
    stream.emit(wire.removed('other'))
    vi.advanceTimersByTime(PORT_DEBOUNCE_MS)
    expect(list).toHaveBeenCalledTimes(1)
    stream.emit(wire.upserted(host))
    vi.advanceTimersByTime(PORT_DEBOUNCE_MS)
    expect(list).toHaveBeenCalledTimes(2)
    expect(list).toHaveBeenLastCalledWith({ hostId: host.id, sort: 'vm', page: 1, perPage: 50 })
    q.dispose()
  })

  it('a filter change goes back to page 1; a vanished page moves to the last one; the newest answer wins', async () => {
    const list = vi.fn().mockResolvedValue(portPage([makePort()], 120, 1))
    const q = createPortListQuery({ api: { list }, stream: null, filter: { page: 3 } })
    await q.setFilter({ sort: 'mac' })
    expect(q.filter.page).toBe(1)
    expect(list).toHaveBeenLastCalledWith({ sort: 'mac', page: 1, perPage: 50 })

    list.mockResolvedValueOnce(portPage([], 60, 5)).mockResolvedValueOnce(portPage([makePort()], 60, 2))
    await q.setFilter({ page: 5 })
    expect(q.filter.page).toBe(2)
    expect(list).toHaveBeenLastCalledWith({ sort: 'mac', page: 2, perPage: 50 })
    expect(q.state.total).toBe(60)

    const stale = deferred<PortList>()
    list.mockReturnValueOnce(stale.promise).mockResolvedValueOnce(portPage([makePort({ vmName: 'new' })]))
    const first = q.refetch()
    await q.refetch()
    stale.resolve(portPage([makePort({ vmName: 'old' })]))
    await first
    expect(q.state.items.map((p) => p.vmName)).toEqual(['new'])

    list.mockRejectedValueOnce(new Error('boom'))
    await q.refetch()
    expect(q.state.error).toBe('boom')
    expect(q.state.items.map((p) => p.vmName)).toEqual(['new'])
  })
})
