import { describe, expect, it } from 'vitest'
import {
  deleteConfirmMessage,
  groupNetworkUsers,
  isTrunk,
  networkKindLabel,
  networkUserLabel,
  nicCount,
  portgroupCount,
  portgroupVlanText,
  removePortgroupMessage,
  stopConfirmMessage,
} from './format'
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

describe('network users and confirmations', () => {
  it('groups the users once per VM with its NIC count, by name', () => {
    const users = groupNetworkUsers(['web10', 'db', 'web2', 'web10', 'web10', 'db'])
    expect(users).toEqual([
      { vm: 'db', nics: 2 },
      { vm: 'web2', nics: 1 },
      { vm: 'web10', nics: 3 },
    ])
    expect(users.map(networkUserLabel)).toEqual(['db (2 NICs)', 'web2', 'web10 (3 NICs)'])
    expect(groupNetworkUsers([])).toEqual([])
    // Names differing only in case are different VMs.
    expect(groupNetworkUsers(['Web', 'web']).map((u) => u.nics)).toEqual([1, 1])
  })

  it('counts NICs', () => {
    expect(nicCount(1)).toBe('1 NIC')
    expect(nicCount(0)).toBe('0 NICs')
    expect(nicCount(4)).toBe('4 NICs')
  })

  it('stopping says how many VM NICs lose their link', () => {
    expect(stopConfirmMessage({ name: 'lan', hostName: 'alpha', usedBy: 3 })).toBe(
      'Stop network "lan" on alpha? 3 VM NICs use it and lose their link until the network is started again.',
    )
    expect(stopConfirmMessage({ name: 'lan', hostName: 'alpha', usedBy: 1 })).toBe(
      'Stop network "lan" on alpha? 1 VM NIC uses it and loses its link until the network is started again.',
    )
    expect(stopConfirmMessage({ name: 'lan', hostName: 'alpha', usedBy: 0 })).toBe('Stop network "lan" on alpha? No VM NICs use it.')
  })

  it('deleting names the network and its host', () => {
    const text = deleteConfirmMessage({ name: 'lan', hostName: 'alpha' })
    expect(text).toContain('Delete network "lan" on host "alpha"?')
    expect(text).toContain('cannot be undone')
  })
})

describe('removePortgroupMessage', () => {
  it('names the portgroup, its network and host; says so when it is the default', () => {
    const n = { name: 'ovs', hostName: 'alpha', portgroups: [portgroup({ name: 'a', isDefault: true }), portgroup({ name: 'b' })] }
    expect(removePortgroupMessage(n, 'b')).toBe(
      'Remove portgroup "b" from network "ovs" on host "alpha"? NICs that name it get the network\'s own settings when they next start.',
    )
    expect(removePortgroupMessage(n, 'a')).toContain('or name no portgroup (it is the default)')
  })
})
