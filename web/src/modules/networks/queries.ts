// Server state for networks: every host's networks (`GET /api/v1/networks`, one request) for the
// Networks page. Nothing polls: the list is refetched (debounced, a sync sends many events) on
// `inventoryChanged` (networks changed, or the VM NICs counted in `usedBy`), `hostUpserted`
// (a host renamed or reconnected) and `hostRemoved`, and after every (re)connect of the event
// stream. The host and text filters and the sort apply in the browser. One host's networks (the VM
// page's NIC dialogs) are a query of their own (`useHostNetworks`), and so are the network kinds
// plugins add (`useNetworkKinds`, the "New network" dialog's "Plugin kind").
import { computed, getCurrentScope, onScopeDispose, reactive, watch } from 'vue'
import type { EventStream } from '@/api/events'
import type { Network, NetworkKindInfo } from '@/api/types'
import { errorMessage } from '@/api/client'
import { latestWins } from '@/lib/latestWins'
import { getEventStream } from '@/composables/useEventStream'
import { debounce } from '@/lib/debounce'
import { networksApi, type NetworksApi } from './api'
import { createKindsQuery, useKindsQuery, type KindsQueryOptions, type KindsState } from '@/modules/plugins/kindsQuery'

/** What the query needs from the event stream (an `EventStream`, or a fake in tests). */
export type NetworkEventSource = Pick<EventStream, 'on' | 'onOpen'>

export const NETWORK_DEBOUNCE_MS = 300

export type NetworkSortKey = 'host' | 'name' | 'users'
export const NETWORK_SORT_KEYS: readonly NetworkSortKey[] = ['host', 'name', 'users']

export interface NetworkFilter {
  /** Only this host's networks. */
  hostId: string | null
  /** Substring of the name, bridge or host name (any case); empty for none. */
  q: string
  sort: NetworkSortKey
}

export function defaultNetworkFilter(over: Partial<NetworkFilter> = {}): NetworkFilter {
  return { hostId: null, q: '', sort: 'host', ...over }
}

/** A filter hides some networks (host or text). */
export function isNetworkFiltered(f: Pick<NetworkFilter, 'hostId' | 'q'>): boolean {
  return f.hostId !== null || f.q.trim() !== ''
}

/** Whether a network passes the host and text filters. */
export function networkMatches(n: Network, f: Pick<NetworkFilter, 'hostId' | 'q'>): boolean {
  if (f.hostId && n.hostId !== f.hostId) return false
  const text = f.q.trim().toLowerCase()
  if (!text) return true
  return [n.name, n.bridge ?? '', n.hostName].some((s) => s.toLowerCase().includes(text))
}

const compare = (a: string, b: string) => a.localeCompare(b, undefined, { sensitivity: 'base', numeric: true })
const byHost = (a: Network, b: Network) => compare(a.hostName, b.hostName) || compare(a.name, b.name)
const byName = (a: Network, b: Network) => compare(a.name, b.name) || compare(a.hostName, b.hostName)

/** Pure: sorted copy. `host`: by host then name; `name`: by name then host; `users`: most used first. */
export function sortNetworks(list: readonly Network[], key: NetworkSortKey): Network[] {
  const cmp = key === 'name' ? byName : key === 'users' ? (a: Network, b: Network) => b.usedBy - a.usedBy || byHost(a, b) : byHost
  return [...list].sort(cmp)
}

/** Pure: what the table shows for a filter. */
export function visibleNetworks(list: readonly Network[], f: NetworkFilter): Network[] {
  return sortNetworks(
    list.filter((n) => networkMatches(n, f)),
    f.sort,
  )
}

/** Pure: the hosts that have networks in the list, once each, by name. */
export function hostsOf(list: readonly Network[]): { id: string; name: string }[] {
  const byId = new Map<string, string>()
  for (const n of list) byId.set(n.hostId, n.hostName)
  return [...byId].map(([id, name]) => ({ id, name })).sort((a, b) => compare(a.name, b.name))
}

const sameNetwork = (a: Pick<Network, 'hostId' | 'name'>, hostId: string, name: string) => a.hostId === hostId && a.name === name

/** Pure: the list with `n` replacing the network of the same host and name (or added). */
export function upsertNetwork(list: readonly Network[], n: Network): Network[] {
  const i = list.findIndex((x) => sameNetwork(x, n.hostId, n.name))
  if (i === -1) return [...list, n]
  const next = [...list]
  next[i] = n
  return next
}

/** Pure: the list without the network `name` of host `hostId`. */
export function removeNetwork(list: readonly Network[], hostId: string, name: string): Network[] {
  return list.filter((x) => !sameNetwork(x, hostId, name))
}

export interface NetworkListState {
  items: Network[]
  loaded: boolean
  loading: boolean
  error: string | null
}

export interface NetworkListQueryOptions {
  api?: Pick<NetworksApi, 'list'>
  /** Event stream to follow; `null` for none. */
  stream?: NetworkEventSource | null
  debounceMs?: number
}

export function createNetworkListQuery(opts: NetworkListQueryOptions = {}) {
  const source = opts.api ?? networksApi
  const state = reactive<NetworkListState>({ items: [], loaded: false, loading: false, error: null })
  const refetch = latestWins(state, () => source.list(), (res) => {
    state.items = res.items
  })

  const later = debounce(() => void refetch(), opts.debounceMs ?? NETWORK_DEBOUNCE_MS)
  const offs: (() => void)[] = []
  if (opts.stream) {
    offs.push(
      opts.stream.on('inventoryChanged', () => later.trigger()),
      opts.stream.on('hostUpserted', () => later.trigger()),
      opts.stream.on('hostRemoved', () => later.trigger()),
      opts.stream.onOpen(() => void refetch()),
    )
  }

  /**
   * An answer of a list request started before a change would undo it: refetch, so the newest
   * request (which sees the change) wins.
   */
  function afterLocalChange() {
    if (state.loading) void refetch()
  }

  return {
    state,
    refetch,
    /** Shows a network as an action answered with it, before the events' refetch. */
    upsert(n: Network) {
      state.items = upsertNetwork(state.items, n)
      afterLocalChange()
    },
    /** Drops a deleted network, before the events' refetch. */
    remove(hostId: string, name: string) {
      state.items = removeNetwork(state.items, hostId, name)
      afterLocalChange()
    },
    dispose() {
      later.cancel()
      offs.forEach((off) => off())
    },
  }
}

export type NetworkListQueryCore = ReturnType<typeof createNetworkListQuery>

/** Every host's networks, live; disposed with the component. */
export function useNetworkList() {
  const q = createNetworkListQuery({ stream: getEventStream() })
  void q.refetch()
  if (getCurrentScope()) onScopeDispose(q.dispose)
  return {
    items: computed(() => q.state.items),
    loaded: computed(() => q.state.loaded),
    loading: computed(() => q.state.loading),
    error: computed(() => q.state.error),
    refetch: q.refetch,
    upsert: q.upsert,
    remove: q.remove,
  }
}

// ---- one host's networks (the VM page's NIC dialogs) --------------------------------------------

export interface HostNetworksState {
  /** The host whose networks `items` are (`null`: none asked for). */
  hostId: string | null
  items: Network[]
  loaded: boolean
  loading: boolean
  error: string | null
}

/**
 * The networks of one host (`GET /api/v1/networks?hostId=`), by name; none while `hostId()` is
 * null. Refetched (debounced) on that host's `inventoryChanged` events that say networks changed,
 * its `hostUpserted` (reconnected), and every (re)connect of the event stream.
 */
export function createHostNetworksQuery(hostId: () => string | null, opts: NetworkListQueryOptions = {}) {
  const source = opts.api ?? networksApi
  const state = reactive<HostNetworksState>({ hostId: null, items: [], loaded: false, loading: false, error: null })
  let seq = 0

  async function refetch(): Promise<void> {
    const mine = ++seq
    const wanted = hostId()
    if (wanted !== state.hostId) Object.assign(state, { hostId: wanted, items: [], loaded: false, error: null })
    if (wanted === null) {
      state.loading = false
      return
    }
    state.loading = true
    try {
      const res = await source.list({ hostId: wanted })
      if (mine !== seq) return
      state.items = sortNetworks(res.items, 'name')
      state.loaded = true
      state.error = null
    } catch (e) {
      if (mine === seq) state.error = errorMessage(e)
    } finally {
      if (mine === seq) state.loading = false
    }
  }

  const later = debounce(() => void refetch(), opts.debounceMs ?? NETWORK_DEBOUNCE_MS)
  const mineHost = (id: string) => state.hostId !== null && id === state.hostId
  const offs: (() => void)[] = []
  if (opts.stream) {
    offs.push(
      opts.stream.on('inventoryChanged', (ev) => {
        if (mineHost(ev.hostId) && ev.otherChanges) later.trigger()
      }),
      opts.stream.on('hostUpserted', (ev) => {
        if (mineHost(ev.host.id)) later.trigger()
      }),
      opts.stream.onOpen(() => void refetch()),
    )
  }
  return {
    state,
    refetch,
    dispose() {
      later.cancel()
      offs.forEach((off) => off())
    },
  }
}

/** One host's networks, live, following `hostId()`; disposed with the component. */
export function useHostNetworks(hostId: () => string | null) {
  const q = createHostNetworksQuery(hostId, { stream: getEventStream() })
  watch(hostId, () => void q.refetch())
  void q.refetch()
  if (getCurrentScope()) onScopeDispose(q.dispose)
  return {
    items: computed(() => q.state.items),
    loaded: computed(() => q.state.loaded),
    loading: computed(() => q.state.loading),
    error: computed(() => q.state.error),
    refetch: q.refetch,
  }
}

// ---- network kinds plugins add (the "New network" dialog's "Plugin kind") ------------------------

export type NetworkKindsState = KindsState<NetworkKindInfo>

export interface NetworkKindsQueryOptions extends KindsQueryOptions {
  api?: Pick<NetworksApi, 'kinds'>
}

/** The network kinds enabled network-driver plugins add (asked again each time the "New network" dialog opens). */
export function createNetworkKindsQuery(opts: NetworkKindsQueryOptions = {}) {
  const source = opts.api ?? networksApi
  return createKindsQuery(() => source.kinds(), opts)
}

/** The network kinds plugins add, fetched whenever `enabled()` turns true (the dialog opens). */
export function useNetworkKinds(enabled: () => boolean) {
  return useKindsQuery(createNetworkKindsQuery({ stream: getEventStream(), enabled }), enabled)
}
