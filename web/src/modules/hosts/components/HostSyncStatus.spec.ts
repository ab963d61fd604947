import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import HostSyncStatus from './HostSyncStatus.vue'

const now = Date.parse('2026-11-27T12:00:00Z')

function status(host: { lastSyncedAt?: string | null; syncFailure?: { at: string; reason: string } | null }, detailed = false) {
  return mount(HostSyncStatus, { props: { host, now, detailed } }).find('[data-testid="host-sync-status"]')
}

describe('HostSyncStatus', () => {
  it('says how long ago the last successful pass was', () => {
    const s = status({ lastSyncedAt: '2026-11-27T11:58:00Z', syncFailure: null })
    expect(s.attributes('data-sync')).toBe('synced')
    expect(s.text()).toBe('Synced 2 min ago')
    expect(s.find('span').attributes('title')).toContain('Last successful sync')
  })

  it('says so when the host was never synced', () => {
    const s = status({ lastSyncedAt: null })
    expect(s.attributes('data-sync')).toBe('never')
    expect(s.text()).toBe('Not synced yet')
  })

  it('puts a failure first, with its reason in the tooltip or spelled out', () => {
    const host = {
      lastSyncedAt: '2026-11-27T11:00:00Z',
      syncFailure: { at: '2026-11-27T11:59:50Z', reason: 'database error: <disk> full & "stuck"' },
    }
    const brief = status(host)
    expect(brief.attributes('data-sync')).toBe('failed')
    expect(brief.text()).toBe('Sync failed 10 s ago')
    expect(brief.find('span').attributes('title')).toContain('database error: <disk> full & "stuck"')
    expect(brief.find('[data-testid="host-sync-reason"]').exists()).toBe(false)

    const reason = status(host, true).find('[data-testid="host-sync-reason"]')
    // Text, not markup: the metacharacters show as they are.
    expect(reason.text()).toContain('database error: <disk> full & "stuck"')
    expect(reason.text()).toContain('The inventory shown is the one of')
    expect(status({ lastSyncedAt: null, syncFailure: host.syncFailure }, true).text()).toContain('No inventory has been read')
  })
})
