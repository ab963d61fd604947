// The VM lists' sortable columns: each sorts both ways, its first click the more useful way.
import type { VmSortKey } from '@/api/types'

export type SortColumn = 'name' | 'host' | 'state' | 'memory' | 'created'
type Direction = 'ascending' | 'descending'
type Column = { first: VmSortKey; reverse: VmSortKey; firstDirection: Direction }

/** Each column's first-click order and its reverse, and the direction of the first. */
const COLUMNS = {
  name: { first: 'name', reverse: 'nameDesc', firstDirection: 'ascending' },
  host: { first: 'host', reverse: 'hostDesc', firstDirection: 'ascending' },
  state: { first: 'state', reverse: 'stateDesc', firstDirection: 'ascending' },
  // Largest and newest first: what an operator looks for.
  memory: { first: 'memory', reverse: 'memoryAsc', firstDirection: 'descending' },
  created: { first: 'created', reverse: 'createdAsc', firstDirection: 'descending' },
} as const satisfies Record<SortColumn, Column>

type Offered = (typeof COLUMNS)[SortColumn]['first' | 'reverse']
/** Compiles only while every order the API accepts belongs to a column. */
export const EVERY_ORDER_HAS_A_COLUMN: Exclude<VmSortKey, Offered> extends never ? true : never = true

/** Each order in words, for views without column headers (the cards). */
export const SORT_LABELS: Record<VmSortKey, string> = {
  name: 'Name, A to Z',
  nameDesc: 'Name, Z to A',
  host: 'Host, A to Z',
  hostDesc: 'Host, Z to A',
  state: 'State',
  stateDesc: 'State, reversed',
  created: 'Newest first',
  createdAsc: 'Oldest first',
  memory: 'Most memory first',
  memoryAsc: 'Least memory first',
}

/** Every order the lists accept (as the API does). */
export const SORT_KEYS: readonly VmSortKey[] = Object.values(COLUMNS).flatMap((c) => [c.first, c.reverse])

/** How `current` sorts `column`: its direction, or null when it sorts by another column. */
export function sortDirection(column: SortColumn, current: VmSortKey): Direction | null {
  const c: Column = COLUMNS[column]
  if (current === c.first) return c.firstDirection
  if (current === c.reverse) return c.firstDirection === 'ascending' ? 'descending' : 'ascending'
  return null
}

/** The order a click on `column` asks for: its first order, or the reverse when that is current. */
export function nextSort(column: SortColumn, current: VmSortKey): VmSortKey {
  const c: Column = COLUMNS[column]
  return current === c.first ? c.reverse : c.first
}
