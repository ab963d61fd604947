import { beforeEach, describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { nextTick } from 'vue'
import { useStatsStore } from '@/stores/stats'
import { makeVm } from '../testing'
import VmUsageCell from './VmUsageCell.vue'

const GiB = 1024 ** 3
const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString()
const host = (s: number) => ({ hostId: 'h', at: at(s), cpus: 4, vmsRunning: 1, intervalSecs: 1 })

beforeEach(() => setActivePinia(createPinia()))

describe('VmUsageCell', () => {
  it('shows live CPU and memory of its VM and follows its samples, including the state', async () => {
    const vm = makeVm({ managed: true, state: 'running', currentMemoryBytes: 4 * GiB })
    const store = useStatsStore()
    const w = mount(VmUsageCell, { props: { vm } })
    const cell = () => w.get('[data-testid="vm-usage"]')
    expect(cell().attributes('data-live')).toBe('false')
    expect(w.get('[data-testid="vm-usage-cpu"]').text()).toBe('—')
    expect(w.get('[data-testid="vm-usage-mem"]').text()).toBe('— / 4 GiB')

    store.applyTick(host(1), [{ vmId: vm.id, at: at(1), state: 'running', cpuPercent: 42, memoryBytes: 4 * GiB, memoryUsedBytes: GiB }])
    await nextTick()
    expect(cell().attributes('data-live')).toBe('true')
    expect(w.get('[data-testid="vm-usage-cpu"]').text()).toBe('42 %')
    expect(w.get('[data-testid="vm-usage-mem"]').text()).toBe('1 GiB / 4 GiB')
    expect(w.find('[data-sparkline-path]').attributes('d')).toMatch(/^M100,/)

    store.applyTick(host(2), [{ vmId: vm.id, at: at(2), state: 'shutoff' }])
    await nextTick()
    expect(cell().attributes('data-state')).toBe('shutoff')
    expect(w.find('[data-testid="vm-usage-off"]').exists()).toBe(true)
  })
})
