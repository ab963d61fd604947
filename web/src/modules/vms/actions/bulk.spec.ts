import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '@/api/client'
import type { BulkResult } from '@/api/types'
import { vmsApi } from '../api'
import { createVmListQuery } from '../queries'
import { page } from '../testing'
import { runBulk, summarizeBulk, type BulkProgress } from './bulk'
import * as importVms from './import'
import * as dismissVms from './dismiss'

const ids = (n: number) => Array.from({ length: n }, (_, i) => `id-${i}`)

afterEach(() => vi.restoreAllMocks())

describe('runBulk', () => {
  it('sends chunks of 500, reports progress and aggregates done and notFound', async () => {
    const all = ids(1234)
    const calls: number[] = []
    const call = vi.fn(async (chunk: string[]): Promise<BulkResult> => {
      calls.push(chunk.length)
      // Every 100th id names no VM.
      return { done: chunk.filter((id) => !id.endsWith('00')), notFound: chunk.filter((id) => id.endsWith('00')) }
    })
    const progress: BulkProgress[] = []
    const out = await runBulk(all, call, { onProgress: (p) => progress.push({ ...p }) })
    expect(calls).toEqual([500, 500, 234])
    expect(progress).toEqual([
      { done: 0, total: 1234 },
      { done: 500, total: 1234 },
      { done: 1000, total: 1234 },
      { done: 1234, total: 1234 },
    ])
    expect(out.notFound).toEqual(['id-100', 'id-200', 'id-300', 'id-400', 'id-500', 'id-600', 'id-700', 'id-800', 'id-900', 'id-1000', 'id-1100', 'id-1200'])
    expect(out.done).toHaveLength(1234 - 12)
    expect(out.error).toBeNull()
    expect(summarizeBulk(out, 'imported')).toBe('1222 imported, 12 not found')
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
    const out = await importVms.run(ids(1001), { onProgress: (p) => progress.push(p.done) })
    expect(importSpy).toHaveBeenCalledTimes(3)
    expect(progress).toEqual([0, 500, 1000, 1001])
    expect(out.notFound).toEqual(['id-0', 'id-500', 'id-1000'])
    expect(out.done).toHaveLength(998)
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
