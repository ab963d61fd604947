// Server state for VMs: paged list queries (managed and discovered), the VM detail query and
// the global counts. Nothing polls: each query refetches when an `inventoryChanged` event
// concerns it (debounced, many events per sync coalesce into one request), when a host is
// removed, after every (re)connect of the event stream, and after our own bulk actions.
import { computed, getCurrentScope, onScopeDispose, reactive, watch } from 'vue'
import type { EventStream } from '@/api/events'
import type { HostVmCounts, InventoryChangedEvent, NicKindInfo, PowerState, Vm, VmDetail, VmListQuery, VmSortKey } from '@/api/types'
import { errorMessage, isApiError } from '@/api/client'
import { LOAD_AGAIN, latestWins } from '@/lib/latestWins'
import { getEventStream } from '@/composables/useEventStream'
import { debounce } from '@/lib/debounce'
import { vmsApi, type VmsApi } from './api'
import { createKindsQuery, useKindsQuery, type KindsQueryOptions, type KindsState } from '@/modules/plugins/kindsQuery'

/** What a query needs from the event stream (an `EventStream`, or a fake in tests). */
export type EventSourceLike = Pick<EventStream, 'on' | 'onOpen'>

export const INVENTORY_DEBOUNCE_MS = 300
export const PER_PAGE_OPTIONS = [50, 100, 200, 500] as const

export type VmListKind = 'managed' | 'discovered'

export interface VmListFilter {
  hostId: string | null
  state: PowerState | null
  /** Name substring or UUID prefix; empty for none. */
  q: string
  sort: VmSortKey
  page: number
  perPage: number
  /** The discovered list also shows the VMs the user dismissed. */
  dismissed: boolean
}

export function defaultFilter(over: Partial<VmListFilter> = {}): VmListFilter {
  return { hostId: null, state: null, q: '', sort: 'name', page: 1, perPage: 50, dismissed: false, ...over }
}

/** The query string for a filter (empty values left out). */
export function toListQuery(f: VmListFilter): VmListQuery {
  const q: VmListQuery = { sort: f.sort, page: f.page, perPage: f.perPage }
  if (f.hostId) q.hostId = f.hostId
  if (f.state) q.state = f.state
  const text = f.q.trim()
  if (text) q.q = text
  return q
}

/** A filter narrows the list beyond host and paging (search text or state). */
export function isFiltered(f: VmListFilter): boolean {
  return f.q.trim() !== '' || f.state !== null
}

/**
 * Whether an `inventoryChanged` event concerns a list page. Events of another host than the
 * page's host filter, and events that changed only networks/pools, do not. Every other one
 * does: its ids are changed VMs on the page, or new/gone VMs that shift the page and its total,
 * and when `vmCount > vmIds.length` (ids truncated) or the page is filtered we cannot tell —
 * in all those cases the page is simply refetched.
 */
export function eventConcernsList(ev: InventoryChangedEvent, f: Pick<VmListFilter, 'hostId'>): boolean {
  if (f.hostId && ev.hostId !== f.hostId) return false
  return ev.vmCount > 0 || ev.vmIds.length > 0
}

/** Whether an `inventoryChanged` event concerns the open VM (its id, or a truncated list of its host). */
export function eventConcernsVm(ev: InventoryChangedEvent, vm: Pick<Vm, 'id' | 'hostId'>): boolean {
  if (ev.hostId !== vm.hostId) return false
  return ev.vmIds.includes(vm.id) || ev.vmCount > ev.vmIds.length
}

// ---- invalidation after our own writes (import, dismiss…) -------------------------------------

const invalidationHandlers = new Set<() => void>()

/** Refetch every live VM query now (called by actions after a successful write). */
export function invalidateVmQueries(): void {
  for (const h of [...invalidationHandlers]) h()
}

function onInvalidate(h: () => void): () => void {
  invalidationHandlers.add(h)
  return () => invalidationHandlers.delete(h)
}

// ---- paged list --------------------------------------------------------------------------------

export interface VmListState {
  items: Vm[]
  total: number
  loaded: boolean
  loading: boolean
  error: string | null
}

export interface VmListQueryOptions {
  api?: Pick<VmsApi, 'listManaged' | 'listDiscovered'>
  /** Event stream to follow; `null` for none. */
  stream?: EventSourceLike | null
  debounceMs?: number
  filter?: Partial<VmListFilter>
}

export interface VmListQueryCore {
  readonly kind: VmListKind
  readonly filter: VmListFilter
  readonly state: VmListState
  refetch(): Promise<void>
  /** Changes the filter and refetches; any change other than `page` goes back to page 1. */
  setFilter(patch: Partial<VmListFilter>): Promise<void>
  /** Feeds one event (what the stream binding does). */
  handleInventory(ev: InventoryChangedEvent): void
  dispose(): void
}

export function createVmListQuery(kind: VmListKind, opts: VmListQueryOptions = {}): VmListQueryCore {
  const source = opts.api ?? vmsApi
  const filter = reactive(defaultFilter(opts.filter)) as VmListFilter
  const state = reactive<VmListState>({ items: [], total: 0, loaded: false, loading: false, error: null })
  const load = () => {
    const query = toListQuery(filter)
    if (kind === 'managed') return source.listManaged(query)
    return source.listDiscovered(filter.dismissed ? { ...query, includeDismissed: true } : query)
  }
  const refetch = latestWins(state, load, (res) => {
    // The page vanished (e.g. the last page was imported): go to the new last page.
    if (res.items.length === 0 && res.total > 0 && filter.page > 1) {
      filter.page = Math.max(1, Math.ceil(res.total / filter.perPage))
      return LOAD_AGAIN
    }
    state.items = res.items
    state.total = res.total
  })

  const later = debounce(() => void refetch(), opts.debounceMs ?? INVENTORY_DEBOUNCE_MS)
  const handleInventory = (ev: InventoryChangedEvent) => {
    if (eventConcernsList(ev, filter)) later.trigger()
  }

  const offs: (() => void)[] = [onInvalidate(() => void refetch())]
  if (opts.stream) {
    offs.push(
      opts.stream.on('inventoryChanged', handleInventory),
      opts.stream.on('hostRemoved', (ev) => {
        if (!filter.hostId || filter.hostId === ev.hostId) later.trigger()
      }),
      opts.stream.onOpen(() => void refetch()),
    )
  }

  return {
    kind,
    filter,
    state,
    refetch,
    setFilter(patch) {
      Object.assign(filter, patch)
      if (!('page' in patch)) filter.page = 1
      return refetch()
    },
    handleInventory,
    dispose() {
      later.cancel()
      offs.forEach((off) => off())
    },
  }
}

/** A live page of managed or discovered VMs for a component; disposed with it. */
export function useVmList(kind: VmListKind, initial: Partial<VmListFilter> = {}) {
  const q = createVmListQuery(kind, { stream: getEventStream(), filter: initial })
  void q.refetch()
  if (getCurrentScope()) onScopeDispose(q.dispose)
  return {
    filter: q.filter,
    items: computed(() => q.state.items),
    total: computed(() => q.state.total),
    pages: computed(() => Math.max(1, Math.ceil(q.state.total / q.filter.perPage))),
    loaded: computed(() => q.state.loaded),
    loading: computed(() => q.state.loading),
    error: computed(() => q.state.error),
    setFilter: q.setFilter,
    refetch: q.refetch,
  }
}

// ---- detail ------------------------------------------------------------------------------------

export interface VmDetailState {
  detail: VmDetail | null
  notFound: boolean
  loading: boolean
  error: string | null
}

export interface VmDetailQueryOptions {
  api?: Pick<VmsApi, 'get'>
  stream?: EventSourceLike | null
  debounceMs?: number
}

export function createVmDetailQuery(id: () => string, opts: VmDetailQueryOptions = {}) {
  const source = opts.api ?? vmsApi
  const state = reactive<VmDetailState>({ detail: null, notFound: false, loading: false, error: null })
  let seq = 0

  async function refetch(): Promise<void> {
    const mine = ++seq
    const wanted = id()
    state.loading = true
    try {
      const d = await source.get(wanted)
      if (mine !== seq) return
      state.detail = d
      state.notFound = false
      state.error = null
    } catch (e) {
      if (mine !== seq) return
      // A malformed id in the URL names no VM either: retrying cannot help.
      if (isApiError(e) && (e.code === 'vm_not_found' || e.code === 'invalid_id' || e.status === 404)) {
        state.detail = null
        state.notFound = true
        state.error = null
      } else {
        state.error = errorMessage(e)
      }
    } finally {
      if (mine === seq) state.loading = false
    }
  }

  const later = debounce(() => void refetch(), opts.debounceMs ?? INVENTORY_DEBOUNCE_MS)
  const handleInventory = (ev: InventoryChangedEvent) => {
    const vm = state.detail?.vm
    if (vm ? eventConcernsVm(ev, vm) : state.notFound || state.error !== null) later.trigger()
  }
  const offs: (() => void)[] = [onInvalidate(() => void refetch())]
  if (opts.stream) {
    offs.push(
      opts.stream.on('inventoryChanged', handleInventory),
      opts.stream.on('hostRemoved', (ev) => {
        if (state.detail?.vm.hostId === ev.hostId) later.trigger()
      }),
      opts.stream.onOpen(() => void refetch()),
    )
  }
  return {
    state,
    refetch,
    handleInventory,
    dispose() {
      later.cancel()
      offs.forEach((off) => off())
    },
  }
}

/** One VM with its hardware, live. */
export function useVmDetail(id: () => string) {
  const q = createVmDetailQuery(id, { stream: getEventStream() })
  watch(id, () => {
    q.state.detail = null
    q.state.notFound = false
    void q.refetch()
  })
  void q.refetch()
  if (getCurrentScope()) onScopeDispose(q.dispose)
  return {
    detail: computed(() => q.state.detail),
    vm: computed(() => q.state.detail?.vm ?? null),
    notFound: computed(() => q.state.notFound),
    loading: computed(() => q.state.loading),
    error: computed(() => q.state.error),
    refetch: q.refetch,
  }
}

// ---- NIC kinds plugins add (the Add NIC dialog's "Plugin kind") ---------------------------------

export type NicKindsState = KindsState<NicKindInfo>

export interface NicKindsQueryOptions extends KindsQueryOptions {
  api?: Pick<VmsApi, 'nicKinds'>
}

/** The NIC kinds enabled network-driver plugins add (the VM page asks again each time the Add NIC dialog opens). */
export function createNicKindsQuery(opts: NicKindsQueryOptions = {}) {
  const source = opts.api ?? vmsApi
  return createKindsQuery(() => source.nicKinds(), opts)
}

/** The NIC kinds plugins add, fetched while `enabled` (e.g. NICs can be added to the VM). */
export function useNicKinds(enabled: () => boolean = () => true) {
  return useKindsQuery(createNicKindsQuery({ stream: getEventStream(), enabled }), enabled)
}

// ---- counts (sidebar badge, dashboard) ---------------------------------------------------------

export interface VmCountsCache {
  readonly state: { managed: number | null; discovered: number | null; loading: boolean; error: string | null }
  refetch(): Promise<void>
  bind(stream: EventSourceLike): () => void
}

/** Totals of both lists, read from `total` of a one-item page each. */
export function createVmCountsCache(
  source: Pick<VmsApi, 'listManaged' | 'listDiscovered'> = vmsApi,
  debounceMs = INVENTORY_DEBOUNCE_MS,
): VmCountsCache {
  const state = reactive({ managed: null as number | null, discovered: null as number | null, loading: false, error: null as string | null })
  let seq = 0
  async function refetch() {
    const mine = ++seq
    state.loading = true
    try {
      const [m, d] = await Promise.all([source.listManaged({ perPage: 1 }), source.listDiscovered({ perPage: 1 })])
      if (mine !== seq) return
      state.managed = m.total
      state.discovered = d.total
      state.error = null
    } catch (e) {
      if (mine === seq) state.error = errorMessage(e)
    } finally {
      if (mine === seq) state.loading = false
    }
  }
  const later = debounce(() => void refetch(), debounceMs)
  return {
    state,
    refetch,
    bind(stream) {
      const offs = [
        onInvalidate(() => void refetch()),
        stream.on('inventoryChanged', (ev) => {
          if (eventConcernsList(ev, { hostId: null })) later.trigger()
        }),
        stream.on('hostRemoved', () => later.trigger()),
        stream.onOpen(() => void refetch()),
      ]
      return () => {
        later.cancel()
        offs.forEach((off) => off())
      }
    },
  }
}

/** The app-wide VM counts. */
export const vmCounts = createVmCountsCache()

export function useVmCounts(cache: VmCountsCache = vmCounts) {
  if (cache.state.managed === null && !cache.state.loading) void cache.refetch()
  return {
    managed: computed(() => cache.state.managed),
    discovered: computed(() => cache.state.discovered),
    error: computed(() => cache.state.error),
  }
}

// ---- dashboard and Hosts page: managed VMs by state, VMs per host and what they are given -------

/** Debounce of the summaries (a sync sends many events; each refetch is a request or three). */
export const SUMMARY_DEBOUNCE_MS = 1_000
export interface VmStateCounts {
  total: number
  running: number
  /** Shut off. */
  stopped: number
  /** Paused, shutting down, crashed, suspended or unknown. */
  other: number
}

export interface SummaryQueryOptions {
  api?: Pick<VmsApi, 'listManaged' | 'listDiscovered'>
  stream?: EventSourceLike | null
  debounceMs?: number
}

/** Runs `fetch` now and again (debounced) on inventory events, host removals and reconnects. */
function liveSummary(fetch: () => Promise<void>, opts: SummaryQueryOptions) {
  const later = debounce(() => void fetch(), opts.debounceMs ?? SUMMARY_DEBOUNCE_MS)
  const offs: (() => void)[] = [onInvalidate(() => later.trigger())]
  if (opts.stream) {
    offs.push(
      opts.stream.on('inventoryChanged', (ev) => {
        if (eventConcernsList(ev, { hostId: null })) later.trigger()
      }),
      opts.stream.on('hostRemoved', () => later.trigger()),
      opts.stream.onOpen(() => void fetch()),
    )
  }
  return () => {
    later.cancel()
    offs.forEach((off) => off())
  }
}

/** Managed VMs by state, from the `total` of three one-item pages (all VMs, running, shut off). */
export function createVmStateCountsQuery(opts: SummaryQueryOptions = {}) {
  const source = opts.api ?? vmsApi
  const state = reactive({ counts: null as VmStateCounts | null, loading: false, error: null as string | null })
  let seq = 0
  async function refetch(): Promise<void> {
    const mine = ++seq
    state.loading = true
    try {
      const [all, running, stopped] = await Promise.all([
        source.listManaged({ perPage: 1 }),
        source.listManaged({ state: 'running', perPage: 1 }),
        source.listManaged({ state: 'shutoff', perPage: 1 }),
      ])
      if (mine !== seq) return
      state.counts = {
        total: all.total,
        running: running.total,
        stopped: stopped.total,
        other: Math.max(0, all.total - running.total - stopped.total),
      }
      state.error = null
    } catch (e) {
      if (mine === seq) state.error = errorMessage(e)
    } finally {
      if (mine === seq) state.loading = false
    }
  }
  return { state, refetch, dispose: liveSummary(refetch, opts) }
}

/**
 * How many VMs each host has and what they are given (by host id), from one request; kept live
 * like the other summaries. The Hosts page and the dashboard's allocation read it.
 */
export function createHostVmCountsQuery(opts: Omit<SummaryQueryOptions, 'api'> & { api?: Pick<VmsApi, 'countsByHost'> } = {}) {
  const source = opts.api ?? vmsApi
  const state = reactive({ byHost: new Map<string, HostVmCounts>(), loaded: false, loading: false, error: null as string | null })
  const refetch = latestWins(state, () => source.countsByHost(), (counts) => {
    state.byHost = new Map(counts.map((c) => [c.hostId, c]))
  })
  return { state, refetch, dispose: liveSummary(refetch, { stream: opts.stream, debounceMs: opts.debounceMs }) }
}

/** How many VMs each host has and what they are given, live; disposed with the component. */
export function useHostVmCounts() {
  const q = useSummary(createHostVmCountsQuery({ stream: getEventStream() }))
  return { byHost: computed(() => q.state.byHost), loaded: computed(() => q.state.loaded), error: computed(() => q.state.error) }
}

function useSummary<Q extends { refetch(): Promise<void>; dispose(): void }>(q: Q): Q {
  void q.refetch()
  if (getCurrentScope()) onScopeDispose(q.dispose)
  return q
}

/** Managed VMs by state, live; disposed with the component. */
export function useVmStateCounts() {
  const q = useSummary(createVmStateCountsQuery({ stream: getEventStream() }))
  return { counts: computed(() => q.state.counts), error: computed(() => q.state.error) }
}
