import type { VmDetail } from '@/api/types'
import { vmsApi } from '../api'
import { requireConnectedHost } from './requireConnectedHost'

export const canRun = requireConnectedHost

/** Re-reads one VM from its host; resolves with the VM as stored afterwards. */
export function run(vmId: string): Promise<VmDetail> {
  return vmsApi.resyncVm(vmId)
}
