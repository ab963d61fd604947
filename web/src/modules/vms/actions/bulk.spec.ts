import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '@/api/client'
import type { BulkResult } from '@/api/types'
import { vmsApi } from '../api'
import { createVmListQuery } from '../queries'
import { page } from '../testing'
import { bulkChunkSize, runBulk, summarizeBulk, type BulkProgress } from './bulk'
import * as importVms from './import'
import * as dismissVms from './dismiss'

const ids = (n: number) => Array.from({ length: n }, (_, i) => `id-${i}`)

afterEach(() => vi.restoreAllMocks())

describe('runBulk', () => {
  it('sends about a tenth per request (25 to 500 ids) so that progress moves', () => {
    expect([1, 40, 250, 1234, 5000, 10_000].map(bulkChunkSize)).toEqual([25, 25, 25, 124, 500, 500])
  })

  it('sends chunks of 500, reports progress and aggregates done and notFound', async () => {
    const all = ids(12340)
    const calls: number[] = []
    const call = vi.fn(async (chunk: string[]): Promise<BulkResult> => {
      calls.push(chunk.length)
      // Every 100th id names no VM.
      return { done: chunk.filter((id) => !id.endsWith('00')), notFound: chunk.filter((id) => id.endsWith('00')) }
    })
    const progress: BulkProgress[] = []
    const out = await runBulk(all, call, { onProgress: (p) => progress.push({ ...p }) })
    expect(calls).toEqual([...Array(24).fill(500), 340])
    expect(progress[0]).toEqual({ done: 0, total: 12340 })
    expect(progress.slice(1, 3)).toEqual([
      { done: 500, total: 12340 },
      { done: 1000, total: 12340 },
    ])
    expect(progress.at(-1)).toEqual({ done: 12340, total: 12340 })
    expect(out.notFound).toHaveLength(123)
    expect(out.notFound.slice(0, 2)).toEqual(['id-100', 'id-200'])
    expect(out.done).toHaveLength(12340 - 123)
    expect(out.error).toBeNull()
    expect(summarizeBulk(out, 'imported')).toBe('12217 imported, 123 not found')
  })

  it('removes duplicate ids and stops at the first failing chunk', async () => {
    const call = vi
      .fn()
      .mockResolvedValueOnce({ done: ['a', 'b'], notFound: [] })
      .mockRejectedValueOnce(new ApiError(400, { code: 'invalid_request', message: 'too many' }))
    const out = await runBulk(['a', 'b', 'a', 'c', 'd', 'e'], call, { chunkSize: 2 })
    expect(call).toHaveBeenCalledTimes(2)
    expect(call.mock.calls[0]![0]).toEqual(['a', 'b'])
    expect(out).toMatchObject({ done: ['a', 'b'], failed: ['c', 'd', 'e'], error: 'too many', total: 5 })
    expect(summarizeBulk(out, 'imported')).toBe('2 imported, 3 failed')
  })
})

describe('import / dismiss actions', () => {
  it('canRun needs a selection', () => {
    expect(importVms.canRun([])).toEqual({ ok: false, reason: 'Select VMs first' })
    expect(importVms.canRun(['x'])).toEqual({ ok: true })
    expect(dismissVms.canRun([]).ok).toBe(false)
  })

  it('import.run posts chunks to /vms/import and refreshes live lists', async () => {
    const importSpy = vi.spyOn(vmsApi, 'importVms').mockImplementation(async (chunk) => ({ done: chunk.slice(1), notFound: chunk.slice(0, 1) }))
    const list = vi.fn().mockResolvedValue(page([]))
    const q = createVmListQuery('discovered', { api: { listDiscovered: list, listManaged: list } })
    const progress: number[] = []
    const out = await importVms.run(ids(5001), { onProgress: (p) => progress.push(p.done) })
    expect(importSpy).toHaveBeenCalledTimes(11)
    expect(progress).toEqual([0, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500, 5000, 5001])
    expect(out.notFound).toEqual(['id-0', 'id-500', 'id-1000', 'id-1500', 'id-2000', 'id-2500', 'id-3000', 'id-3500', 'id-4000', 'id-4500', 'id-5000'])
    expect(out.done).toHaveLength(5001 - 11)
    expect(list).toHaveBeenCalledTimes(1) // invalidated
    q.dispose()
  })

  it('dismiss.run posts to /vms/dismiss', async () => {
    const spy = vi.spyOn(vmsApi, 'dismissVms').mockResolvedValue({ done: ['a'], notFound: [] })
    const out = await dismissVms.run(['a'])
    expect(spy).toHaveBeenCalledWith(['a'])
    expect(out.done).toEqual(['a'])
  })
})
