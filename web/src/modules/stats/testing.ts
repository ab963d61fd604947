// Test fixtures for usage statistics (imported by *.spec.ts only).
import type { HostStats, ServerEvent, StatsPoint, VmStats } from '@/api/types'
import type { StatsEventSource } from './queries'

export const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString()

export function makeVmStats(vmId: string, s: number, over: Partial<VmStats> = {}): VmStats {
  return { vmId, at: at(s), state: 'running', cpuPercent: s, memoryBytes: 2 * 1024 ** 3, memoryUsedBytes: 1024 ** 3, ...over }
}

export function makeHostStats(hostId: string, s: number, over: Partial<HostStats> = {}): HostStats {
  return { hostId, at: at(s), cpus: 8, cpuPercent: s, memoryTotalBytes: 16 * 1024 ** 3, memoryUsedBytes: 4 * 1024 ** 3, vmsRunning: 1, intervalSecs: 1, ...over }
}

export const point = (s: number, cpuPercent: number | null = s): StatsPoint => ({ at: at(s), cpuPercent })

/** Event source that records `setTopics`; `emit` delivers to `on` handlers, `open` to `onOpen` ones. */
export function fakeStatsStream() {
  const handlers = new Map<string, Set<(ev: never) => void>>()
  const opens = new Set<() => void>()
  const topics: string[][] = []
  const s = {
    topics,
    on(type: string, h: (ev: never) => void) {
      let set = handlers.get(type)
      if (!set) handlers.set(type, (set = new Set()))
      set.add(h)
      return () => set.delete(h)
    },
    onOpen(h: () => void) {
      opens.add(h)
      return () => opens.delete(h)
    },
    setTopics(t: readonly string[]) {
      topics.push([...t])
    },
    emit(ev: ServerEvent) {
      for (const h of handlers.get(ev.type) ?? []) (h as (e: unknown) => void)(ev)
    },
    open() {
      for (const h of opens) h()
    },
    listeners: () => [...handlers.values()].reduce((a, x) => a + x.size, 0) + opens.size,
  }
  return s as typeof s & StatsEventSource
}

/** A fake `document` for page visibility. */
export function fakeVisibility(initial: DocumentVisibilityState = 'visible') {
  const hs = new Set<() => void>()
  const v = {
    visibilityState: initial,
    addEventListener: (_: 'visibilitychange', h: () => void) => void hs.add(h),
    removeEventListener: (_: 'visibilitychange', h: () => void) => void hs.delete(h),
    set(state: DocumentVisibilityState) {
      v.visibilityState = state
      hs.forEach((h) => h())
    },
    listeners: () => hs.size,
  }
  return v
}
