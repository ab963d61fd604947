// The only place that talks HTTP for usage statistics. Everything throws ApiError on non-2xx.
import { api, unwrap } from '@/api/client'
import type { HostStatsHistory, StatsRange, VmStats, VmStatsHistory } from '@/api/types'

export const statsApi = {
  /** The latest sample of every managed VM on every connected host. */
  listVmStats: (): Promise<VmStats[]> => unwrap(api.GET('/api/v1/stats/vms')),
  vmHistory: (id: string, range: StatsRange): Promise<VmStatsHistory> =>
    unwrap(api.GET('/api/v1/vms/{id}/stats', { params: { path: { id }, query: { range } } })),
  hostHistory: (id: string, range: StatsRange): Promise<HostStatsHistory> =>
    unwrap(api.GET('/api/v1/hosts/{id}/stats', { params: { path: { id }, query: { range } } })),
}

export type StatsApi = typeof statsApi
