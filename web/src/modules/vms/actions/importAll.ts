import type { BulkResult } from '@/api/types'
import { vmsApi } from '../api'
import { invalidateVmQueries } from '../queries'
import { no, yes, type CanRun } from './types'

export function canRun(hostId: string | null | undefined, discoveredOnHost?: number): CanRun {
  if (!hostId) return no('Filter by a host first')
  if (discoveredOnHost === 0) return no('Nothing discovered on this host')
  return yes
}

/** Imports every discovered (not dismissed) VM of one host. */
export async function run(hostId: string): Promise<BulkResult> {
  const r = await vmsApi.importAll(hostId)
  invalidateVmQueries()
  return r
}
