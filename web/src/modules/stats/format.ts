// Display helpers for usage statistics. Pure functions.
import type { StatsRange } from '@/api/types'

const RANGE_LABELS: Record<StatsRange, string> = { recent: 'Live', hour: '1 h', day: '24 h', week: '7 d' }

/** The range picker's label: "Live", "1 h", "24 h", "7 d". */
export function rangeLabel(r: StatsRange): string {
  return RANGE_LABELS[r]
}
