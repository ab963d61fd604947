import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { computed } from 'vue'
import type { HostStats, VmStats } from '@/api/types'
import { isNewerSample, pushRing, RELEASE_DELAY_MS, RING_SIZE, useStatsStore, vmPoint, type LiveRing } from './stats'

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString()
const hostStats = (hostId: string, s: number, over: Partial<HostStats> = {}): HostStats => ({
  hostId,
  at: at(s),
  cpus: 8,
  cpuPercent: 10 + s,
  memoryTotalBytes: 16 * 1024 ** 3,
  memoryUsedBytes: 4 * 1024 ** 3,
  vmsRunning: 1,
  intervalSecs: 1,
  ...over,
})
const vmStats = (vmId: string, s: number, over: Partial<VmStats> = {}): VmStats => ({
  vmId,
  at: at(s),
  state: 'running',
  cpuPercent: s,
  memoryBytes: 2 * 1024 ** 3,
  memoryUsedBytes: 1024 ** 3,
  ...over,
})

beforeEach(() => {
  setActivePinia(createPinia())
  vi.useFakeTimers()
})
afterEach(() => vi.useRealTimers())

describe('pure helpers', () => {
  it('isNewerSample compares to the microsecond; anything beats nothing', () => {
    expect(isNewerSample({ at: '2026-01-01T00:00:00.000002Z' }, { at: '2026-01-01T00:00:00.000001Z' })).toBe(true)
    expect(isNewerSample({ at: '2026-01-01T00:00:00.000001Z' }, { at: '2026-01-01T00:00:00.000001Z' })).toBe(false)
    expect(isNewerSample({ at: at(1) }, { at: at(2) })).toBe(false)
    expect(isNewerSample({ at: at(1) }, undefined)).toBe(true)
  })

  it('pushRing keeps the newest `size` values and stores nulls as NaN', () => {
    const ring: LiveRing = { at: [], cpu: [], mem: [] }
    for (let i = 0; i < 5; i++) pushRing(ring, i, i % 2 ? null : i * 10, i, 3)
    expect(ring.at).toEqual([2, 3, 4])
    expect(ring.cpu).toEqual([20, Number.NaN, 40])
    expect(ring.mem).toEqual([2, 3, 4])
  })

  it('vmPoint keeps the graphed fields, nulls for missing ones', () => {
    expect(vmPoint(vmStats('v', 1, { netRxBps: 5 }))).toEqual({
      at: at(1),
      cpuPercent: 1,
      memoryUsedBytes: 1024 ** 3,
      diskReadBps: null,
      diskWriteBps: null,
      netRxBps: 5,
      netTxBps: null,
    })
  })
})

describe('useStatsStore: merging', () => {
  it('a tick sets the host and its VMs; older samples are ignored', () => {
    const s = useStatsStore()
    s.applyTick(hostStats('h', 2), [vmStats('a', 2), vmStats('b', 2)])
    expect(s.host('h')?.cpuPercent).toBe(12)
    expect(s.vm('a')?.cpuPercent).toBe(2)
    // An initial fill answered after the tick (older sample) changes nothing.
    s.fill([vmStats('a', 1, { cpuPercent: 99 })])
    expect(s.vm('a')?.cpuPercent).toBe(2)
    s.applyTick(hostStats('h', 1, { cpuPercent: 99 }), [vmStats('a', 1, { cpuPercent: 99 }), vmStats('b', 3)])
    expect(s.host('h')?.cpuPercent).toBe(12)
    expect(s.vm('a')?.cpuPercent).toBe(2)
    expect(s.vm('b')?.cpuPercent).toBe(3)
    expect(s.vmRing('a').cpu).toEqual([2])
    expect(s.vmRing('b').cpu).toEqual([2, 3])
  })

  it('the fill adds VMs without a host; a tick then owns them', () => {
    const s = useStatsStore()
    s.fill([vmStats('a', 1), vmStats('x', 1)])
    expect(s.vm('x')).not.toBeNull()
    s.applyTick(hostStats('h', 2), [vmStats('a', 2)])
    // "x" was never reported by a host tick: kept until its host reports (it may be another host's).
    expect(s.vm('x')).not.toBeNull()
    expect(s.vmRing('a').cpu).toEqual([1, 2])
  })

  it('VMs a host stops reporting are forgotten; a VM that moved is not dropped by its old host', () => {
    const s = useStatsStore()
    s.applyTick(hostStats('h1', 1), [vmStats('a', 1), vmStats('b', 1), vmStats('m', 1)])
    s.applyTick(hostStats('h2', 2), [vmStats('m', 2)])
    s.applyTick(hostStats('h1', 3), [vmStats('a', 3)])
    expect(s.vm('a')).not.toBeNull()
    expect(s.vm('b')).toBeNull()
    expect(s.vmRing('b').cpu).toEqual([])
    expect(s.vm('m')?.cpuPercent).toBe(2)
  })

  it('forgetHost drops the host and the VMs it reported', () => {
    const s = useStatsStore()
    s.applyTick(hostStats('h1', 1), [vmStats('a', 1)])
    s.applyTick(hostStats('h2', 1), [vmStats('b', 1)])
    s.forgetHost('h1')
    expect(s.host('h1')).toBeNull()
    expect(s.vm('a')).toBeNull()
    expect(s.vm('b')).not.toBeNull()
    expect(s.host('h2')).not.toBeNull()
  })

  it(`rings hold at most ${RING_SIZE} values per VM and host; resetRings empties them`, () => {
    const s = useStatsStore()
    for (let i = 0; i < RING_SIZE + 25; i++) s.applyTick(hostStats('h', i), [vmStats('a', i, { cpuPercent: i % 3 === 1 ? null : i })])
    const ring = s.vmRing('a')
    expect(ring.cpu).toHaveLength(RING_SIZE)
    expect(ring.at[0]).toBe(Date.parse(at(25)))
    expect(ring.cpu[RING_SIZE - 1]).toBe(RING_SIZE + 24)
    expect(ring.cpu.filter(Number.isNaN).length).toBeGreaterThan(0)
    expect(s.hostRing('h').cpu).toHaveLength(RING_SIZE)
    s.resetRings()
    expect(s.vmRing('a').cpu).toEqual([])
    expect(s.hostRing('h').cpu).toEqual([])
    // The latest sample stays.
    expect(s.vm('a')).not.toBeNull()
  })

  it('a reader of one VM re-runs only when that VM changes', () => {
    const s = useStatsStore()
    s.applyTick(hostStats('h', 1), [vmStats('a', 1), vmStats('b', 1)])
    let runs = 0
    const cpuOfA = computed(() => {
      runs++
      return s.vmRing('a').cpu
    })
    expect(cpuOfA.value).toEqual([1])
    expect(runs).toBe(1)
    s.fill([vmStats('b', 2)])
    expect(cpuOfA.value).toEqual([1])
    expect(runs).toBe(1)
    s.fill([vmStats('a', 2)])
    expect(cpuOfA.value).toEqual([1, 2])
    expect(runs).toBe(2)
  })
})

describe('useStatsStore: subscription', () => {
  it('is live while anyone holds it, and lingers after the last release', () => {
    const s = useStatsStore()
    expect(s.live).toBe(false)
    const r1 = s.acquire()
    const r2 = s.acquire()
    expect(s.live).toBe(true)
    expect(s.holders).toBe(2)
    r1()
    r1() // a second call does nothing
    expect(s.holders).toBe(1)
    r2()
    expect(s.holders).toBe(0)
    expect(s.live).toBe(true)
    vi.advanceTimersByTime(RELEASE_DELAY_MS - 1)
    expect(s.live).toBe(true)
    vi.advanceTimersByTime(1)
    expect(s.live).toBe(false)
  })

  it('a holder arriving during the linger keeps it live without a gap', () => {
    const s = useStatsStore()
    const r1 = s.acquire()
    r1()
    vi.advanceTimersByTime(RELEASE_DELAY_MS / 2)
    const r2 = s.acquire()
    vi.advanceTimersByTime(RELEASE_DELAY_MS * 2)
    expect(s.live).toBe(true)
    r2()
    vi.advanceTimersByTime(RELEASE_DELAY_MS)
    expect(s.live).toBe(false)
  })
})
