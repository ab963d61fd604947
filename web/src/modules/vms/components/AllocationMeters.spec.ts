import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import AllocationMeters from './AllocationMeters.vue'

const GiB = 1024 ** 3

describe('AllocationMeters', () => {
  it('shows what the active VMs hold against the capacity, and what all VMs are given', () => {
    const allocated = { vms: 5, active: 1, vcpus: 12, memoryBytes: 24 * GiB, activeVcpus: 6, activeMemoryBytes: 8 * GiB }
    const w = mount(AllocationMeters, { props: { allocated, cpus: 4, memoryBytes: 16 * GiB, testid: 'a' } })
    expect(w.get('[data-testid="a-vcpus-text"]').text()).toBe('6 vCPUs on 4 CPUs (150 %)')
    expect(w.get('[data-testid="a-vcpus-defined"]').text()).toBe('Held by 1 active VM · 12 vCPUs given to all 5')
    expect(w.get('[data-testid="a-memory-text"]').text()).toBe('8 GiB of 16 GiB (50 %)')
    expect(w.get('[data-testid="a-memory-defined"]').text()).toBe('Held by 1 active VM · 24 GiB given to all 5')
  })

  it('shows dashes until counted', () => {
    const w = mount(AllocationMeters, { props: { allocated: null, cpus: 4, memoryBytes: GiB, testid: 'a' } })
    expect(w.get('[data-testid="a-vcpus-text"]').text()).toBe('—')
    expect(w.get('[data-testid="a-memory-defined"]').text()).toBe('—')
  })
})
