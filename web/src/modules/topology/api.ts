// The only place that talks HTTP for the topology. Everything throws ApiError on non-2xx (404
// `host_not_found` for an unknown `hostId`).
import { api, unwrap } from '@/api/client'
import type { Topology, TopologyQuery } from '@/api/types'

export const topologyApi = {
  /** Every host (or `hostId` only) with its networks and portgroups and the NICs of its VMs. */
  get: (query: TopologyQuery = {}): Promise<Topology> => unwrap(api.GET('/api/v1/topology', { params: { query } })),
}

export type TopologyApi = typeof topologyApi
