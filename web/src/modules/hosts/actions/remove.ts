import type { Host } from '@/api/types'
import { hostsApi } from '../api'
import { hostsCache } from '../queries'
import { yes, type CanRun } from './types'

export function canRun(_host: Host): CanRun {
  return yes
}

/** Deletes the host (the caller confirms first). */
export async function run(host: Host): Promise<void> {
  await hostsApi.remove(host.id)
  hostsCache.remove(host.id)
}
