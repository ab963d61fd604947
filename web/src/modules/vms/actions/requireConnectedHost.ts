import type { Host } from '@/api/types'
import { no, yes, type CanRun } from './types'

/** Actions that ask a host something need it connected. */
export function requireConnectedHost(host: Pick<Host, 'state'> | null | undefined): CanRun {
  if (!host) return no('Unknown host')
  if (host.state !== 'connected') return no('Host is not connected')
  return yes
}
