import { describe, expect, it } from 'vitest'
import type { NetworkSpec, PortgroupSpec } from '@/api/types'
import { addPortgroup, editPortgroup, removePortgroup } from './actions'
import { canRun } from './actions/create'
import {
  buildNetworkSpec,
  buildPortgroupSpec,
  defaultNetworkForm,
  firstError,
  ipv4Rule,
  newPortgroup,
  newPortgroupForm,
  otherDefaultPortgroup,
  parseIpv4,
  portgroupFormOf,
  parseVlanTags,
  validateNetworkForm,
  validateNetworkSpec,
  validatePortgroupForm,
  type NetworkForm,
  type PortgroupForm,
} from './spec'

const form = (over: Partial<NetworkForm> = {}): NetworkForm => ({ ...defaultNetworkForm('host-1'), name: 'lab', ...over })
const pgRow = (over: Partial<PortgroupForm> = {}): PortgroupForm => ({ key: 1, name: 'pg', isDefault: false, vlanTags: '', trunk: false, nativeVlan: '', ...over })
const ovs = (portgroups: PortgroupSpec[]): NetworkSpec => ({ name: 'ovs', kind: 'openvswitch', bridge: 'ovsbr0', portgroups })
const iso = (ipv4: NetworkSpec['ipv4']): NetworkSpec => ({ name: 'iso', kind: 'isolated', ipv4 })

describe('network name', () => {
  it.each([
    ['', 'Name is required'],
    ['n'.repeat(65), 'Name must be 1–64 characters'],
    ['a<b>', "Name may hold letters, digits, '-', '_' and '.'; not '<'"],
    ['with/slash', "not '/'"],
    ['two words', "not ' '"],
    ['.hidden', "Name must not start with '.'"],
  ])('refuses %j', (name, message) => {
    expect(validateNetworkSpec({ name, kind: 'isolated' }).name).toContain(message)
  })
  it('accepts letters, digits, - _ . up to 64', () => {
    expect(validateNetworkSpec({ name: 'Lab_net-1.v2', kind: 'isolated' })).toEqual({})
    expect(validateNetworkSpec({ name: 'n'.repeat(64), kind: 'isolated' })).toEqual({})
  })
})

describe('bridge and subnet by kind', () => {
  it('a bridge is required for bridge and Open vSwitch, optional for the others, and must be an interface name', () => {
    expect(validateNetworkSpec({ name: 'b', kind: 'bridge' }).bridge).toBe('A bridge network needs the name of an existing bridge')
    expect(validateNetworkSpec({ name: 'o', kind: 'openvswitch' }).bridge).toBe('An Open vSwitch network needs the name of an existing bridge')
    expect(validateNetworkSpec({ name: 'b', kind: 'bridge', bridge: 'br0' })).toEqual({})
    expect(validateNetworkSpec({ name: 'n', kind: 'nat' })).toEqual({})
    expect(validateNetworkSpec({ name: 'n', kind: 'nat', bridge: 'virbr9' })).toEqual({})
    expect(validateNetworkSpec({ name: 'b', kind: 'bridge', bridge: 'a-very-long-bridge' }).bridge).toContain('is not an interface name')
    expect(validateNetworkSpec({ name: 'b', kind: 'bridge', bridge: 'br 0' }).bridge).toContain('is not an interface name')
    expect(validateNetworkSpec({ name: 'n', kind: 'nat', bridge: '' }).bridge).toContain('is not an interface name')
  })

  it('a subnet is required for routed and open, optional for NAT and isolated, refused for bridges', () => {
    expect(['nat', 'routed', 'isolated', 'open', 'bridge', 'openvswitch'].map((k) => ipv4Rule(k as NetworkSpec['kind']))).toEqual([
      'optional',
      'required',
      'optional',
      'required',
      'none',
      'none',
    ])
    expect(validateNetworkSpec({ name: 'r', kind: 'routed' }).ipv4).toBe('A routed network needs an IPv4 subnet')
    expect(validateNetworkSpec({ name: 'o', kind: 'open' }).ipv4).toBe('An open network needs an IPv4 subnet')
    expect(validateNetworkSpec({ name: 'i', kind: 'isolated' })).toEqual({})
    const ipv4 = { address: '10.0.0.1', prefix: 24 }
    expect(validateNetworkSpec({ name: 'b', kind: 'bridge', bridge: 'br0', ipv4 }).ipv4).toBe('A bridge network has no subnet of its own')
    expect(validateNetworkSpec({ name: 'r', kind: 'routed', ipv4 })).toEqual({})
  })

  it('a routed form without an address is refused at the address field', () => {
    const errors = validateNetworkForm(form({ kind: 'routed', address: '', dhcpStart: '', dhcpEnd: '' }))
    expect(errors.address).toBe('Enter the host’s address on the network, e.g. 192.168.100.1')
    // The subnet toggle only matters for NAT and isolated networks.
    expect(validateNetworkForm(form({ kind: 'routed', withIpv4: false, address: '' })).address).toBeDefined()
    expect(validateNetworkForm(form({ kind: 'nat', withIpv4: false, address: '' }))).toEqual({})
  })
})

describe('IPv4 subnet and DHCP range', () => {
  it('parses dotted quads only, without leading zeros', () => {
    expect(parseIpv4('192.168.1.10')).toBe(0xc0a8010a)
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffff)
    for (const bad of ['', '1.2.3', '1.2.3.4.5', '1.2.3.256', '01.2.3.4', '1.2.3.-4', '1.2.3.x', ' 1.2.3.4']) expect(parseIpv4(bad)).toBeNull()
  })

  it('checks the address and the prefix 8–30', () => {
    expect(validateNetworkSpec(iso({ address: '10.0.0', prefix: 24 })).address).toBe("'10.0.0' is not an IPv4 address")
    expect(validateNetworkSpec(iso({ address: '10.0.0.1', prefix: 7 })).prefix).toBe('The prefix must be 8–30')
    expect(validateNetworkSpec(iso({ address: '10.0.0.1', prefix: 31 })).prefix).toBe('The prefix must be 8–30')
    expect(validateNetworkSpec(iso({ address: '10.0.0.1', prefix: 8 }))).toEqual({})
    expect(validateNetworkSpec(iso({ address: '10.0.0.0', prefix: 24 })).address).toBe('10.0.0.0 is the network or broadcast address of /24')
    expect(validateNetworkSpec(iso({ address: '10.0.0.255', prefix: 24 })).address).toContain('network or broadcast')
    expect(validateNetworkForm(form({ prefix: 'abc' })).prefix).toBe('The prefix must be 8–30')
  })

  it('the DHCP range lies inside the subnet, in order, around not over the host’s address, given whole', () => {
    const ip = (dhcpStart: string | null, dhcpEnd: string | null, address = '192.168.5.1') => validateNetworkSpec(iso({ address, prefix: 24, dhcpStart, dhcpEnd }))
    expect(ip('192.168.5.100', '192.168.5.200')).toEqual({})
    expect(ip(null, null)).toEqual({})
    expect(ip('192.168.6.100', '192.168.5.200').dhcpStart).toBe('Must lie inside 192.168.5.0/24')
    expect(ip('192.168.5.100', '192.168.5.255').dhcpEnd).toBe('Must lie inside 192.168.5.0/24')
    expect(ip('192.168.5.0', '192.168.5.9').dhcpStart).toBe('Must lie inside 192.168.5.0/24')
    expect(ip('192.168.5.200', '192.168.5.100').dhcp).toBe('The DHCP range starts after it ends (192.168.5.200–192.168.5.100)')
    expect(ip('192.168.5.2', '192.168.5.20', '192.168.5.10').dhcp).toBe('The DHCP range 192.168.5.2–192.168.5.20 holds the host’s own 192.168.5.10')
    expect(ip('192.168.5.100', null).dhcpEnd).toBe('Give both the first and the last DHCP address, or neither')
    expect(ip(null, '192.168.5.100').dhcpStart).toBe('Give both the first and the last DHCP address, or neither')
    expect(ip('192.168.5.1OO', '192.168.5.200').dhcpStart).toBe("'192.168.5.1OO' is not an IPv4 address")
    // A /20: .16.x is inside 192.168.16.0/20, .32.x is not.
    expect(validateNetworkSpec(iso({ address: '192.168.16.1', prefix: 20, dhcpStart: '192.168.17.0', dhcpEnd: '192.168.31.254' }))).toEqual({})
    expect(validateNetworkSpec(iso({ address: '192.168.16.1', prefix: 20, dhcpStart: '192.168.17.0', dhcpEnd: '192.168.32.1' })).dhcpEnd).toBe(
      'Must lie inside 192.168.16.0/20',
    )
  })
})

describe('portgroups and VLANs', () => {
  const pg = (over: Partial<PortgroupSpec>): PortgroupSpec => ({ name: 'pg', ...over })

  it('VLAN tags are 1–4094: 0 and 4095 are reserved', () => {
    expect(validateNetworkSpec(ovs([pg({ vlanTags: [0] })]))['portgroups.0.vlanTags']).toBe('VLAN 0 is reserved; use 1–4094')
    expect(validateNetworkSpec(ovs([pg({ vlanTags: [4095] })]))['portgroups.0.vlanTags']).toBe('VLAN 4095 is reserved; use 1–4094')
    expect(validateNetworkSpec(ovs([pg({ vlanTags: [5000] })]))['portgroups.0.vlanTags']).toBe('VLAN 5000 does not exist; use 1–4094')
    expect(validateNetworkSpec(ovs([pg({ vlanTags: [1] }), pg({ name: 'b', vlanTags: [4094] })]))).toEqual({})
    expect(validateNetworkSpec(ovs([pg({ vlanTags: [10, 10], trunk: true })]))['portgroups.0.vlanTags']).toBe('VLAN 10 is listed twice')
  })

  it('portgroup names are unique and have no spaces; at most one default', () => {
    const twice = validateNetworkSpec(ovs([pg({ name: 'a' }), pg({ name: 'b' }), pg({ name: 'a' })]))
    expect(twice['portgroups.2.name']).toBe("Portgroup 'a' is named twice")
    expect(twice['portgroups.0.name']).toBeUndefined()
    expect(validateNetworkSpec(ovs([pg({ name: 'a b' })]))['portgroups.0.name']).toContain('without spaces')
    expect(validateNetworkSpec(ovs([pg({ name: '' })]))['portgroups.0.name']).toContain('without spaces')
    const defaults = validateNetworkSpec(ovs([pg({ name: 'a', isDefault: true }), pg({ name: 'b', isDefault: true })]))
    expect(defaults.portgroups).toBe('At most one portgroup can be the default')
    expect(validateNetworkSpec(ovs([pg({ name: 'a', isDefault: true }), pg({ name: 'b' })]))).toEqual({})
  })

  it('one tag is an access port; several need trunk; a trunk needs tags; the native VLAN is a tag of a trunk', () => {
    const at = (p: Partial<PortgroupSpec>) => validateNetworkSpec(ovs([pg(p)]))
    expect(at({ vlanTags: [10] })).toEqual({})
    expect(at({ vlanTags: [10, 20] })['portgroups.0.trunk']).toBe('Several VLAN tags make a trunk: tick Trunk')
    expect(at({ vlanTags: [10, 20], trunk: true })).toEqual({})
    expect(at({ trunk: true })['portgroups.0.trunk']).toBe('A trunk needs VLAN tags')
    expect(at({ vlanTags: [10, 20], trunk: true, nativeVlan: 30 })['portgroups.0.nativeVlan']).toBe('Native VLAN 30 must be one of the tags')
    expect(at({ vlanTags: [10, 20], trunk: true, nativeVlan: 20 })).toEqual({})
    expect(at({ vlanTags: [10], nativeVlan: 10 })['portgroups.0.nativeVlan']).toBe('Only a trunk has a native VLAN')
  })

  it('VLANs only on Open vSwitch; plain portgroups elsewhere are fine', () => {
    expect(validateNetworkSpec({ name: 'b', kind: 'bridge', bridge: 'br0', portgroups: [pg({ vlanTags: [10] })] })['portgroups.0.vlanTags']).toBe(
      'VLANs need an Open vSwitch network',
    )
    expect(validateNetworkSpec({ name: 'b', kind: 'bridge', bridge: 'br0', portgroups: [pg({})] })).toEqual({})
  })

  it('reads comma-separated tags and names what is no number', () => {
    expect(parseVlanTags('')).toEqual({ tags: [], error: null })
    expect(parseVlanTags(' 10, 20,30 ,')).toEqual({ tags: [10, 20, 30], error: null })
    expect(parseVlanTags('10, x2, -3')).toEqual({ tags: [10], error: "'x2' is not a VLAN number" })
    const errors = validateNetworkForm(form({ kind: 'openvswitch', bridge: 'ovsbr0', portgroups: [pgRow({ vlanTags: '10,abc' })] }))
    expect(errors['portgroups.0.vlanTags']).toBe("'abc' is not a VLAN number")
  })

  it('new rows get the first free name and a fresh key', () => {
    const a = newPortgroup([])
    expect(a).toEqual({ key: 1, name: 'pg1', isDefault: false, vlanTags: '', trunk: false, nativeVlan: '' })
    const b = newPortgroup([a, { key: 7, name: 'pg2' }])
    expect([b.key, b.name]).toEqual([8, 'pg3'])
  })
})

describe('the request body per kind', () => {
  it('NAT by default: the default subnet with DHCP, a bridge only when given, both start flags', () => {
    expect(buildNetworkSpec(form())).toEqual({
      name: 'lab',
      kind: 'nat',
      ipv4: { address: '192.168.100.1', prefix: 24, dhcpStart: '192.168.100.100', dhcpEnd: '192.168.100.254' },
      autostart: true,
      start: true,
    })
    expect(validateNetworkForm(form())).toEqual({})
    expect(buildNetworkSpec(form({ bridge: ' virbr7 ', withIpv4: false, start: false }))).toEqual({
      name: 'lab',
      kind: 'nat',
      bridge: 'virbr7',
      autostart: true,
      start: false,
    })
  })

  it('routed and isolated carry the subnet, without DHCP when both fields are empty', () => {
    const noDhcp = { address: ' 10.1.0.1 ', prefix: '/16', dhcpStart: '', dhcpEnd: '' }
    expect(buildNetworkSpec(form({ kind: 'routed', withIpv4: false, ...noDhcp })).ipv4).toEqual({ address: '10.1.0.1', prefix: 16 })
    expect(buildNetworkSpec(form({ kind: 'isolated', ...noDhcp, autostart: false }))).toEqual({
      name: 'lab',
      kind: 'isolated',
      ipv4: { address: '10.1.0.1', prefix: 16 },
      autostart: false,
      start: true,
    })
  })

  it('bridge and Open vSwitch: no subnet (whatever the form holds), portgroups for Open vSwitch only', () => {
    const rows = [pgRow({ name: 'a', vlanTags: '10', isDefault: true }), pgRow({ key: 2, name: 'b', vlanTags: '10, 20', trunk: true, nativeVlan: '20' })]
    expect(buildNetworkSpec(form({ kind: 'bridge', bridge: 'br0', portgroups: rows }))).toEqual({
      name: 'lab',
      kind: 'bridge',
      bridge: 'br0',
      autostart: true,
      start: true,
    })
    expect(buildNetworkSpec(form({ kind: 'openvswitch', bridge: 'ovsbr0', portgroups: rows }))).toEqual({
      name: 'lab',
      kind: 'openvswitch',
      bridge: 'ovsbr0',
      portgroups: [
        { name: 'a', isDefault: true, vlanTags: [10], trunk: false },
        { name: 'b', isDefault: false, vlanTags: [10, 20], trunk: true, nativeVlan: 20 },
      ],
      autostart: true,
      start: true,
    })
  })

  it('the form needs a host; Create is refused with the first message, or while sending', () => {
    expect(validateNetworkForm(form({ hostId: '' })).hostId).toBe('Choose a connected host')
    expect(canRun(form({ name: 'a<b>' }))).toEqual({ ok: false, reason: "Name may hold letters, digits, '-', '_' and '.'; not '<'" })
    expect(canRun(form())).toEqual({ ok: true })
    expect(canRun(form(), { busy: true })).toEqual({ ok: false, reason: 'The network is being created' })
    expect(firstError({})).toBeNull()
  })
})

describe('one portgroup of an existing network (the portgroup dialog)', () => {
  const ovsNet = {
    name: 'ovs-net',
    virtualportType: 'openvswitch',
    portgroups: [
      { name: 'vlan10', isDefault: true, vlanTags: [10], trunk: false, nativeVlan: null },
      { name: 'trunk', isDefault: false, vlanTags: [10, 20], trunk: true, nativeVlan: 20 },
    ],
  }
  const natNet = { name: 'nat1', virtualportType: null, portgroups: [] }

  it('a new portgroup gets the first free name; an existing one reads back as the form', () => {
    expect(newPortgroupForm(ovsNet)).toEqual({ key: 0, name: 'pg1', isDefault: false, vlanTags: '', trunk: false, nativeVlan: '' })
    expect(newPortgroupForm({ portgroups: [{ name: 'pg1', isDefault: false, vlanTags: [], trunk: false }] }).name).toBe('pg2')
    expect(portgroupFormOf(ovsNet.portgroups[1]!)).toEqual({ key: 0, name: 'trunk', isDefault: false, vlanTags: '10, 20', trunk: true, nativeVlan: '20' })
    expect(portgroupFormOf({ name: 'x', isDefault: true, vlanTags: [], trunk: false })).toMatchObject({ isDefault: true, vlanTags: '', nativeVlan: '' })
    expect(buildPortgroupSpec(portgroupFormOf(ovsNet.portgroups[1]!))).toEqual({ name: 'trunk', isDefault: false, vlanTags: [10, 20], trunk: true, nativeVlan: 20 })
  })

  it('checks the VLANs as the New network rows do, and that a new name is free', () => {
    expect(validatePortgroupForm(pgRow({ name: 'v30', vlanTags: '30' }), ovsNet, null)).toEqual({})
    expect(validatePortgroupForm(pgRow({ name: 'v30', vlanTags: '4095' }), ovsNet, null)).toEqual({ vlanTags: 'VLAN 4095 is reserved; use 1–4094' })
    expect(validatePortgroupForm(pgRow({ name: 'v30', vlanTags: '3x' }), ovsNet, null)).toEqual({ vlanTags: "'3x' is not a VLAN number" })
    expect(validatePortgroupForm(pgRow({ name: 'v30', vlanTags: '1,2' }), ovsNet, null)).toEqual({ trunk: 'Several VLAN tags make a trunk: tick Trunk' })
    expect(validatePortgroupForm(pgRow({ name: 'a b' }), ovsNet, null)).toEqual({ name: 'A portgroup name is 1–64 characters without spaces' })
    expect(validatePortgroupForm(pgRow({ name: 'trunk' }), ovsNet, null)).toEqual({ name: "Network ovs-net already has a portgroup 'trunk'" })
    // Editing keeps its own name.
    expect(validatePortgroupForm(pgRow({ name: 'trunk', vlanTags: '10,20', trunk: true }), ovsNet, 'trunk')).toEqual({})
    // VLANs only on Open vSwitch; a plain portgroup elsewhere is fine.
    expect(validatePortgroupForm(pgRow({ name: 'p', vlanTags: '5' }), natNet, null)).toEqual({ vlanTags: 'VLANs need an Open vSwitch network' })
    expect(validatePortgroupForm(pgRow({ name: 'p', isDefault: true }), natNet, null)).toEqual({})
  })

  it('at most one default: another default must be cleared first', () => {
    expect(otherDefaultPortgroup(ovsNet, null)).toBe('vlan10')
    expect(otherDefaultPortgroup(ovsNet, 'vlan10')).toBeNull()
    expect(otherDefaultPortgroup(natNet, null)).toBeNull()
    expect(validatePortgroupForm(pgRow({ name: 'v30', isDefault: true }), ovsNet, null)).toEqual({
      isDefault: "Portgroup 'vlan10' is the default: clear the default on vlan10 first",
    })
    expect(validatePortgroupForm(pgRow({ name: 'vlan10', isDefault: true, vlanTags: '10' }), ovsNet, 'vlan10')).toEqual({})
    expect(validatePortgroupForm(pgRow({ name: 'trunk', isDefault: true, vlanTags: '10,20', trunk: true }), ovsNet, 'trunk').isDefault).toContain(
      'clear the default on vlan10 first',
    )
  })

  it('the add and edit buttons and saves: the host, a running request, then the first broken rule', () => {
    const connected = { host: { state: 'connected' } }
    expect(addPortgroup.canSubmit(pgRow({ name: 'v30', vlanTags: '30' }), ovsNet, connected)).toEqual({ ok: true })
    expect(addPortgroup.canSubmit(pgRow({ name: 'v30', vlanTags: '0' }), ovsNet, connected)).toEqual({ ok: false, reason: 'VLAN 0 is reserved; use 1–4094' })
    expect(addPortgroup.canSubmit(pgRow({ name: 'v30' }), ovsNet, { host: { state: 'disconnected' } })).toEqual({ ok: false, reason: 'Host is not connected' })
    expect(editPortgroup.canSubmit(pgRow({ name: 'trunk', vlanTags: '10,20', trunk: true }), 'trunk', ovsNet, { busy: true })).toEqual({
      ok: false,
      reason: 'A request for this network is running',
    })
    expect(editPortgroup.canSubmit(pgRow({ name: 'trunk', vlanTags: '10,20', trunk: true }), 'trunk', ovsNet, connected)).toEqual({ ok: true })
    expect(removePortgroup.canRun(ovsNet, { host: { state: 'error' } })).toEqual({ ok: false, reason: 'Host is not connected' })
  })
})
