import type { Host } from '@/api/types'
import { hostsApi } from '../api'
import { hostsCache } from '../queries'
import { no, yes, type CanRun } from './types'

export function canRun(host: Host): CanRun {
  if (host.state === 'connected') return no('Already connected')
  if (host.state === 'connecting') return no('Connection in progress')
  return yes
}

/** Asks the server to connect; the state then changes through events. */
export async function run(host: Host): Promise<Host> {
  const updated = await hostsApi.connect(host.id)
  hostsCache.upsert(updated)
  return updated
}
