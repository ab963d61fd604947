import type { Host, VmDrift } from '@/api/types'
import { vmsApi } from '../api'
import { no, yes, type CanRun } from './types'

export function canRun(host: Pick<Host, 'state'> | null | undefined): CanRun {
  if (!host) return no('Unknown host')
  if (host.state !== 'connected') return no('Host is not connected')
  return yes
}

/** Compares the stored configuration of a VM with the live one on its host. */
export function run(vmId: string): Promise<VmDrift> {
  return vmsApi.drift(vmId)
}
