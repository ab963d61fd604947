import type { Host } from '@/api/types'
import { vmsApi } from '../api'
import { requireConnectedHost } from './requireConnectedHost'

export const canRun = requireConnectedHost

/** Asks the server to re-read the host's inventory; changes then arrive as `inventoryChanged` events. */
export function run(hostId: string): Promise<Host> {
  return vmsApi.resyncHost(hostId)
}
