// The only place that talks HTTP for ports. Everything throws ApiError on non-2xx (400
// `invalid_query` for a bad filter or paging, 404 `host_not_found` for an unknown `hostId`).
import { api, unwrap } from '@/api/client'
import type { PortList, PortListQuery } from '@/api/types'

export const portsApi = {
  /** One page of the VM NICs (ports) of every host, or of `hostId` / `network`, matching `q`. */
  list: (query: PortListQuery = {}): Promise<PortList> => unwrap(api.GET('/api/v1/ports', { params: { query } })),
}

export type PortsApi = typeof portsApi
