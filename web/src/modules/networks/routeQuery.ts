// Network list filters <-> URL query (so /networks?hostId=… links work and reloads keep the view).
import type { LocationQuery, LocationQueryRaw } from 'vue-router'
import { defaultNetworkFilter, NETWORK_SORT_KEYS, type NetworkFilter, type NetworkSortKey } from './queries'

const one = (v: LocationQuery[string] | undefined): string | null => (Array.isArray(v) ? (v[0] ?? null) : v) || null

export function networkFilterFromQuery(q: LocationQuery): Partial<NetworkFilter> {
  const out: Partial<NetworkFilter> = {}
  const hostId = one(q.hostId)
  if (hostId) out.hostId = hostId
  const text = one(q.q)
  if (text) out.q = text
  const sort = one(q.sort)
  if (sort && (NETWORK_SORT_KEYS as readonly string[]).includes(sort)) out.sort = sort as NetworkSortKey
  return out
}

export function queryFromNetworkFilter(f: NetworkFilter): LocationQueryRaw {
  const q: LocationQueryRaw = {}
  if (f.hostId) q.hostId = f.hostId
  if (f.q.trim()) q.q = f.q.trim()
  if (f.sort !== defaultNetworkFilter().sort) q.sort = f.sort
  return q
}

export function networkQueryKey(q: LocationQuery | LocationQueryRaw): string {
  return JSON.stringify(Object.keys(q).sort().map((k) => [k, String(q[k])]))
}
