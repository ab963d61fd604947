// Server state for hosts: a small shared query cache, filled by GET /api/v1/hosts and kept
// live by WebSocket events. Refetched after every (re)connect of the event stream.
import { computed, reactive, type ComputedRef } from 'vue'
import type { Host, ServerEvent } from '@/api/types'
import type { EventStream } from '@/api/events'
import { errorMessage } from '@/api/client'
import { timestampMicros } from '@/lib/time'
import { hostsApi, type HostsApi } from './api'

export { timestampMicros }

/** Pure: the host list after applying one server event. Unknown event types are ignored. */
export function applyHostEvent(hosts: readonly Host[], ev: ServerEvent): Host[] {
  switch (ev.type) {
    case 'hostUpserted':
      return upsertHost(hosts, ev.host)
    case 'hostRemoved':
      return removeHost(hosts, ev.hostId)
    case 'hostState': {
      const id = ev.hostId
      return hosts.map((h) => (h.id === id ? { ...h, state: ev.state, stateReason: ev.reason ?? null } : h))
    }
    default:
      return [...hosts]
  }
}

/**
 * Pure: insert or replace a host by id. A copy older than the one held (by `updatedAt`) is
 * ignored: an HTTP response can arrive after the WebSocket already delivered newer state.
 */
export function upsertHost(hosts: readonly Host[], host: Host): Host[] {
  const i = hosts.findIndex((h) => h.id === host.id)
  if (i === -1) return [...hosts, host]
  const held = hosts[i]
  if (held && timestampMicros(host.updatedAt) < timestampMicros(held.updatedAt)) return [...hosts]
  const next = [...hosts]
  next[i] = host
  return next
}

/** Pure: drop a host by id. */
export function removeHost(hosts: readonly Host[], id: string): Host[] {
  return hosts.filter((h) => h.id !== id)
}

export function sortHosts(hosts: readonly Host[]): Host[] {
  return [...hosts].sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }))
}

export interface HostsCache {
  readonly state: { hosts: Host[]; loaded: boolean; loading: boolean; error: string | null }
  refetch(): Promise<void>
  apply(ev: ServerEvent): void
  upsert(host: Host): void
  remove(id: string): void
  bind(stream: EventStream): () => void
}

export function createHostsCache(source: Pick<HostsApi, 'list'> = hostsApi): HostsCache {
  const state = reactive({ hosts: [] as Host[], loaded: false, loading: false, error: null as string | null })
  // Changes (events, local upserts/removals) made while a list request is in flight are replayed
  // on top of its result, so a response generated before them cannot overwrite them.
  type Change = (hosts: readonly Host[]) => Host[]
  let buffer: Change[] | null = null
  let inflight: Promise<void> | null = null
  let again = false

  async function doFetch(): Promise<void> {
    buffer = []
    state.loading = true
    try {
      let hosts = await source.list()
      for (const fn of buffer) hosts = fn(hosts)
      state.hosts = hosts
      state.loaded = true
      state.error = null
    } catch (e) {
      state.error = errorMessage(e)
    } finally {
      buffer = null
      state.loading = false
    }
  }

  function refetch(): Promise<void> {
    if (inflight) {
      // A fetch is running; run one more afterwards (its result may predate the caller's reason).
      again = true
      return inflight
    }
    inflight = (async () => {
      do {
        again = false
        await doFetch()
      } while (again)
    })().finally(() => {
      inflight = null
    })
    return inflight
  }

  function change(fn: Change) {
    buffer?.push(fn)
    state.hosts = fn(state.hosts)
  }
  const apply = (ev: ServerEvent) => change((hosts) => applyHostEvent(hosts, ev))

  return {
    state,
    refetch,
    apply,
    upsert: (host) => change((hosts) => upsertHost(hosts, host)),
    remove: (id) => change((hosts) => removeHost(hosts, id)),
    bind(stream) {
      const offs = [
        stream.on('hostUpserted', apply),
        stream.on('hostRemoved', apply),
        stream.on('hostState', apply),
        stream.onOpen(() => void refetch()),
      ]
      return () => offs.forEach((off) => off())
    },
  }
}

/** The app-wide hosts cache. */
export const hostsCache = createHostsCache()

export interface HostsQuery {
  hosts: ComputedRef<Host[]>
  loading: ComputedRef<boolean>
  loaded: ComputedRef<boolean>
  error: ComputedRef<string | null>
  refetch: () => Promise<void>
}

/** All hosts, sorted by name, live. Fetches on first use. */
export function useHosts(cache: HostsCache = hostsCache): HostsQuery {
  if (!cache.state.loaded && !cache.state.loading) void cache.refetch()
  return {
    hosts: computed(() => sortHosts(cache.state.hosts)),
    loading: computed(() => cache.state.loading),
    loaded: computed(() => cache.state.loaded),
    error: computed(() => cache.state.error),
    refetch: cache.refetch,
  }
}

/** One host by id, live. `host` is null while loading or when it does not exist. */
export function useHost(id: () => string, cache: HostsCache = hostsCache) {
  const q = useHosts(cache)
  return {
    host: computed(() => cache.state.hosts.find((h) => h.id === id()) ?? null),
    notFound: computed(() => q.loaded.value && !cache.state.hosts.some((h) => h.id === id())),
    loading: q.loading,
    error: q.error,
    refetch: q.refetch,
  }
}
