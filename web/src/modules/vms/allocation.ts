// What the VMs take of their hosts: vCPUs and memory of running VMs (and of all defined ones),
// per host and summed over connected hosts against their facts. Pure functions.
import type { Host, PowerState, Vm } from '@/api/types'

/** States in which a VM holds its vCPUs and memory. */
export const ACTIVE_STATES: readonly PowerState[] = ['running', 'paused', 'shuttingDown']

export interface HostAllocation {
  /** VMs on the host (defined, gone ones aside). */
  vms: number
  /** Of them in an active state. */
  activeVms: number
  /** vCPUs (current) and memory (current, balloon) of the active VMs. */
  vcpus: number
  memoryBytes: number
  /** vCPUs and memory of every VM, running or not. */
  definedVcpus: number
  definedMemoryBytes: number
}

const empty = (): HostAllocation => ({ vms: 0, activeVms: 0, vcpus: 0, memoryBytes: 0, definedVcpus: 0, definedMemoryBytes: 0 })

/** Adds VMs to per-host sums (mutates `acc`). Gone VMs are skipped. */
export function addAllocation(acc: Map<string, HostAllocation>, vms: readonly Pick<Vm, 'hostId' | 'state' | 'currentVcpus' | 'currentMemoryBytes' | 'goneAt'>[]): Map<string, HostAllocation> {
  for (const vm of vms) {
    if (vm.goneAt) continue
    let a = acc.get(vm.hostId)
    if (!a) acc.set(vm.hostId, (a = empty()))
    a.vms++
    a.definedVcpus += vm.currentVcpus
    a.definedMemoryBytes += vm.currentMemoryBytes
    if (ACTIVE_STATES.includes(vm.state)) {
      a.activeVms++
      a.vcpus += vm.currentVcpus
      a.memoryBytes += vm.currentMemoryBytes
    }
  }
  return acc
}

export interface AllocationTotals {
  /** Connected hosts with facts (what the totals cover). */
  hosts: number
  /** Their logical CPUs and memory. */
  cpus: number
  memoryBytes: number
  /** What their VMs take (see `HostAllocation`). */
  allocated: HostAllocation
}

/** Sums over connected hosts that reported facts: what they have and what their VMs take. */
export function allocationTotals(perHost: ReadonlyMap<string, HostAllocation>, hosts: readonly Pick<Host, 'id' | 'state' | 'facts'>[]): AllocationTotals {
  const out: AllocationTotals = { hosts: 0, cpus: 0, memoryBytes: 0, allocated: empty() }
  for (const h of hosts) {
    if (h.state !== 'connected' || !h.facts) continue
    out.hosts++
    out.cpus += h.facts.cpuCount
    out.memoryBytes += h.facts.memoryBytes
    const a = perHost.get(h.id)
    if (!a) continue
    for (const k of Object.keys(a) as (keyof HostAllocation)[]) out.allocated[k] += a[k]
  }
  return out
}
