import type { Host } from '@/api/types'
import { vmsApi } from '../api'
import { no, yes, type CanRun } from './types'

export function canRun(host: Pick<Host, 'state'> | null | undefined): CanRun {
  if (!host) return no('Unknown host')
  if (host.state !== 'connected') return no('Host is not connected')
  return yes
}

/** Asks the server to re-read the host's inventory; changes then arrive as `inventoryChanged` events. */
export function run(hostId: string): Promise<Host> {
  return vmsApi.resyncHost(hostId)
}
