import type { BulkResult } from '@/api/types'
import { errorMessage } from '@/api/client'

/** The server accepts up to 10,000 ids per request; we send smaller chunks to show progress… */
export const BULK_CHUNK_SIZE = 500
/** …about a tenth of the selection each (so progress moves for a few hundred too), at least this many. */
export const MIN_BULK_CHUNK_SIZE = 25

/** The chunk size for `n` ids. */
export function bulkChunkSize(n: number): number {
  return Math.min(BULK_CHUNK_SIZE, Math.max(MIN_BULK_CHUNK_SIZE, Math.ceil(n / 10)))
}

export interface BulkProgress {
  /** Ids sent and answered so far. */
  done: number
  total: number
}

export interface BulkOptions {
  chunkSize?: number
  onProgress?: (p: BulkProgress) => void
}

export interface BulkOutcome {
  /** Ids now in the requested state (over all chunks). */
  done: string[]
  /** Ids that named no VM. */
  notFound: string[]
  /** Ids not processed because a chunk failed (that chunk and the ones after it). */
  failed: string[]
  /** Message of the failure that stopped the run, if any. */
  error: string | null
  total: number
}

/**
 * Sends `ids` to `call` in chunks, one after another, reporting progress after each and
 * aggregating the results. Stops at the first failing chunk (the outcome says what was left).
 */
export async function runBulk(
  ids: readonly string[],
  call: (chunk: string[]) => Promise<BulkResult>,
  opts: BulkOptions = {},
): Promise<BulkOutcome> {
  const unique = [...new Set(ids)]
  const size = Math.max(1, opts.chunkSize ?? bulkChunkSize(unique.length))
  const out: BulkOutcome = { done: [], notFound: [], failed: [], error: null, total: unique.length }
  opts.onProgress?.({ done: 0, total: unique.length })
  for (let i = 0; i < unique.length; i += size) {
    const chunk = unique.slice(i, i + size)
    try {
      const r = await call(chunk)
      out.done.push(...r.done)
      out.notFound.push(...r.notFound)
    } catch (e) {
      out.failed = unique.slice(i)
      out.error = errorMessage(e)
      break
    }
    opts.onProgress?.({ done: Math.min(unique.length, i + chunk.length), total: unique.length })
  }
  return out
}

/** One-line summary for a toast: "3 imported, 1 not found". */
export function summarizeBulk(o: BulkOutcome, verb: string): string {
  const parts = [`${o.done.length} ${verb}`]
  if (o.notFound.length) parts.push(`${o.notFound.length} not found`)
  if (o.failed.length) parts.push(`${o.failed.length} failed`)
  return parts.join(', ')
}
