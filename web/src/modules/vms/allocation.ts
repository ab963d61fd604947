// What the VMs take of their hosts, summed over connected hosts against their facts. The sums
// per host come from the server (`GET /vm-counts`), in one query for the whole fleet. Pure.
import type { Host, HostVmCounts } from '@/api/types'

/** What a host's VMs are given: vCPUs and memory of every present VM and of the active ones. */
export type HostAllocation = Pick<HostVmCounts, 'vms' | 'active' | 'vcpus' | 'memoryBytes' | 'activeVcpus' | 'activeMemoryBytes'>

const KEYS = ['vms', 'active', 'vcpus', 'memoryBytes', 'activeVcpus', 'activeMemoryBytes'] as const satisfies readonly (keyof HostAllocation)[]

export interface AllocationTotals {
  /** Connected hosts with facts (what the totals cover). */
  hosts: number
  /** Their logical CPUs and memory. */
  cpus: number
  memoryBytes: number
  /** What their VMs are given (see `HostAllocation`). */
  allocated: HostAllocation
}

/** Sums over connected hosts that reported facts: what they have and what their VMs are given. */
export function allocationTotals(perHost: ReadonlyMap<string, HostAllocation>, hosts: readonly Pick<Host, 'id' | 'state' | 'facts'>[]): AllocationTotals {
  const allocated: HostAllocation = { vms: 0, active: 0, vcpus: 0, memoryBytes: 0, activeVcpus: 0, activeMemoryBytes: 0 }
  const out: AllocationTotals = { hosts: 0, cpus: 0, memoryBytes: 0, allocated }
  for (const h of hosts) {
    if (h.state !== 'connected' || !h.facts) continue
    out.hosts++
    out.cpus += h.facts.cpuCount
    out.memoryBytes += h.facts.memoryBytes
    const a = perHost.get(h.id)
    if (!a) continue
    for (const k of KEYS) allocated[k] += a[k]
  }
  return out
}
