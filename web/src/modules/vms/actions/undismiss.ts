import { vmsApi } from '../api'
import { invalidateVmQueries } from '../queries'
import { runBulk, type BulkOptions, type BulkOutcome } from './bulk'
import { no, yes, type CanRun } from './types'

export function canRun(vmIds: readonly string[]): CanRun {
  return vmIds.length === 0 ? no('Select dismissed VMs first') : yes
}

/** Shows dismissed VMs in the discovered list again (they stay unmanaged), in chunks. */
export async function run(vmIds: readonly string[], opts: BulkOptions = {}): Promise<BulkOutcome> {
  const out = await runBulk(vmIds, (chunk) => vmsApi.undismissVms(chunk), opts)
  invalidateVmQueries()
  return out
}
