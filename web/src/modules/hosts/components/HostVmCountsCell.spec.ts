import { describe, expect, it } from 'vitest'
import { mount, RouterLinkStub } from '@vue/test-utils'
import type { HostVmCounts } from '@/api/types'
import HostVmCountsCell from './HostVmCountsCell.vue'

function cell(counts: HostVmCounts | null | undefined, synced = true) {
  return mount(HostVmCountsCell, { props: { hostId: 'h1', counts, synced }, global: { stubs: { RouterLink: RouterLinkStub } } })
}

const of = (vms: number, running: number, discovered: number): HostVmCounts => ({
  hostId: 'h1',
  vms,
  running,
  shutoff: vms - running,
  managed: vms - discovered,
  discovered,
  active: running,
  vcpus: vms,
  memoryBytes: vms * 2 ** 30,
  activeVcpus: running,
  activeMemoryBytes: running * 2 ** 30,
})

describe('HostVmCountsCell', () => {
  it('counts every VM and the running ones, and links to those waiting for import', () => {
    const w = cell(of(4, 1, 3))
    expect(w.find('[data-testid="host-vm-total"]').text()).toBe('4 VMs')
    expect(w.text()).toContain('· 1 running')
    const link = w.findComponent(RouterLinkStub)
    expect(link.text()).toBe('3 to import')
    expect(link.props('to')).toEqual({ path: '/discovered', query: { hostId: 'h1' } })
  })

  it('says VM for one and shows no import link when nothing waits', () => {
    const w = cell(of(1, 0, 0))
    expect(w.find('[data-testid="host-vm-total"]').text()).toBe('1 VM')
    expect(w.find('[data-testid="host-vm-discovered"]').exists()).toBe(false)
  })

  it('tells a host without VMs from counts not loaded yet and from a host never synced', () => {
    expect(cell(null).text()).toBe('No VMs')
    expect(cell(undefined).text()).toBe('—')
    const unsynced = cell(null, false)
    expect(unsynced.text()).toBe('—')
    expect(unsynced.find('[data-testid="host-vm-unknown"]').attributes('title')).toBe('Not synced yet')
    // Counts on record are shown even when the host has not synced since (e.g. a failed pass).
    expect(cell(of(2, 1, 0), false).find('[data-testid="host-vm-total"]').text()).toBe('2 VMs')
  })
})
