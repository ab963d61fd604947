import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import UsageCard from './UsageCard.vue'

const api = vi.hoisted(() => ({ vmHistory: vi.fn(), hostHistory: vi.fn(), listVmStats: vi.fn() }))
vi.mock('@/modules/stats/api', () => ({ statsApi: api }))
vi.mock('@/composables/useLiveStats', async () => {
  const { useStatsStore } = await import('@/stores/stats')
  return { useLiveStats: () => useStatsStore() }
})

const tid = (id: string) => `[data-testid="${id}"]`
const sample = { at: '2026-01-01T00:00:00Z', cpuPercent: 12, memoryUsedBytes: 1024, memoryTotalBytes: 4096 }

beforeEach(() => {
  setActivePinia(createPinia())
  Object.values(api).forEach((f) => f.mockReset())
})

function card(running: boolean) {
  return mount(UsageCard, { props: { subject: 'vm', id: 'v1', running, memoryTotal: 4096 } })
}

describe('UsageCard', () => {
  it('says once that a stopped VM reports nothing, instead of drawing empty charts', async () => {
    api.vmHistory.mockResolvedValue({ points: [], latest: null })
    const w = card(false)
    await flushPromises()
    expect(w.find(tid('usage-not-running')).exists()).toBe(true)
    expect(w.find(tid('usage-charts')).exists()).toBe(false)
    expect(w.find(tid('usage-now')).exists()).toBe(false)
  })

  it('keeps the charts of a stopped VM that still has recent samples, and of a running one', async () => {
    api.vmHistory.mockResolvedValue({ points: [sample], latest: null })
    const stopped = card(false)
    await flushPromises()
    expect(stopped.find(tid('usage-charts')).exists()).toBe(true)

    api.vmHistory.mockResolvedValue({ points: [], latest: null })
    const running = card(true)
    await flushPromises()
    expect(running.find(tid('usage-charts')).exists()).toBe(true)
    expect(running.find(tid('usage-not-running')).exists()).toBe(false)
  })
})
