// The only place that talks HTTP for networks. Everything throws ApiError on non-2xx.
import { api, unwrap } from '@/api/client'
import type { NetworkList, NetworkListQuery } from '@/api/types'

export const networksApi = {
  /** Networks of every host (or of `hostId`), by host name then network name. */
  list: (query: NetworkListQuery = {}): Promise<NetworkList> => unwrap(api.GET('/api/v1/networks', { params: { query } })),
}

export type NetworksApi = typeof networksApi
