import { afterEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, nextTick } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import type { PluginEntry } from '@/api/types'
import { createPluginsQuery, removePlugin, upsertPlugin, usePlugins, type VisibilitySource } from './queries'
import { makeBuiltin, makeWasm } from './testing'

const pluginsApi = vi.hoisted(() => ({ list: vi.fn() }))
vi.mock('./api', async (orig) => ({ ...(await orig<typeof import('./api')>()), pluginsApi }))

afterEach(() => pluginsApi.list.mockReset())

const deferred = <T>() => {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

describe('list helpers', () => {
  it('upsert replaces by kind or appends; remove drops by kind', () => {
    const a = makeWasm('a')
    const b = makeWasm('b')
    const a2 = makeWasm('a', { state: 'disabled' })
    expect(upsertPlugin([a, b], a2)).toEqual([a2, b])
    expect(upsertPlugin([a], b)).toEqual([a, b])
    expect(removePlugin([a, b], 'a')).toEqual([b])
  })
})

describe('createPluginsQuery', () => {
  it('loads, reports errors, and the newest request wins', async () => {
    const first = deferred<PluginEntry[]>()
    const second = deferred<PluginEntry[]>()
    const api = { list: vi.fn().mockReturnValueOnce(first.promise).mockReturnValueOnce(second.promise).mockRejectedValueOnce(new Error('down')) }
    const q = createPluginsQuery({ api })
    const r1 = q.refetch()
    const r2 = q.refetch()
    second.resolve([makeBuiltin(), makeWasm('new')])
    await r2
    first.resolve([makeBuiltin()])
    await r1
    expect(q.state.items.map((p) => p.kind)).toEqual(['libvirt', 'new'])
    expect(q.state).toMatchObject({ loaded: true, loading: false, error: null })
    await q.refetch()
    expect(q.state.error).toBe('down')
    expect(q.state.items).toHaveLength(2) // the last good list stays
  })

  it('a local change while a list request runs asks again, so the answer cannot undo it', async () => {
    const stale = deferred<PluginEntry[]>()
    const api = { list: vi.fn().mockReturnValueOnce(stale.promise).mockResolvedValueOnce([makeWasm('a', { state: 'disabled' })]) }
    const q = createPluginsQuery({ api })
    const r = q.refetch()
    q.upsert(makeWasm('a', { state: 'disabled' }))
    expect(api.list).toHaveBeenCalledTimes(2)
    stale.resolve([makeWasm('a', { state: 'enabled' })])
    await r
    await flushPromises()
    expect(q.state.items[0]!.wasm!.state).toBe('disabled')
    q.remove('a')
    expect(q.state.items).toEqual([])
    expect(api.list).toHaveBeenCalledTimes(2) // nothing running: no extra request
  })
})

describe('usePlugins', () => {
  it('fetches when mounted and each time the tab becomes visible again; never by itself', async () => {
    vi.useFakeTimers()
    try {
      pluginsApi.list.mockResolvedValue([makeBuiltin()])
      const handlers = new Set<() => void>()
      const vis = {
        visibilityState: 'visible' as DocumentVisibilityState,
        addEventListener: (_: 'visibilitychange', h: () => void) => void handlers.add(h),
        removeEventListener: (_: 'visibilitychange', h: () => void) => void handlers.delete(h),
      } satisfies VisibilitySource
      const C = defineComponent({
        setup() {
          const { plugins } = usePlugins(vis)
          return () => h('p', plugins.value.map((p) => p.kind).join(','))
        },
      })
      const w = mount(C)
      await flushPromises()
      expect(w.text()).toBe('libvirt')
      expect(pluginsApi.list).toHaveBeenCalledTimes(1)
      await vi.advanceTimersByTimeAsync(600_000)
      expect(pluginsApi.list).toHaveBeenCalledTimes(1)

      vis.visibilityState = 'hidden'
      handlers.forEach((f) => f())
      expect(pluginsApi.list).toHaveBeenCalledTimes(1)
      vis.visibilityState = 'visible'
      handlers.forEach((f) => f())
      await nextTick()
      expect(pluginsApi.list).toHaveBeenCalledTimes(2)

      w.unmount()
      expect(handlers.size).toBe(0)
    } finally {
      vi.useRealTimers()
    }
  })
})
