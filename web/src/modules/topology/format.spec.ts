import { describe, expect, it } from 'vitest'
import { fit, hostTone, networkKind, networkStateText, networkTone, vlanChips, vmStateLabel, vmTone } from './format'
import { queryFromTopologyFilter, topologyFilterFromQuery } from './routeQuery'

describe('format', () => {
  it('VLAN chips: the tags, trunk first, the native one marked', () => {
    expect(vlanChips({ vlanTags: [], trunk: false })).toEqual([])
    expect(vlanChips({ vlanTags: [10], trunk: false })).toEqual(['10'])
    expect(vlanChips({ vlanTags: [10, 20], trunk: true, nativeVlan: 20 })).toEqual(['trunk', '10', '20 native'])
    expect(vlanChips({ vlanTags: [10, 20], trunk: false })).toEqual(['trunk', '10', '20'])
    expect(vlanChips({ vlanTags: [], trunk: false, nativeVlan: 7 })).toEqual(['7 native'])
  })

  it('kinds, states and tones', () => {
    expect(networkKind({ forwardMode: 'bridge', virtualportType: 'openvswitch' })).toBe('Open vSwitch')
    expect(networkKind({ forwardMode: 'nat', virtualportType: null })).toBe('NAT')
    expect(networkKind({ forwardMode: 'hostdev', virtualportType: null })).toBe('hostdev')
    expect(networkKind(null)).toBe('unknown')
    expect([networkStateText({ active: true }), networkStateText({ active: false }), networkStateText(null)]).toEqual(['active', 'inactive', 'missing'])
    expect([networkTone({ active: true }), networkTone({ active: false }), networkTone(null)]).toEqual(['success', 'neutral', 'danger'])
    expect(['connected', 'connecting', 'disconnected', 'error'].map((s) => hostTone(s as never))).toEqual(['success', 'warning', 'neutral', 'danger'])
    expect(['running', 'paused', 'shutoff', 'crashed', 'unknown'].map((s) => vmTone(s as never))).toEqual(['success', 'warning', 'neutral', 'danger', 'info'])
    expect(vmStateLabel('shutoff')).toBe('shut off')
    expect(vmStateLabel('shuttingDown')).toBe('shutting down')
  })

  it('fit cuts long text with an ellipsis', () => {
    expect(fit('short', 10)).toBe('short')
    expect(fit('a-very-long-name', 8)).toBe('a-very-…')
    expect(fit('a-very-long-name', 8)).toHaveLength(8)
  })
})

describe('route query', () => {
  it('round-trips the host filter and the view; the diagram is the default, a bad view is dropped', () => {
    expect(topologyFilterFromQuery({})).toEqual({ hostId: null, view: 'diagram' })
    expect(topologyFilterFromQuery({ hostId: 'h1', view: 'grid' })).toEqual({ hostId: 'h1', view: 'grid' })
    expect(topologyFilterFromQuery({ hostId: ['h2', 'h3'], view: 'bogus' })).toEqual({ hostId: 'h2', view: 'diagram' })
    expect(queryFromTopologyFilter({ hostId: 'h1', view: 'grid' })).toEqual({ hostId: 'h1', view: 'grid' })
    expect(queryFromTopologyFilter({ hostId: null, view: 'diagram' })).toEqual({})
  })
})
