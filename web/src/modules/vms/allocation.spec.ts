import { describe, expect, it } from 'vitest'
import { makeHost, facts } from '@/modules/hosts/testing'
import { allocationTotals, type HostAllocation } from './allocation'

const GiB = 1024 ** 3
const given = (vcpus: number, gib: number, activeVcpus: number, activeGib: number): HostAllocation => ({
  vms: 3,
  active: 2,
  vcpus,
  memoryBytes: gib * GiB,
  activeVcpus,
  activeMemoryBytes: activeGib * GiB,
})

describe('allocationTotals', () => {
  it('sums what connected hosts with facts have and what their VMs are given', () => {
    const a = makeHost({ id: 'a', state: 'connected', facts })
    const b = makeHost({ id: 'b', state: 'disconnected', facts })
    const c = makeHost({ id: 'c', state: 'connected', facts: null })
    const d = makeHost({ id: 'd', state: 'connected', facts })
    const perHost = new Map([
      ['a', given(7, 7, 3, 3)],
      ['b', given(40, 40, 40, 40)],
      ['c', given(50, 50, 50, 50)],
      ['d', given(1, 2, 0, 0)],
    ])
    const t = allocationTotals(perHost, [a, b, c, d])
    expect(t.hosts).toBe(2)
    expect(t.cpus).toBe(2 * facts.cpuCount)
    expect(t.memoryBytes).toBe(2 * facts.memoryBytes)
    expect(t.allocated).toEqual<HostAllocation>({ vms: 6, active: 4, vcpus: 8, memoryBytes: 9 * GiB, activeVcpus: 3, activeMemoryBytes: 3 * GiB })
  })

  it('a connected host without VMs adds its capacity and nothing allocated', () => {
    const a = makeHost({ id: 'a', state: 'connected', facts })
    const t = allocationTotals(new Map(), [a])
    expect(t.hosts).toBe(1)
    expect(t.cpus).toBe(facts.cpuCount)
    expect(t.allocated.activeVcpus).toBe(0)
    expect(t.allocated.vcpus).toBe(0)
  })
})
