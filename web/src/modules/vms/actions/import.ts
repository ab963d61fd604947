import { vmsApi } from '../api'
import { invalidateVmQueries } from '../queries'
import { runBulk, type BulkOptions, type BulkOutcome } from './bulk'
import { no, yes, type CanRun } from './types'

export function canRun(vmIds: readonly string[]): CanRun {
  return vmIds.length === 0 ? no('Select VMs first') : yes
}

/** Imports discovered VMs into management, in chunks, then refreshes the VM lists. */
export async function run(vmIds: readonly string[], opts: BulkOptions = {}): Promise<BulkOutcome> {
  const out = await runBulk(vmIds, (chunk) => vmsApi.importVms(chunk), opts)
  invalidateVmQueries()
  return out
}
