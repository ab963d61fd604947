import { isApiError } from '@/api/client'
import type { HostKey } from '@/api/types'

export type HostField = 'name' | 'uri' | 'keyFile'

/** Which form field a server error code refers to (for highlighting), or null. */
export function fieldForCode(code: string): HostField | null {
  if (code.includes('key_file')) return 'keyFile'
  if (code.includes('name')) return 'name'
  if (code.includes('uri') || code.includes('scheme')) return 'uri'
  return null
}

function isHostKey(v: unknown): v is HostKey {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as HostKey).keyType === 'string' &&
    typeof (v as HostKey).fingerprint === 'string'
  )
}

/** The SSH host key the user must approve, when the error is `host_key_unverified`. */
export function unverifiedHostKey(e: unknown): HostKey | null {
  if (!isApiError(e) || e.code !== 'host_key_unverified') return null
  const key = e.details?.hostKey
  return isHostKey(key) ? key : null
}
