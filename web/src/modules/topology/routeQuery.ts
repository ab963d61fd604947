// Topology page state <-> URL query (`/topology?hostId=…&view=grid`), so links and reloads keep
// the host filter and the view. The diagram is the default view and is left out of the URL.
import type { LocationQuery, LocationQueryRaw } from 'vue-router'

export type TopologyView = 'diagram' | 'grid'
export const TOPOLOGY_VIEWS: readonly TopologyView[] = ['diagram', 'grid']

export interface TopologyFilter {
  /** Only this host. */
  hostId: string | null
  view: TopologyView
}

export function defaultTopologyFilter(over: Partial<TopologyFilter> = {}): TopologyFilter {
  return { hostId: null, view: 'diagram', ...over }
}

const one = (v: LocationQuery[string] | undefined): string | null => (Array.isArray(v) ? (v[0] ?? null) : v) || null

export function topologyFilterFromQuery(q: LocationQuery): TopologyFilter {
  const view = one(q.view)
  return defaultTopologyFilter({
    hostId: one(q.hostId),
    view: view && (TOPOLOGY_VIEWS as readonly string[]).includes(view) ? (view as TopologyView) : 'diagram',
  })
}

export function queryFromTopologyFilter(f: TopologyFilter): LocationQueryRaw {
  const q: LocationQueryRaw = {}
  if (f.hostId) q.hostId = f.hostId
  if (f.view !== 'diagram') q.view = f.view
  return q
}
