import { describe, expect, it, vi } from 'vitest'
import { EventStream, type WebSocketLike } from '@/api/events'
import { ApiError } from '@/api/client'
import type { Host } from '@/api/types'
import { applyHostEvent, createHostsCache, sortHosts, timestampMicros, useHosts, useHost } from './queries'
import { facts, makeHost, wire } from './testing'

function deferred<T>() {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

describe('applyHostEvent', () => {
  const a = makeHost({ name: 'a' })
  const b = makeHost({ name: 'b', state: 'connected' })

  it('hostUpserted inserts a new host and replaces an existing one', () => {
    const c = makeHost({ name: 'c' })
    expect(applyHostEvent([a, b], { type: 'hostUpserted', host: c })).toEqual([a, b, c])
    const renamed = { ...a, name: 'a2', facts }
    const next = applyHostEvent([a, b], { type: 'hostUpserted', host: renamed })
    expect(next).toEqual([renamed, b])
  })

  it('hostRemoved removes only that host', () => {
    expect(applyHostEvent([a, b], wire.removed(a.id))).toEqual([b])
    expect(applyHostEvent([a, b], wire.removed('unknown'))).toEqual([a, b])
  })

  it('hostState updates state and reason, leaving other fields alone', () => {
    const next = applyHostEvent([a, b], wire.state(b.id, 'error', 'lost'))
    expect(next[1]).toEqual({ ...b, state: 'error', stateReason: 'lost' })
    expect(next[0]).toBe(a)
    const back = applyHostEvent(next, wire.state(b.id, 'connected', null))
    expect(back[1]).toMatchObject({ state: 'connected', stateReason: null })
  })

  it('ignores a copy older than the one held (HTTP answer after newer WebSocket state)', () => {
    const fresh = { ...b, state: 'connected' as const, updatedAt: '2026-01-01T00:00:00.000900Z' }
    const stale = { ...b, state: 'connecting' as const, updatedAt: '2026-01-01T00:00:00.0005Z' }
    expect(applyHostEvent([a, fresh], { type: 'hostUpserted', host: stale })[1]).toEqual(fresh)
    const newer = { ...fresh, name: 'b2', updatedAt: '2026-01-01T00:00:00.001Z' }
    expect(applyHostEvent([a, fresh], { type: 'hostUpserted', host: newer })[1]).toEqual(newer)
  })

  it('timestampMicros keeps sub-millisecond order and handles every precision', () => {
    expect(timestampMicros('2026-01-01T00:00:00.000001Z') - timestampMicros('2026-01-01T00:00:00Z')).toBe(1)
    expect(timestampMicros('2026-01-01T00:00:00.5Z')).toBe(timestampMicros('2026-01-01T00:00:00.500000000Z'))
    expect(timestampMicros('2026-01-01T01:00:00+01:00')).toBe(timestampMicros('2026-01-01T00:00:00Z'))
  })

  it('does not mutate its input', () => {
    const list = [a, b]
    applyHostEvent(list, wire.removed(a.id))
    applyHostEvent(list, wire.state(a.id, 'connecting', null))
    expect(list).toEqual([a, b])
    expect(a.state).toBe('disconnected')
  })

  it('sortHosts orders by name case-insensitively', () => {
    const names = sortHosts([makeHost({ name: 'beta' }), makeHost({ name: 'Alpha' }), makeHost({ name: 'gamma' })]).map((h) => h.name)
    expect(names).toEqual(['Alpha', 'beta', 'gamma'])
  })
})

describe('createHostsCache', () => {
  it('refetch loads the list; events then keep it live', async () => {
    const h = makeHost({ name: 'h' })
    const cache = createHostsCache({ list: vi.fn().mockResolvedValue([h]) })
    await cache.refetch()
    expect(cache.state.loaded).toBe(true)
    expect(cache.state.hosts).toEqual([h])

    cache.apply(wire.state(h.id, 'connecting', null))
    expect(cache.state.hosts[0]!.state).toBe('connecting')
    cache.remove(h.id)
    expect(cache.state.hosts).toEqual([])
  })

  it('replays events received while a refetch is in flight on top of its result', async () => {
    const h = makeHost({ name: 'h', state: 'connecting' })
    const d = deferred<Host[]>()
    const cache = createHostsCache({ list: () => d.promise })
    const p = cache.refetch()
    // Event arrives before the (older) list response.
    cache.apply(wire.state(h.id, 'connected', null))
    const added = makeHost({ name: 'new' })
    cache.apply({ type: 'hostUpserted', host: added })
    d.resolve([h])
    await p
    expect(cache.state.hosts.map((x) => [x.name, x.state])).toEqual([
      ['h', 'connected'],
      ['new', 'disconnected'],
    ])
  })

  it('coalesces concurrent refetches into one extra request', async () => {
    const calls: ReturnType<typeof deferred<Host[]>>[] = []
    const list = vi.fn(() => {
      const d = deferred<Host[]>()
      calls.push(d)
      return d.promise
    })
    const cache = createHostsCache({ list })
    const p1 = cache.refetch()
    const p2 = cache.refetch()
    const p3 = cache.refetch()
    expect(list).toHaveBeenCalledTimes(1)
    calls[0]!.resolve([makeHost({ name: 'old' })])
    await vi.waitFor(() => expect(list).toHaveBeenCalledTimes(2))
    const fresh = makeHost({ name: 'fresh' })
    calls[1]!.resolve([fresh])
    await Promise.all([p1, p2, p3])
    expect(list).toHaveBeenCalledTimes(2)
    expect(cache.state.hosts).toEqual([fresh])
  })

  it('keeps the previous list and reports the error when refetch fails', async () => {
    const h = makeHost()
    const list = vi.fn().mockResolvedValueOnce([h]).mockRejectedValueOnce(new ApiError(500, { code: 'internal', message: 'db down' }))
    const cache = createHostsCache({ list })
    await cache.refetch()
    await cache.refetch()
    expect(cache.state.hosts).toEqual([h])
    expect(cache.state.error).toBe('db down')
    expect(cache.state.loading).toBe(false)
  })

  it('bind(): applies stream events and refetches on every (re)connect', async () => {
    const sockets: (WebSocketLike & { open(): void; msg(d: unknown): void; drop(): void })[] = []
    const stream = new EventStream({
      url: 'ws://x',
      backoff: { initialMs: 1, maxMs: 1, factor: 1, jitter: 0 },
      createSocket: () => {
        const s = {
          onopen: null,
          onclose: null,
          onerror: null,
          onmessage: null,
          close() {},
          open() {
            s.onopen?.(new Event('open'))
          },
          msg(d: unknown) {
            s.onmessage?.(new MessageEvent('message', { data: JSON.stringify(d) }))
          },
          drop() {
            s.onclose?.(new CloseEvent('close'))
          },
        } as WebSocketLike & { open(): void; msg(d: unknown): void; drop(): void }
        sockets.push(s)
        return s
      },
    })
    const h = makeHost({ name: 'h' })
    const list = vi.fn().mockResolvedValue([h])
    const cache = createHostsCache({ list })
    const unbind = cache.bind(stream)
    stream.start()
    sockets[0]!.open()
    await vi.waitFor(() => expect(cache.state.loaded).toBe(true))
    expect(list).toHaveBeenCalledTimes(1)

    sockets[0]!.msg(wire.state(h.id, 'connected', null))
    expect(cache.state.hosts[0]!.state).toBe('connected')

    sockets[0]!.drop()
    await vi.waitFor(() => expect(sockets).toHaveLength(2))
    sockets[1]!.open()
    await vi.waitFor(() => expect(list).toHaveBeenCalledTimes(2))

    unbind()
    sockets[1]!.msg(wire.removed(h.id))
    expect(cache.state.hosts).toHaveLength(1)
    stream.stop()
  })
})

describe('useHosts / useHost', () => {
  it('fetch on first use, sort, and find one host by id', async () => {
    const b = makeHost({ name: 'b' })
    const a = makeHost({ name: 'a' })
    const list = vi.fn().mockResolvedValue([b, a])
    const cache = createHostsCache({ list })
    const q = useHosts(cache)
    const one = useHost(() => a.id, cache)
    const missing = useHost(() => 'nope', cache)
    expect(missing.notFound.value).toBe(false) // not loaded yet
    await vi.waitFor(() => expect(q.loaded.value).toBe(true))
    expect(list).toHaveBeenCalledTimes(1)
    expect(q.hosts.value.map((h) => h.name)).toEqual(['a', 'b'])
    expect(one.host.value).toEqual(a)
    expect(missing.notFound.value).toBe(true)
    cache.apply(wire.state(a.id, 'error', 'x'))
    expect(one.host.value?.state).toBe('error')
  })
})
