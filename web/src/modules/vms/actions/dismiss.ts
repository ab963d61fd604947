import { vmsApi } from '../api'
import { invalidateVmQueries } from '../queries'
import { runBulk, type BulkOptions, type BulkOutcome } from './bulk'
import { no, yes, type CanRun } from './types'

export function canRun(vmIds: readonly string[]): CanRun {
  return vmIds.length === 0 ? no('Select VMs first') : yes
}

/** Hides discovered VMs from the discovered list (they stay unmanaged), in chunks. */
export async function run(vmIds: readonly string[], opts: BulkOptions = {}): Promise<BulkOutcome> {
  const out = await runBulk(vmIds, (chunk) => vmsApi.dismissVms(chunk), opts)
  invalidateVmQueries()
  return out
}
