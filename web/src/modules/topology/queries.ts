// Server state for the topology (`GET /api/v1/topology`): hosts, their networks and portgroups,
// and every NIC of their VMs, in one request. Nothing polls: it is refetched (debounced, a sync
// sends many events) on `inventoryChanged` (VMs, their NICs or state, or networks changed),
// `hostUpserted` (a host added, renamed or reconnected), `hostState` and `hostRemoved` — those of
// another host than the host filter aside — and at once after every (re)connect of the event
// stream.
import { computed, getCurrentScope, onScopeDispose, reactive, watch } from 'vue'
import type { EventStream } from '@/api/events'
import type { ServerEvent, Topology } from '@/api/types'
import { latestWins } from '@/lib/latestWins'
import { getEventStream } from '@/composables/useEventStream'
import { debounce } from '@/lib/debounce'
import { topologyApi, type TopologyApi } from './api'

/** What the query needs from the event stream (an `EventStream`, or a fake in tests). */
export type TopologyEventSource = Pick<EventStream, 'on' | 'onOpen'>

export const TOPOLOGY_DEBOUNCE_MS = 300

/** Whether an event can change the topology shown for `hostId` (every host when null). */
export function eventConcernsTopology(ev: ServerEvent, hostId: string | null): boolean {
  let id: string | undefined
  switch (ev.type) {
    case 'inventoryChanged':
    case 'hostRemoved':
    case 'hostState':
      id = ev.hostId
      break
    case 'hostUpserted':
      id = ev.host.id
      break
    default:
      return false
  }
  return !hostId || id === undefined || id === hostId
}

export interface TopologyState {
  /** The host filter `data` answers (`null`: every host). */
  hostId: string | null
  data: Topology | null
  loaded: boolean
  loading: boolean
  error: string | null
}

export interface TopologyQueryOptions {
  api?: Pick<TopologyApi, 'get'>
  /** Event stream to follow; `null` for none. */
  stream?: TopologyEventSource | null
  debounceMs?: number
}

/** The topology of `hostId()` (every host when null), live. */
export function createTopologyQuery(hostId: () => string | null, opts: TopologyQueryOptions = {}) {
  const source = opts.api ?? topologyApi
  const state = reactive<TopologyState>({ hostId: null, data: null, loaded: false, loading: false, error: null })
  const load = () => {
    const wanted = hostId()
    // Another host: what is held is not its topology.
    if (wanted !== state.hostId) Object.assign(state, { hostId: wanted, data: null, loaded: false, error: null })
    return source.get(wanted ? { hostId: wanted } : {})
  }
  const refetch = latestWins(state, load, (data) => {
    state.data = data
  })

  const later = debounce(() => void refetch(), opts.debounceMs ?? TOPOLOGY_DEBOUNCE_MS)
  const handle = (ev: ServerEvent) => {
    if (eventConcernsTopology(ev, hostId())) later.trigger()
  }
  const offs: (() => void)[] = []
  if (opts.stream) {
    offs.push(
      opts.stream.on('inventoryChanged', handle),
      opts.stream.on('hostUpserted', handle),
      opts.stream.on('hostState', handle),
      opts.stream.on('hostRemoved', handle),
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

export type TopologyQueryCore = ReturnType<typeof createTopologyQuery>

/** The live topology of `hostId()` (every host when null), following it; disposed with the component. */
export function useTopology(hostId: () => string | null) {
  const q = createTopologyQuery(hostId, { stream: getEventStream() })
  watch(hostId, () => void q.refetch())
  void q.refetch()
  if (getCurrentScope()) onScopeDispose(q.dispose)
  return {
    data: computed(() => q.state.data),
    loaded: computed(() => q.state.loaded),
    loading: computed(() => q.state.loading),
    error: computed(() => q.state.error),
    refetch: q.refetch,
  }
}
