// Server state for ports: one page of VM NICs across hosts (`GET /api/v1/ports`), filtered,
// sorted and paged by the server, for the Ports page. Nothing polls: the page is refetched
// (debounced, a sync sends many events) on `inventoryChanged` (VM NICs changed), `hostUpserted`
// (a host renamed or reconnected) and `hostRemoved` — those of another host than the host filter
// aside — and after every (re)connect of the event stream.
import { computed, getCurrentScope, onScopeDispose, reactive } from 'vue'
import type { EventStream } from '@/api/events'
import type { Port, PortListQuery, PortSortKey, ServerEvent } from '@/api/types'
import { LOAD_AGAIN, latestWins } from '@/lib/latestWins'
import { getEventStream } from '@/composables/useEventStream'
import { debounce } from '@/lib/debounce'
import { portsApi, type PortsApi } from './api'

/** What the query needs from the event stream (an `EventStream`, or a fake in tests). */
export type PortEventSource = Pick<EventStream, 'on' | 'onOpen'>

export const PORT_DEBOUNCE_MS = 300
export const PORT_SORT_KEYS: readonly PortSortKey[] = ['vm', 'host', 'mac', 'network']
export const PORT_PER_PAGE_OPTIONS = [50, 100, 200, 500] as const
/** The server refuses longer search text. */
export const MAX_PORT_QUERY = 256

export interface PortListFilter {
  /** Only this host's VMs. */
  hostId: string | null
  /** Only NICs on this network (by name). */
  network: string | null
  /** Substring of VM name, MAC, network, portgroup, bridge, interface id or target device; empty for none. */
  q: string
  sort: PortSortKey
  page: number
  perPage: number
}

export function defaultPortFilter(over: Partial<PortListFilter> = {}): PortListFilter {
  return { hostId: null, network: null, q: '', sort: 'vm', page: 1, perPage: 50, ...over }
}

/** The search text as sent: trimmed, at most `MAX_PORT_QUERY` characters. */
export function portSearchText(q: string): string {
  return [...q.trim()].slice(0, MAX_PORT_QUERY).join('')
}

/** The query string of a filter (empty values left out). */
export function toPortQuery(f: PortListFilter): PortListQuery {
  const q: PortListQuery = { sort: f.sort, page: f.page, perPage: f.perPage }
  if (f.hostId) q.hostId = f.hostId
  if (f.network) q.network = f.network
  const text = portSearchText(f.q)
  if (text) q.q = text
  return q
}

/** A filter hides some ports (host, network or text). */
export function isPortFiltered(f: Pick<PortListFilter, 'hostId' | 'network' | 'q'>): boolean {
  return f.hostId !== null || f.network !== null || f.q.trim() !== ''
}

/** Whether an event can change the ports of a page filtered to `hostId` (any host when null). */
export function eventConcernsPorts(ev: ServerEvent, f: Pick<PortListFilter, 'hostId'>): boolean {
  let hostId: string | undefined
  if (ev.type === 'inventoryChanged' || ev.type === 'hostRemoved') hostId = ev.hostId
  else if (ev.type === 'hostUpserted') hostId = ev.host.id
  else return false
  return !f.hostId || hostId === undefined || hostId === f.hostId
}

const compare = (a: string, b: string) => a.localeCompare(b, undefined, { sensitivity: 'base', numeric: true })

/**
 * Pure: the network names the network filter offers, once each, by name: those of `hostId`, or
 * of every host when null.
 */
export function networkNameOptions(networks: readonly { hostId: string; name: string }[], hostId: string | null): string[] {
  const names = new Set(networks.filter((n) => !hostId || n.hostId === hostId).map((n) => n.name))
  return [...names].sort(compare)
}

export interface PortListState {
  items: Port[]
  total: number
  loaded: boolean
  loading: boolean
  error: string | null
}

export interface PortListQueryOptions {
  api?: Pick<PortsApi, 'list'>
  /** Event stream to follow; `null` for none. */
  stream?: PortEventSource | null
  debounceMs?: number
  filter?: Partial<PortListFilter>
}

export function createPortListQuery(opts: PortListQueryOptions = {}) {
  const source = opts.api ?? portsApi
  const filter = reactive(defaultPortFilter(opts.filter)) as PortListFilter
  const state = reactive<PortListState>({ items: [], total: 0, loaded: false, loading: false, error: null })
  const refetch = latestWins(state, () => source.list(toPortQuery(filter)), (res) => {
    // The page vanished (VMs or NICs went away): go to the new last page.
    if (res.items.length === 0 && res.total > 0 && filter.page > 1) {
      filter.page = Math.max(1, Math.ceil(res.total / filter.perPage))
      return LOAD_AGAIN
    }
    state.items = res.items
    state.total = res.total
  })

  const later = debounce(() => void refetch(), opts.debounceMs ?? PORT_DEBOUNCE_MS)
  const handle = (ev: ServerEvent) => {
    if (eventConcernsPorts(ev, filter)) later.trigger()
  }
  const offs: (() => void)[] = []
  if (opts.stream) {
    offs.push(
      opts.stream.on('inventoryChanged', handle),
      opts.stream.on('hostUpserted', handle),
      opts.stream.on('hostRemoved', handle),
      opts.stream.onOpen(() => void refetch()),
    )
  }

  return {
    filter,
    state,
    refetch,
    /** Changes the filter and refetches; any change other than `page` goes back to page 1. */
    setFilter(patch: Partial<PortListFilter>) {
      Object.assign(filter, patch)
      if (!('page' in patch)) filter.page = 1
      return refetch()
    },
    dispose() {
      later.cancel()
      offs.forEach((off) => off())
    },
  }
}

export type PortListQueryCore = ReturnType<typeof createPortListQuery>

/** A live page of ports; disposed with the component. */
export function usePortList(initial: Partial<PortListFilter> = {}) {
  const q = createPortListQuery({ stream: getEventStream(), filter: initial })
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
