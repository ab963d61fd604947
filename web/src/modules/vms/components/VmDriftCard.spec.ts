import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { VmDetail, VmDrift } from '@/api/types'
import { vmsApi } from '../api'
import VmDriftCard from './VmDriftCard.vue'

const detail = {
  vm: { id: 'v1', hostId: 'h1', hostName: 'h', name: 'vm', configHash: 'a', state: 'running' },
} as unknown as VmDetail

function drift(over: Partial<VmDrift>): VmDrift {
  return { vmId: 'v1', inSync: true, present: true, storedHash: 'a', liveHash: 'a', stateDiffers: false, checkedAt: '2026-01-01T00:00:00Z', ...over }
}

describe('VmDriftCard', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    vi.restoreAllMocks()
  })

  it('shows in sync, drift and gone from the server answer', async () => {
    for (const [answer, text] of [
      [drift({}), 'In sync with the host'],
      [drift({ inSync: false, liveHash: 'b' }), 'Drift'],
      [drift({ present: false, inSync: false, liveHash: null }), 'no longer exists'],
    ] as const) {
      vi.spyOn(vmsApi, 'drift').mockResolvedValueOnce(answer)
      const w = mount(VmDriftCard, { props: { detail, host: { id: 'h1', state: 'connected' } } })
      await flushPromises()
      expect(w.get('[data-testid="vm-drift-status"]').text()).toContain(text)
    }
  })

  it('does not ask a disconnected host and says why', async () => {
    const spy = vi.spyOn(vmsApi, 'drift')
    const w = mount(VmDriftCard, { props: { detail, host: { id: 'h1', state: 'disconnected' } } })
    await flushPromises()
    expect(spy).not.toHaveBeenCalled()
    expect(w.get('[data-testid="vm-drift-status"]').text()).toContain('not connected')
    expect(w.get('[data-testid="vm-resync"]').attributes('disabled')).toBeDefined()
  })

  it('resync re-reads the VM and checks again', async () => {
    const d = vi.spyOn(vmsApi, 'drift').mockResolvedValueOnce(drift({ inSync: false, liveHash: 'b' })).mockResolvedValueOnce(drift({}))
    const r = vi.spyOn(vmsApi, 'resyncVm').mockResolvedValue(detail)
    const w = mount(VmDriftCard, { props: { detail, host: { id: 'h1', state: 'connected' } } })
    await flushPromises()
    await w.get('[data-testid="vm-resync"]').trigger('click')
    await flushPromises()
    expect(r).toHaveBeenCalledWith('v1')
    expect(d).toHaveBeenCalledTimes(2)
    expect(w.get('[data-testid="vm-drift-status"]').text()).toContain('In sync')
  })
})
