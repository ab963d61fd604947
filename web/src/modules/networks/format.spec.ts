import { describe, expect, it } from 'vitest'
import { isTrunk, networkKindLabel, portgroupCount, portgroupVlanText } from './format'
import { portgroup } from './testing'

const kind = (forwardMode: string, virtualportType: string | null = null) => networkKindLabel({ forwardMode, virtualportType })

describe('networkKindLabel', () => {
  it('names an Open vSwitch network by its virtual port, whatever its forward mode', () => {
    expect(kind('bridge', 'openvswitch')).toBe('Open vSwitch')
    expect(kind('bridge')).toBe('Bridge')
    expect(kind('bridge', '802.1Qbh')).toBe('Bridge')
  })
  it('labels the known forward modes', () => {
    expect(kind('nat')).toBe('NAT')
    expect(kind('route')).toBe('Routed')
    expect(kind('open')).toBe('Open')
    expect(kind('isolated')).toBe('Isolated')
  })
  it('shows unknown modes as reported, and a dash for none', () => {
    expect(kind('passthrough')).toBe('passthrough')
    expect(kind('hostdev')).toBe('hostdev')
    // Not a label lookup through the prototype chain.
    expect(kind('constructor')).toBe('constructor')
    expect(kind('')).toBe('—')
  })
})

describe('portgroupVlanText', () => {
  it('a trunk lists its tags and its native VLAN', () => {
    expect(portgroupVlanText(portgroup({ trunk: true, vlanTags: [10, 20, 30], nativeVlan: 10 }))).toBe('trunk 10,20,30 (native 10)')
    expect(portgroupVlanText(portgroup({ trunk: true, vlanTags: [10, 20] }))).toBe('trunk 10,20')
    expect(portgroupVlanText(portgroup({ trunk: true, vlanTags: [42] }))).toBe('trunk 42')
  })
  it('several tags make a trunk even when not marked as one (as libvirt implies)', () => {
    const pg = portgroup({ vlanTags: [5, 6] })
    expect(isTrunk(pg)).toBe(true)
    expect(portgroupVlanText(pg)).toBe('trunk 5,6')
  })
  it('one tag is an access VLAN', () => {
    const pg = portgroup({ vlanTags: [10] })
    expect(isTrunk(pg)).toBe(false)
    expect(portgroupVlanText(pg)).toBe('VLAN 10')
  })
  it('no tags: no VLAN (or just the native one)', () => {
    expect(portgroupVlanText(portgroup())).toBe('no VLAN')
    expect(portgroupVlanText(portgroup({ nativeVlan: 7 }))).toBe('native VLAN 7')
    expect(isTrunk(portgroup())).toBe(false)
  })
  it('counts portgroups', () => {
    expect(portgroupCount(1)).toBe('1 portgroup')
    expect(portgroupCount(3)).toBe('3 portgroups')
  })
})
