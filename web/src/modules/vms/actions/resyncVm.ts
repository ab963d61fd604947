import type { Host, VmDetail } from '@/api/types'
import { vmsApi } from '../api'
import { no, yes, type CanRun } from './types'

export function canRun(host: Pick<Host, 'state'> | null | undefined): CanRun {
  if (!host) return no('Unknown host')
  if (host.state !== 'connected') return no('Host is not connected')
  return yes
}

/** Re-reads one VM from its host; resolves with the VM as stored afterwards. */
export function run(vmId: string): Promise<VmDetail> {
  return vmsApi.resyncVm(vmId)
}
