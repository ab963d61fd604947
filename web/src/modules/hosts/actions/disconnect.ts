import type { Host } from '@/api/types'
import { hostsApi } from '../api'
import { hostsCache } from '../queries'
import { no, yes, type CanRun } from './types'

export function canRun(host: Host): CanRun {
  if (host.state === 'disconnected') return no('Already disconnected')
  if (host.state === 'error') return no('Not connected')
  return yes
}

/** Disconnects and disables auto-connect (persisted by the server). */
export async function run(host: Host): Promise<Host> {
  const updated = await hostsApi.disconnect(host.id)
  hostsCache.upsert(updated)
  return updated
}
