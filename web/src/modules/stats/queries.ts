// Usage statistics: the binding of the event stream to the app-wide stats store (live samples,
// subscribed only while someone holds it), and the history of one VM or host for its graphs
// (`GET …/stats?range=`), with live samples appended for `recent`.
import { computed, getCurrentScope, onScopeDispose, reactive, ref, watch, type Ref, type WatchStopHandle } from 'vue'
import type { EventStream } from '@/api/events'
import type { HostStats, StatsPoint, StatsRange, Topic, VmStats } from '@/api/types'
import { errorMessage } from '@/api/client'
import { EVENT_TOPICS, EVENT_TOPICS_WITH_STATS, getEventStream } from '@/composables/useEventStream'
import { timestampMicros } from '@/lib/time'
import { hostPoint, useStatsStore, vmPoint, type StatsStore } from '@/stores/stats'
import { statsApi, type StatsApi } from './api'

export const STATS_RANGES: readonly StatsRange[] = ['recent', 'hour', 'day', 'week']

/** Length of each range in ms (`recent` is whatever the server holds: 300 samples). */
export const RANGE_SPAN_MS: Record<Exclude<StatsRange, 'recent'>, number> = {
  hour: 3_600_000,
  day: 86_400_000,
  week: 7 * 86_400_000,
}

/** How often a range of averages is read again while shown (a new row lands every minute or ten). */
export const RANGE_REFRESH_MS: Record<Exclude<StatsRange, 'recent'>, number> = {
  hour: 60_000,
  day: 60_000,
  week: 600_000,
}

/** Points kept for `recent` while live samples are appended (what the server holds). */
export const RECENT_MAX_POINTS = 300

// ---- binding the stream to the store --------------------------------------------------------

/** What the binding needs from the event stream. */
export type StatsEventSource = Pick<EventStream, 'on' | 'onOpen' | 'setTopics'>

/** What the binding needs to know whether the page is visible (`document`, or a fake). */
export interface VisibilitySource {
  readonly visibilityState: DocumentVisibilityState
  addEventListener(type: 'visibilitychange', h: () => void): void
  removeEventListener(type: 'visibilitychange', h: () => void): void
}

export interface BindStatsOptions {
  api?: Pick<StatsApi, 'listVmStats'>
  /** Page visibility; `null` to ignore it. Default `document`. */
  visibility?: VisibilitySource | null
  topics?: { off: readonly Topic[]; on: readonly Topic[] }
}

/**
 * Feeds `stats` events into the store and subscribes to the `stats` topic only while the store
 * is `live` (someone holds it) and the page is visible. On every start, and after every
 * reconnect while live, the latest samples are read (`GET /stats/vms`) so lists fill at once.
 * Hosts that disconnect or are removed are forgotten (their numbers would be stale).
 * Returns the unbinder.
 */
export function bindStatsStore(store: StatsStore, stream: StatsEventSource, opts: BindStatsOptions = {}): () => void {
  const source = opts.api ?? statsApi
  const topics = opts.topics ?? { off: EVENT_TOPICS, on: EVENT_TOPICS_WITH_STATS }
  const vis = opts.visibility === undefined ? (typeof document !== 'undefined' ? document : null) : opts.visibility
  const visible = ref(vis ? vis.visibilityState !== 'hidden' : true)
  const onVisibility = () => (visible.value = vis!.visibilityState !== 'hidden')
  vis?.addEventListener('visibilitychange', onVisibility)

  let seq = 0
  async function fill() {
    const mine = ++seq
    try {
      const list = await source.listVmStats()
      if (mine === seq && active.value) store.fill(list)
    } catch {
      /* the next tick brings the numbers anyway */
    }
  }

  const active = computed(() => store.live && visible.value)
  const stop: WatchStopHandle = watch(
    active,
    (on) => {
      stream.setTopics(on ? topics.on : topics.off)
      if (on) void fill()
      else store.resetRings()
    },
    { immediate: true, flush: 'sync' },
  )
  const offs = [
    stream.on('stats', (ev) => store.applyTick(ev.host, ev.vms)),
    stream.on('hostRemoved', (ev) => store.forgetHost(ev.hostId)),
    stream.on('hostState', (ev) => {
      if (ev.state !== 'connected') store.forgetHost(ev.hostId)
    }),
    stream.onOpen(() => {
      if (active.value) void fill()
    }),
  ]
  return () => {
    stop()
    vis?.removeEventListener('visibilitychange', onVisibility)
    offs.forEach((off) => off())
  }
}

// ---- history of one VM or host --------------------------------------------------------------

export type StatsSubject = 'vm' | 'host'

/** Epoch ms of a sample time. */
export const pointTime = (p: { at: string }): number => Math.floor(timestampMicros(p.at) / 1000)

/**
 * Pure: the points after appending a live one, if it is newer (to the millisecond: history
 * points are rounded to it) than the last; at most `max`, the oldest dropped.
 */
export function appendLive(points: readonly StatsPoint[], point: StatsPoint, max = RECENT_MAX_POINTS): StatsPoint[] {
  const last = points[points.length - 1]
  if (last && pointTime(point) <= pointTime(last)) return points as StatsPoint[]
  const next = [...points, point]
  return next.length > max ? next.slice(next.length - max) : next
}

export interface StatsHistoryState {
  points: StatsPoint[]
  latest: VmStats | HostStats | null
  loaded: boolean
  loading: boolean
  error: string | null
  /** Epoch ms the history was read at (the right edge of a fixed range). */
  fetchedAt: number
}

export interface StatsHistoryOptions {
  api?: Pick<StatsApi, 'vmHistory' | 'hostHistory'>
  store?: StatsStore
  now?: () => number
}

/**
 * The history of one VM or host in a range. `recent` gets every live sample the store receives
 * appended; the ranges of averages are read again every `RANGE_REFRESH_MS`.
 */
export function createStatsHistoryQuery(subject: StatsSubject, id: () => string, range: Ref<StatsRange>, opts: StatsHistoryOptions = {}) {
  const source = opts.api ?? statsApi
  const store = opts.store ?? useStatsStore()
  const now = opts.now ?? Date.now
  const state = reactive<StatsHistoryState>({ points: [], latest: null, loaded: false, loading: false, error: null, fetchedAt: now() })
  let seq = 0
  let timer: ReturnType<typeof setInterval> | null = null

  async function refetch(): Promise<void> {
    const mine = ++seq
    const r = range.value
    state.loading = true
    try {
      const res = subject === 'vm' ? await source.vmHistory(id(), r) : await source.hostHistory(id(), r)
      if (mine !== seq) return
      let points = res.points
      // A live sample that arrived while the request was out belongs after its points.
      const live = liveSample()
      if (r === 'recent' && live) points = appendLive(points, live)
      state.points = points
      state.latest = res.latest ?? null
      state.fetchedAt = now()
      state.loaded = true
      state.error = null
      if (subject === 'host' && res.latest) store.putHost(res.latest as HostStats)
    } catch (e) {
      if (mine === seq) state.error = errorMessage(e)
    } finally {
      if (mine === seq) state.loading = false
    }
  }

  function liveSample(): StatsPoint | null {
    if (subject === 'vm') {
      const s = store.vm(id())
      return s ? vmPoint(s) : null
    }
    const s = store.host(id())
    return s ? hostPoint(s) : null
  }

  function schedule() {
    if (timer !== null) clearInterval(timer)
    timer = null
    const r = range.value
    if (r !== 'recent') timer = setInterval(() => void refetch(), RANGE_REFRESH_MS[r])
  }

  const stops: WatchStopHandle[] = [
    // One watcher for the open graph: the sample of this VM or host.
    watch(
      () => (subject === 'vm' ? store.vm(id()) : store.host(id())),
      (s) => {
        if (!s) return
        state.latest = s
        if (range.value !== 'recent' || !state.loaded) return
        state.points = appendLive(state.points, subject === 'vm' ? vmPoint(s as VmStats) : hostPoint(s as HostStats))
      },
    ),
    watch([range, id], () => {
      state.loaded = false
      state.points = []
      schedule()
      void refetch()
    }),
  ]
  schedule()

  return {
    state,
    refetch,
    dispose() {
      seq++
      if (timer !== null) clearInterval(timer)
      stops.forEach((s) => s())
    },
  }
}

/** The history of a VM or host for its usage graphs, live; disposed with the component. */
export function useStatsHistory(subject: StatsSubject, id: () => string, initial: StatsRange = 'recent') {
  const range = ref<StatsRange>(initial)
  const q = createStatsHistoryQuery(subject, id, range)
  void q.refetch()
  const offOpen = getEventStream().onOpen(() => void q.refetch())
  if (getCurrentScope())
    onScopeDispose(() => {
      offOpen()
      q.dispose()
    })
  return {
    range,
    points: computed(() => q.state.points),
    latest: computed(() => q.state.latest),
    loaded: computed(() => q.state.loaded),
    loading: computed(() => q.state.loading),
    error: computed(() => q.state.error),
    fetchedAt: computed(() => q.state.fetchedAt),
    refetch: q.refetch,
  }
}
