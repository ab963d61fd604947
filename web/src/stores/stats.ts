import { defineStore } from 'pinia'
import { ref, shallowReactive } from 'vue'
import type { HostStats, StatsPoint, VmStats } from '@/api/types'
import { timestampMicros } from '@/lib/time'

// Live usage: the latest sample of every VM and host, and a short ring of recent values per VM
// and host for sparklines. Filled from `GET /api/v1/stats/vms` and kept live by `stats` events
// (bound in `modules/stats/queries.ts`). The `stats` topic makes the server sample every second,
// so components that show live numbers `acquire()` it (see `useLiveStats`) and the binding
// subscribes only while someone holds it.
//
// Cost with thousands of VMs: the maps are shallow (samples are not made deeply reactive) and
// keyed, so a list cell that reads one VM re-renders only when that VM's sample changes; rings
// are plain arrays of numbers outside Vue's reactivity, read through the VM's sample.

/** Values kept per VM and host for sparklines (one per tick: a minute at the fast tick). */
export const RING_SIZE = 60
/** How long the subscription lingers after the last holder let go (navigating between live pages). */
export const RELEASE_DELAY_MS = 2_000

/** Recent values of one VM or host, oldest first; `NaN` where nothing was reported. */
export interface LiveRing {
  /** Epoch ms of each sample. */
  at: number[]
  /** CPU %, 0–100. */
  cpu: number[]
  /** Memory used, bytes. */
  mem: number[]
}

const num = (v: number | null | undefined): number => (typeof v === 'number' && Number.isFinite(v) ? v : Number.NaN)

/** Whether `incoming` was sampled after `held` (microsecond precision); anything beats nothing. */
export function isNewerSample(incoming: { at: string }, held: { at: string } | undefined): boolean {
  return !held || timestampMicros(incoming.at) > timestampMicros(held.at)
}

/** Appends one sample to a ring, dropping the oldest beyond `size`. Mutates the ring. */
export function pushRing(ring: LiveRing, at: number, cpu: number | null | undefined, mem: number | null | undefined, size = RING_SIZE): void {
  ring.at.push(at)
  ring.cpu.push(num(cpu))
  ring.mem.push(num(mem))
  const extra = ring.at.length - size
  if (extra > 0) {
    ring.at.splice(0, extra)
    ring.cpu.splice(0, extra)
    ring.mem.splice(0, extra)
  }
}

const emptyRing = (): LiveRing => ({ at: [], cpu: [], mem: [] })

/** A VM sample as a history point (the shape of the history endpoints). */
export function vmPoint(s: VmStats): StatsPoint {
  return {
    at: s.at,
    cpuPercent: s.cpuPercent ?? null,
    memoryUsedBytes: s.memoryUsedBytes ?? null,
    diskReadBps: s.diskReadBps ?? null,
    diskWriteBps: s.diskWriteBps ?? null,
    netRxBps: s.netRxBps ?? null,
    netTxBps: s.netTxBps ?? null,
  }
}

/** A host sample as a history point (hosts have CPU and memory only). */
export function hostPoint(s: HostStats): StatsPoint {
  return { at: s.at, cpuPercent: s.cpuPercent ?? null, memoryUsedBytes: s.memoryUsedBytes ?? null }
}

export const useStatsStore = defineStore('stats', () => {
  /** Latest sample per VM id (shallow: each sample is replaced whole). */
  const vms = shallowReactive(new Map<string, VmStats>())
  /** Latest sample per host id. */
  const hosts = shallowReactive(new Map<string, HostStats>())
  // Not reactive: read through `vms`/`hosts`, which change together with them.
  const vmRings = new Map<string, LiveRing>()
  const hostRings = new Map<string, LiveRing>()
  /** The VMs each host reported in its last tick (samples from the initial fill have no host until a tick). */
  const hostVms = new Map<string, Set<string>>()
  /** The host that last reported each VM (a VM that moved is not dropped by its old host). */
  const vmOwner = new Map<string, string>()

  /** Components holding the live subscription. */
  const holders = ref(0)
  /** Live usage is wanted: true from the first `acquire()` until `RELEASE_DELAY_MS` after the last release. */
  const live = ref(false)
  let lingering: ReturnType<typeof setTimeout> | null = null

  function putVm(s: VmStats): void {
    if (!isNewerSample(s, vms.get(s.vmId))) return
    let ring = vmRings.get(s.vmId)
    if (!ring) vmRings.set(s.vmId, (ring = emptyRing()))
    pushRing(ring, timestampMicros(s.at) / 1000, s.cpuPercent, s.memoryUsedBytes)
    vms.set(s.vmId, s)
  }

  function dropVm(id: string): void {
    vms.delete(id)
    vmRings.delete(id)
    vmOwner.delete(id)
  }

  /**
   * Merges one `stats` event: the host's sample and every VM it reported. VMs this host reported
   * before but not now are forgotten (they were removed or are no longer managed), as the server
   * does. Older samples than those held are ignored.
   */
  function applyTick(host: HostStats, vmStats: readonly VmStats[]): void {
    const seen = new Set<string>()
    for (const s of vmStats) {
      seen.add(s.vmId)
      vmOwner.set(s.vmId, host.hostId)
      putVm(s)
    }
    for (const vmId of hostVms.get(host.hostId) ?? []) if (!seen.has(vmId) && vmOwner.get(vmId) === host.hostId) dropVm(vmId)
    hostVms.set(host.hostId, seen)
    if (isNewerSample(host, hosts.get(host.hostId))) {
      let ring = hostRings.get(host.hostId)
      if (!ring) hostRings.set(host.hostId, (ring = emptyRing()))
      pushRing(ring, timestampMicros(host.at) / 1000, host.cpuPercent, host.memoryUsedBytes)
      hosts.set(host.hostId, host)
    }
  }

  /** Merges the answer of `GET /stats/vms` (the latest sample of every VM). */
  function fill(list: readonly VmStats[]): void {
    for (const s of list) putVm(s)
  }

  /** Merges one host sample (e.g. `latest` of the host history endpoint). */
  function putHost(s: HostStats): void {
    if (!isNewerSample(s, hosts.get(s.hostId))) return
    let ring = hostRings.get(s.hostId)
    if (!ring) hostRings.set(s.hostId, (ring = emptyRing()))
    pushRing(ring, timestampMicros(s.at) / 1000, s.cpuPercent, s.memoryUsedBytes)
    hosts.set(s.hostId, s)
  }

  /** Forgets a host and the VMs it reported (it was removed or disconnected: its numbers are stale). */
  function forgetHost(hostId: string): void {
    hosts.delete(hostId)
    hostRings.delete(hostId)
    for (const vmId of hostVms.get(hostId) ?? []) if (vmOwner.get(vmId) === hostId) dropVm(vmId)
    hostVms.delete(hostId)
  }

  /** Empties the rings (the subscription ended: what comes next is not contiguous with them). */
  function resetRings(): void {
    for (const r of vmRings.values()) r.at.length = r.cpu.length = r.mem.length = 0
    for (const r of hostRings.values()) r.at.length = r.cpu.length = r.mem.length = 0
  }

  /**
   * Holds the live subscription until the returned function is called (once; more calls do
   * nothing). The subscription ends `RELEASE_DELAY_MS` after the last holder let go, so moving
   * from one live page to the next does not flap it.
   */
  function acquire(): () => void {
    holders.value++
    if (lingering !== null) clearTimeout(lingering)
    lingering = null
    live.value = true
    let released = false
    return () => {
      if (released) return
      released = true
      holders.value--
      if (holders.value > 0) return
      lingering = setTimeout(() => {
        lingering = null
        if (holders.value === 0) live.value = false
      }, RELEASE_DELAY_MS)
    }
  }

  /** The latest sample of a VM (reactive per VM). */
  function vm(id: string): VmStats | null {
    return vms.get(id) ?? null
  }

  /** The latest sample of a host (reactive per host). */
  function host(id: string): HostStats | null {
    return hosts.get(id) ?? null
  }

  const snapshot = (r: LiveRing | undefined): LiveRing => (r ? { at: r.at.slice(), cpu: r.cpu.slice(), mem: r.mem.slice() } : emptyRing())

  /** A copy of a VM's ring; re-read whenever the VM's sample changes. */
  function vmRing(id: string): LiveRing {
    vms.get(id) // tracks the VM: its ring changes with its sample
    return snapshot(vmRings.get(id))
  }

  /** A copy of a host's ring; re-read whenever the host's sample changes. */
  function hostRing(id: string): LiveRing {
    hosts.get(id)
    return snapshot(hostRings.get(id))
  }

  return { vms, hosts, holders, live, applyTick, fill, putHost, forgetHost, resetRings, acquire, vm, host, vmRing, hostRing }
})

export type StatsStore = ReturnType<typeof useStatsStore>
