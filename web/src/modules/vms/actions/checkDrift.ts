import type { VmDrift } from '@/api/types'
import { vmsApi } from '../api'
import { requireConnectedHost } from './requireConnectedHost'

export const canRun = requireConnectedHost

/** Compares the stored configuration of a VM with the live one on its host. */
export function run(vmId: string): Promise<VmDrift> {
  return vmsApi.drift(vmId)
}
