// List filters <-> URL query (so links like /vms?hostId=… work and reloads keep the view).
import type { LocationQuery, LocationQueryRaw } from 'vue-router'
import type { PowerState, VmSortKey } from '@/api/types'
import { defaultFilter, PER_PAGE_OPTIONS, type VmListFilter } from './queries'
import { SORT_KEYS } from './sorting'

const STATES: readonly PowerState[] = ['running', 'paused', 'shuttingDown', 'shutoff', 'crashed', 'suspended', 'unknown']

const one = (v: LocationQuery[string] | undefined): string | null => (Array.isArray(v) ? (v[0] ?? null) : v) || null

export function filterFromQuery(q: LocationQuery): Partial<VmListFilter> {
  const out: Partial<VmListFilter> = {}
  const hostId = one(q.hostId)
  if (hostId) out.hostId = hostId
  const text = one(q.q)
  if (text) out.q = text
  const state = one(q.state)
  if (state && (STATES as string[]).includes(state)) out.state = state as PowerState
  const sort = one(q.sort)
  if (sort && (SORT_KEYS as readonly string[]).includes(sort)) out.sort = sort as VmSortKey
  const page = Number(one(q.page))
  if (Number.isInteger(page) && page >= 1) out.page = page
  if (one(q.dismissed) === 'true') out.dismissed = true
  const perPage = Number(one(q.perPage))
  if ((PER_PAGE_OPTIONS as readonly number[]).includes(perPage)) out.perPage = perPage
  return out
}

export function queryFromFilter(f: VmListFilter): LocationQueryRaw {
  const d = defaultFilter()
  const q: LocationQueryRaw = {}
  if (f.hostId) q.hostId = f.hostId
  if (f.q.trim()) q.q = f.q.trim()
  if (f.state) q.state = f.state
  if (f.sort !== d.sort) q.sort = f.sort
  if (f.page !== d.page) q.page = String(f.page)
  if (f.perPage !== d.perPage) q.perPage = String(f.perPage)
  if (f.dismissed) q.dismissed = 'true'
  return q
}

/** Stable key of a query for comparisons. */
export function queryKey(q: LocationQuery | LocationQueryRaw): string {
  return JSON.stringify(Object.keys(q).sort().map((k) => [k, String(q[k])]))
}
