import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import HostStateBadge from './HostStateBadge.vue'

describe('HostStateBadge', () => {
  it.each([
    ['connected', 'emerald', false],
    ['connecting', 'amber', true],
    ['disconnected', 'slate', false],
    ['error', 'rose', false],
  ] as const)('%s → %s%s', (state, colour, pulse) => {
    const w = mount(HostStateBadge, { props: { state } })
    const label = w.find('[data-testid="host-state-badge"]')
    expect(label.text()).toBe(state)
    expect(label.attributes('data-state')).toBe(state)
    const pill = w.find('span.rounded-full')
    expect(pill.classes().some((c) => c.includes(colour))).toBe(true)
    expect(pill.classes().includes('animate-pulse')).toBe(pulse)
  })

  it('shows the reason only for errors', () => {
    expect(mount(HostStateBadge, { props: { state: 'error', reason: 'Connection refused' } }).find('[data-testid="host-state-reason"]').text()).toBe(
      'Connection refused',
    )
    expect(mount(HostStateBadge, { props: { state: 'connected', reason: 'ok' } }).find('[data-testid="host-state-reason"]').exists()).toBe(false)
  })
})
