import { describe, expect, it } from 'vitest'
import { makeHost, facts } from '@/modules/hosts/testing'
import { addAllocation, allocationTotals, type HostAllocation } from './allocation'
import { makeVm } from './testing'

const GiB = 1024 ** 3

describe('allocation', () => {
  it('sums vCPUs and memory per host: active VMs, and all defined ones; gone VMs are skipped', () => {
    const acc = addAllocation(new Map(), [
      makeVm({ hostId: 'a', state: 'running', currentVcpus: 2, currentMemoryBytes: 2 * GiB }),
      makeVm({ hostId: 'a', state: 'paused', currentVcpus: 1, currentMemoryBytes: GiB }),
      makeVm({ hostId: 'a', state: 'shutoff', currentVcpus: 4, currentMemoryBytes: 4 * GiB }),
      makeVm({ hostId: 'a', state: 'running', currentVcpus: 8, currentMemoryBytes: 8 * GiB, goneAt: '2026-01-01T00:00:00Z' }),
      makeVm({ hostId: 'b', state: 'running', currentVcpus: 1, currentMemoryBytes: GiB }),
    ])
    expect(acc.get('a')).toEqual<HostAllocation>({ vms: 3, activeVms: 2, vcpus: 3, memoryBytes: 3 * GiB, definedVcpus: 7, definedMemoryBytes: 7 * GiB })
    expect(acc.get('b')?.vcpus).toBe(1)
  })

  it('totals cover connected hosts with facts only', () => {
    const a = makeHost({ id: 'a', state: 'connected', facts })
    const b = makeHost({ id: 'b', state: 'disconnected', facts })
    const c = makeHost({ id: 'c', state: 'connected', facts: null })
    const acc = addAllocation(new Map(), [
      makeVm({ hostId: 'a', state: 'running', currentVcpus: 2, currentMemoryBytes: 2 * GiB }),
      makeVm({ hostId: 'b', state: 'running', currentVcpus: 4, currentMemoryBytes: 4 * GiB }),
    ])
    const t = allocationTotals(acc, [a, b, c])
    expect(t.hosts).toBe(1)
    expect(t.cpus).toBe(facts.cpuCount)
    expect(t.memoryBytes).toBe(facts.memoryBytes)
    expect(t.allocated.vcpus).toBe(2)
    expect(t.allocated.memoryBytes).toBe(2 * GiB)
    expect(allocationTotals(new Map(), [a]).allocated.vcpus).toBe(0)
  })
})
