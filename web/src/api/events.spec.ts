import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { backoffDelay, DEFAULT_BACKOFF, EventStream, eventsUrl, type WebSocketLike } from './events'
import type { Host, ServerEvent } from './types'

class FakeSocket implements WebSocketLike {
  static all: FakeSocket[] = []
  onopen: ((ev: Event) => unknown) | null = null
  onclose: ((ev: CloseEvent) => unknown) | null = null
  onerror: ((ev: Event) => unknown) | null = null
  onmessage: ((ev: MessageEvent) => unknown) | null = null
  closed = false
  /** Messages the client sent. */
  sent: unknown[] = []
  constructor(readonly url: string) {
    FakeSocket.all.push(this)
  }
  close() {
    this.closed = true
  }
  send(data: string) {
    this.sent.push(JSON.parse(data))
  }
  // Test helpers: simulate the server side.
  open() {
    this.onopen?.(new Event('open'))
  }
  receive(msg: unknown) {
    this.onmessage?.(new MessageEvent('message', { data: typeof msg === 'string' ? msg : JSON.stringify(msg) }))
  }
  drop() {
    this.onerror?.(new Event('error'))
    this.onclose?.(new CloseEvent('close', { code: 1006 }))
  }
}

const last = () => FakeSocket.all[FakeSocket.all.length - 1]!

function makeStream(backoff = { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0 }) {
  return new EventStream({ url: 'ws://test/api/v1/events?topics=hosts', createSocket: (u) => new FakeSocket(u), backoff })
}

const host: Host = {
  id: '6f1c7a52-0000-4000-8000-000000000001',
  name: 'alpha',
  uri: 'test:///default',
  keyFile: null,
  hostKey: null,
  autoConnect: true,
  state: 'connected',
  stateReason: null,
  facts: null,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  lastConnectedAt: null,
}

beforeEach(() => {
  FakeSocket.all = []
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('backoffDelay', () => {
  it('grows exponentially and is capped', () => {
    const o = { initialMs: 500, maxMs: 4000, factor: 2, jitter: 0 }
    expect([0, 1, 2, 3, 4, 10].map((a) => backoffDelay(a, o))).toEqual([500, 1000, 2000, 4000, 4000, 4000])
  })
  it('applies jitter downwards only', () => {
    const o = { ...DEFAULT_BACKOFF, initialMs: 1000, jitter: 0.5 }
    expect(backoffDelay(0, o, () => 0)).toBe(1000)
    expect(backoffDelay(0, o, () => 1)).toBe(500)
  })
})

describe('eventsUrl', () => {
  it('uses ws for http and wss for https on the same host', () => {
    expect(eventsUrl(['hosts'], { protocol: 'http:', host: 'localhost:5173' })).toBe('ws://localhost:5173/api/v1/events?topics=hosts')
    expect(eventsUrl(['hosts', 'vms'], { protocol: 'https:', host: 'vm.example' })).toBe(
      'wss://vm.example/api/v1/events?topics=hosts%2Cvms',
    )
  })
})

describe('EventStream', () => {
  it('connects, reports status and dispatches typed events', () => {
    const s = makeStream()
    const statuses: string[] = []
    s.onStatus((st) => statuses.push(st))
    const upserts: Host[] = []
    const states: string[] = []
    const any: ServerEvent['type'][] = []
    s.on('hostUpserted', (e) => upserts.push(e.host))
    s.on('hostState', (e) => states.push(`${e.hostId}:${e.state}:${e.reason}`))
    s.onAny((e) => any.push(e.type))

    s.start()
    expect(FakeSocket.all).toHaveLength(1)
    expect(last().url).toBe('ws://test/api/v1/events?topics=hosts')
    last().open()
    expect(s.status).toBe('open')

    last().receive({ type: 'hostUpserted', host })
    last().receive({ type: 'hostState', hostId: host.id, state: 'error', reason: 'boom', at: '2026-01-01T00:00:01Z' })
    last().receive({ type: 'hostRemoved', hostId: host.id })

    expect(upserts).toEqual([host])
    expect(states).toEqual([`${host.id}:error:boom`])
    expect(any).toEqual(['hostUpserted', 'hostState', 'hostRemoved'])
    expect(statuses).toEqual(['connecting', 'open'])
  })

  it('ignores malformed messages without breaking the stream', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const s = makeStream()
    const got: string[] = []
    s.onAny((e) => got.push(e.type))
    s.start()
    last().open()
    last().receive('not json{')
    last().receive({ hello: 'world' })
    last().receive({ type: 'hostRemoved', hostId: 'x' })
    expect(got).toEqual(['hostRemoved'])
    expect(warn).toHaveBeenCalledTimes(2)
  })

  it('reconnects with exponential backoff and resets it after a successful open', () => {
    const s = makeStream()
    const opens = vi.fn()
    s.onOpen(opens)
    s.start()
    last().open()
    expect(opens).toHaveBeenCalledTimes(1)

    // Server closes the socket: first retry after 100ms.
    last().drop()
    expect(s.status).toBe('reconnecting')
    vi.advanceTimersByTime(99)
    expect(FakeSocket.all).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(FakeSocket.all).toHaveLength(2)

    // That attempt fails too: next one after 200ms, then 400ms.
    last().drop()
    vi.advanceTimersByTime(199)
    expect(FakeSocket.all).toHaveLength(2)
    vi.advanceTimersByTime(1)
    expect(FakeSocket.all).toHaveLength(3)
    last().drop()
    vi.advanceTimersByTime(399)
    expect(FakeSocket.all).toHaveLength(3)
    vi.advanceTimersByTime(1)
    expect(FakeSocket.all).toHaveLength(4)

    // Success: onOpen fires again (callers refetch) and the backoff starts over.
    last().open()
    expect(opens).toHaveBeenCalledTimes(2)
    expect(s.status).toBe('open')
    last().drop()
    vi.advanceTimersByTime(100)
    expect(FakeSocket.all).toHaveLength(5)
  })

  it('caps the delay at maxMs', () => {
    const s = makeStream({ initialMs: 100, maxMs: 300, factor: 10, jitter: 0 })
    s.start()
    last().drop() // retry in 100
    vi.advanceTimersByTime(100)
    last().drop() // retry in min(1000, 300)
    vi.advanceTimersByTime(299)
    expect(FakeSocket.all).toHaveLength(2)
    vi.advanceTimersByTime(1)
    expect(FakeSocket.all).toHaveLength(3)
  })

  it('stop() closes the socket and cancels pending reconnects', () => {
    const s = makeStream()
    s.start()
    last().open()
    const first = last()
    s.stop()
    expect(first.closed).toBe(true)
    expect(s.status).toBe('closed')
    vi.advanceTimersByTime(10_000)
    expect(FakeSocket.all).toHaveLength(1)

    // Stop while waiting for a retry.
    s.start()
    last().drop()
    s.stop()
    vi.advanceTimersByTime(10_000)
    expect(FakeSocket.all).toHaveLength(2)
  })

  it('unsubscribe functions remove handlers', () => {
    const s = makeStream()
    const h = vi.fn()
    const off = s.on('hostRemoved', h)
    s.start()
    last().open()
    last().receive({ type: 'hostRemoved', hostId: 'a' })
    off()
    last().receive({ type: 'hostRemoved', hostId: 'b' })
    expect(h).toHaveBeenCalledTimes(1)
    expect(h).toHaveBeenCalledWith({ type: 'hostRemoved', hostId: 'a' })
    expect(h.mock.calls[0]![0].hostId).toBe('a')
  })

  it('setTopics() tells an open socket, and a new connection asks for the topics in its URL', () => {
    const s = new EventStream({
      url: (topics) => `ws://test/api/v1/events?topics=${topics.join(',')}`,
      topics: ['hosts'],
      createSocket: (u) => new FakeSocket(u),
      backoff: { initialMs: 100, maxMs: 100, factor: 1, jitter: 0 },
    })
    s.setTopics(['hosts', 'stats']) // not started: nothing to send
    s.start()
    expect(last().url).toBe('ws://test/api/v1/events?topics=hosts,stats')
    last().open()
    expect(last().sent).toEqual([])
    s.setTopics(['hosts'])
    expect(last().sent).toEqual([{ subscribe: ['hosts'] }])
    s.setTopics(['hosts']) // unchanged: nothing sent
    expect(last().sent).toHaveLength(1)
    expect(s.currentTopics).toEqual(['hosts'])

    // Changed while reconnecting: the next URL has them.
    last().drop()
    s.setTopics(['hosts', 'stats'])
    vi.advanceTimersByTime(100)
    expect(last().url).toBe('ws://test/api/v1/events?topics=hosts,stats')

    // Changed while connecting: sent as soon as the socket opens.
    s.setTopics(['tasks'])
    last().open()
    expect(last().sent).toEqual([{ subscribe: ['tasks'] }])
  })
})
