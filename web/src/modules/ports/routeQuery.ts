// Port list filters <-> URL query (so /ports?hostId=…&network=… links work and reloads keep the view).
import type { LocationQuery, LocationQueryRaw } from 'vue-router'
import type { PortSortKey } from '@/api/types'
import { defaultPortFilter, PORT_PER_PAGE_OPTIONS, PORT_SORT_KEYS, portSearchText, type PortListFilter } from './queries'

const one = (v: LocationQuery[string] | undefined): string | null => (Array.isArray(v) ? (v[0] ?? null) : v) || null

export function portFilterFromQuery(q: LocationQuery): Partial<PortListFilter> {
  const out: Partial<PortListFilter> = {}
  const hostId = one(q.hostId)
  if (hostId) out.hostId = hostId
  const network = one(q.network)
  if (network) out.network = network
  const text = portSearchText(one(q.q) ?? '')
  if (text) out.q = text
  const sort = one(q.sort)
  if (sort && (PORT_SORT_KEYS as readonly string[]).includes(sort)) out.sort = sort as PortSortKey
  const page = Number(one(q.page))
  if (Number.isInteger(page) && page >= 1) out.page = page
  const perPage = Number(one(q.perPage))
  if ((PORT_PER_PAGE_OPTIONS as readonly number[]).includes(perPage)) out.perPage = perPage
  return out
}

export function queryFromPortFilter(f: PortListFilter): LocationQueryRaw {
  const d = defaultPortFilter()
  const q: LocationQueryRaw = {}
  if (f.hostId) q.hostId = f.hostId
  if (f.network) q.network = f.network
  const text = portSearchText(f.q)
  if (text) q.q = text
  if (f.sort !== d.sort) q.sort = f.sort
  if (f.page !== d.page) q.page = String(f.page)
  if (f.perPage !== d.perPage) q.perPage = String(f.perPage)
  return q
}

/** Stable key of a query for comparisons. */
export function portQueryKey(q: LocationQuery | LocationQueryRaw): string {
  return JSON.stringify(Object.keys(q).sort().map((k) => [k, String(q[k])]))
}
