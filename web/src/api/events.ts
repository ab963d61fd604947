// The one WebSocket client for server events (`GET /api/v1/events`).
// Reconnects with exponential backoff; after every (re)connect it emits `open`, on which
// query caches refetch so that nothing missed while disconnected is lost.
import type { ServerEvent, ServerEventType } from './types'

export type EventStreamStatus = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed'

export type EventOf<K extends ServerEventType> = Extract<ServerEvent, { type: K }>

/** Minimal WebSocket surface we use; lets tests inject a fake. */
export interface WebSocketLike {
  onopen: ((ev: Event) => unknown) | null
  onclose: ((ev: CloseEvent) => unknown) | null
  onerror: ((ev: Event) => unknown) | null
  onmessage: ((ev: MessageEvent) => unknown) | null
  close(code?: number, reason?: string): void
  send(data: string): void
}
export type WebSocketFactory = (url: string) => WebSocketLike

export interface BackoffOptions {
  /** First retry delay in ms. */
  initialMs: number
  /** Upper bound for the delay in ms. */
  maxMs: number
  factor: number
  /** 0..1: fraction of the delay that is randomized (subtracted). 0 disables jitter. */
  jitter: number
}

export interface EventStreamOptions {
  /** The WebSocket URL, or a function of the current topics (read at every (re)connect). */
  url: string | ((topics: readonly string[]) => string)
  /** Initial topics, changed later with `setTopics`. */
  topics?: readonly string[]
  createSocket?: WebSocketFactory
  backoff?: Partial<BackoffOptions>
  random?: () => number
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.2 }

/** Delay before reconnect attempt number `attempt` (0-based). */
export function backoffDelay(attempt: number, opts: BackoffOptions, random: () => number = Math.random): number {
  const base = Math.min(opts.maxMs, opts.initialMs * Math.pow(opts.factor, attempt))
  return Math.round(base - base * opts.jitter * random())
}

export function eventsUrl(topics: string[], loc: Pick<Location, 'protocol' | 'host'> = window.location): string {
  const scheme = loc.protocol === 'https:' ? 'wss' : 'ws'
  const q = topics.length ? `?topics=${encodeURIComponent(topics.join(','))}` : ''
  return `${scheme}://${loc.host}/api/v1/events${q}`
}

function sameTopics(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join(',') === [...b].sort().join(',')
}

function isServerEvent(v: unknown): v is ServerEvent {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string'
}

type Handler<T> = (value: T) => void

export class EventStream {
  private readonly url: string | ((topics: readonly string[]) => string)
  private topics: readonly string[]
  /** Topics the current socket is subscribed to (from its URL or the last `subscribe` sent). */
  private socketTopics: readonly string[] = []
  private readonly createSocket: WebSocketFactory
  private readonly backoff: BackoffOptions
  private readonly random: () => number
  private socket: WebSocketLike | null = null
  private timer: ReturnType<typeof setTimeout> | null = null
  private attempt = 0
  private stopped = true
  private _status: EventStreamStatus = 'idle'
  private readonly typed = new Map<string, Set<Handler<never>>>()
  private readonly any = new Set<Handler<ServerEvent>>()
  private readonly openHandlers = new Set<Handler<void>>()
  private readonly statusHandlers = new Set<Handler<EventStreamStatus>>()

  /** Epoch ms of the next scheduled reconnect, or null. */
  nextRetryAt: number | null = null

  constructor(opts: EventStreamOptions) {
    this.url = opts.url
    this.topics = [...(opts.topics ?? [])]
    this.createSocket = opts.createSocket ?? ((url) => new WebSocket(url))
    this.backoff = { ...DEFAULT_BACKOFF, ...opts.backoff }
    this.random = opts.random ?? Math.random
  }

  get status(): EventStreamStatus {
    return this._status
  }

  /** Number of consecutive failed/closed connections since the last successful open. */
  get attempts(): number {
    return this.attempt
  }

  start(): void {
    if (!this.stopped) return
    this.stopped = false
    this.connect()
  }

  stop(): void {
    this.stopped = true
    this.clearTimer()
    const s = this.socket
    this.socket = null
    if (s) {
      s.onopen = s.onclose = s.onerror = s.onmessage = null
      s.close(1000, 'client stopped')
    }
    this.attempt = 0
    this.setStatus('closed')
  }

  /** The topics asked for (the server filters events by them). */
  get currentTopics(): readonly string[] {
    return this.topics
  }

  /**
   * Changes the subscribed topics. An open socket is told at once (`{"subscribe": [...]}`, which
   * replaces its topics); otherwise the next connection asks for them.
   */
  setTopics(topics: readonly string[]): void {
    this.topics = [...topics]
    this.syncTopics()
  }

  private syncTopics() {
    const s = this.socket
    if (!s || this._status !== 'open' || sameTopics(this.socketTopics, this.topics)) return
    try {
      s.send(JSON.stringify({ subscribe: this.topics }))
      this.socketTopics = this.topics
    } catch {
      // The socket is closing: the reconnect asks for the current topics in its URL.
    }
  }

  /** Subscribe to one event type. Returns an unsubscribe function. */
  on<K extends ServerEventType>(type: K, handler: Handler<EventOf<K>>): () => void {
    let set = this.typed.get(type)
    if (!set) this.typed.set(type, (set = new Set()))
    set.add(handler as Handler<never>)
    return () => set.delete(handler as Handler<never>)
  }

  onAny(handler: Handler<ServerEvent>): () => void {
    this.any.add(handler)
    return () => this.any.delete(handler)
  }

  /** Called after every successful (re)connect. */
  onOpen(handler: Handler<void>): () => void {
    this.openHandlers.add(handler)
    return () => this.openHandlers.delete(handler)
  }

  onStatus(handler: Handler<EventStreamStatus>): () => void {
    this.statusHandlers.add(handler)
    return () => this.statusHandlers.delete(handler)
  }

  private setStatus(s: EventStreamStatus) {
    if (s === this._status) return
    this._status = s
    for (const h of this.statusHandlers) h(s)
  }

  private clearTimer() {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    this.nextRetryAt = null
  }

  private connect() {
    this.clearTimer()
    this.setStatus(this.attempt === 0 ? 'connecting' : 'reconnecting')
    let socket: WebSocketLike
    const topics = this.topics
    try {
      socket = this.createSocket(typeof this.url === 'function' ? this.url(topics) : this.url)
    } catch {
      this.scheduleReconnect()
      return
    }
    this.socket = socket
    this.socketTopics = topics
    socket.onopen = () => {
      if (this.socket !== socket) return
      this.attempt = 0
      this.setStatus('open')
      // Topics changed while connecting: tell the server before anyone refetches.
      this.syncTopics()
      for (const h of this.openHandlers) h()
    }
    socket.onmessage = (ev: MessageEvent) => {
      if (this.socket !== socket) return
      this.dispatchRaw(ev.data)
    }
    socket.onerror = () => {
      // A close event always follows; reconnect is handled there.
    }
    socket.onclose = () => {
      if (this.socket !== socket) return
      this.socket = null
      if (this.stopped) return
      this.scheduleReconnect()
    }
  }

  private scheduleReconnect() {
    const delay = backoffDelay(this.attempt, this.backoff, this.random)
    this.attempt++
    this.setStatus('reconnecting')
    this.nextRetryAt = Date.now() + delay
    this.timer = setTimeout(() => {
      this.timer = null
      this.nextRetryAt = null
      if (!this.stopped) this.connect()
    }, delay)
  }

  private dispatchRaw(data: unknown) {
    if (typeof data !== 'string') return
    let parsed: unknown
    try {
      parsed = JSON.parse(data)
    } catch {
      console.warn('[events] ignoring non-JSON message')
      return
    }
    if (!isServerEvent(parsed)) {
      console.warn('[events] ignoring message without a type')
      return
    }
    this.dispatch(parsed)
  }

  private dispatch(ev: ServerEvent) {
    const set = this.typed.get(ev.type)
    if (set) for (const h of set) (h as Handler<ServerEvent>)(ev)
    for (const h of this.any) h(ev)
  }
}
