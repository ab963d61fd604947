import { describe, expect, it } from 'vitest'
import { makeNetwork, portgroup } from '@/modules/networks/testing'
import { buildNicUpdate, defaultNicChangeForm, isLinkUp, nicChangeKind, validateNicChangeForm, type NicChangeForm } from './nicChange'
import { makeNic, ovsBridgeNic } from './testing'

const ovsNet = makeNetwork({ name: 'ovs-net', portgroups: [portgroup({ name: 'vlan10', vlanTags: [10] }), portgroup({ name: 'vlan20', vlanTags: [20] })] })
const networks = [makeNetwork({ name: 'default' }), ovsNet]
const change = (nic = makeNic(), over: Partial<NicChangeForm> = {}) => buildNicUpdate(nic, { ...defaultNicChangeForm(nic), ...over })

describe('what a NIC offers to change', () => {
  it('a network NIC its network and portgroup, an Open vSwitch bridge NIC its VLANs, others only the link', () => {
    expect(nicChangeKind(makeNic())).toBe('network')
    expect(nicChangeKind(ovsBridgeNic())).toBe('ovsBridge')
    expect(nicChangeKind(makeNic({ kind: 'bridge', network: null, bridge: 'br0' }))).toBe('other')
    expect(nicChangeKind(makeNic({ kind: 'direct', network: null, sourceDev: 'eth0' }))).toBe('other')
  })

  it('the link is up unless it reads down', () => {
    expect(isLinkUp(makeNic({ linkState: null }))).toBe(true)
    expect(isLinkUp(makeNic({ linkState: 'up' }))).toBe(true)
    expect(isLinkUp(makeNic({ linkState: 'down' }))).toBe(false)
  })

  it('starts from the NIC as it is (a NIC with several tags is a trunk)', () => {
    expect(defaultNicChangeForm(makeNic({ network: 'ovs-net', portgroup: 'vlan10', linkState: 'down' }))).toEqual({
      network: 'ovs-net',
      portgroup: 'vlan10',
      vlanTags: '',
      trunk: false,
      nativeVlan: '',
      linkUp: false,
    })
    expect(defaultNicChangeForm(ovsBridgeNic({ vlanTags: [10, 20], nativeVlan: 20 }))).toMatchObject({ vlanTags: '10, 20', trunk: true, nativeVlan: '20' })
  })
})

describe('the NicUpdate body', () => {
  it('sends only what changed', () => {
    expect(change()).toEqual({})
    expect(change(makeNic(), { linkUp: false })).toEqual({ linkUp: false })
    expect(change(makeNic({ network: 'ovs-net', portgroup: 'vlan10' }), { portgroup: 'vlan20' })).toEqual({ portgroup: 'vlan20' })
    // '' removes the portgroup.
    expect(change(makeNic({ network: 'ovs-net', portgroup: 'vlan10' }), { portgroup: '' })).toEqual({ portgroup: '' })
  })

  it('moving to another network sends the portgroup too', () => {
    expect(change(makeNic(), { network: 'ovs-net', portgroup: 'vlan20' })).toEqual({ network: 'ovs-net', portgroup: 'vlan20' })
    expect(change(makeNic({ network: 'ovs-net', portgroup: 'vlan10' }), { network: 'default', portgroup: '' })).toEqual({ network: 'default', portgroup: '' })
  })

  it('new VLANs of an Open vSwitch bridge NIC are sent whole', () => {
    const nic = ovsBridgeNic({ vlanTags: [10] })
    expect(change(nic, { vlanTags: '10' })).toEqual({})
    expect(change(nic, { vlanTags: '' })).toEqual({ vlanTags: [], trunk: false })
    expect(change(nic, { vlanTags: '10,20', trunk: true, nativeVlan: '10', linkUp: false })).toEqual({
      vlanTags: [10, 20],
      trunk: true,
      nativeVlan: 10,
      linkUp: false,
    })
    // A network NIC's VLANs come from its portgroup: never sent.
    expect(change(makeNic(), { vlanTags: '30' })).toEqual({})
  })
})

describe('the Change NIC rules', () => {
  const validate = (nic = makeNic(), over: Partial<NicChangeForm> = {}) => validateNicChangeForm(nic, { ...defaultNicChangeForm(nic), ...over }, networks)

  it('needs a change', () => {
    expect(validate()).toEqual({ change: 'Nothing changed' })
    expect(validate(makeNic(), { linkUp: false })).toEqual({})
  })

  it('a known network and one of its portgroups', () => {
    expect(validate(makeNic(), { network: 'ovs-net', portgroup: 'vlan10' })).toEqual({})
    expect(validate(makeNic(), { network: 'nope' })).toMatchObject({ network: 'Choose a network of the VM’s host' })
    expect(validate(makeNic(), { network: 'ovs-net', portgroup: 'vlan99' })).toMatchObject({ portgroup: "Network 'ovs-net' has no portgroup 'vlan99'" })
    // The NIC's own network, not in a list still loading, is no error.
    expect(validateNicChangeForm(makeNic(), { ...defaultNicChangeForm(makeNic()), linkUp: false }, [])).toEqual({})
  })

  it('the VLAN rules on an Open vSwitch bridge NIC', () => {
    expect(validate(ovsBridgeNic(), { vlanTags: '10,20' })).toMatchObject({ trunk: 'Several VLAN tags make a trunk: tick Trunk' })
    expect(validate(ovsBridgeNic(), { vlanTags: '0' })).toMatchObject({ vlanTags: 'VLAN 0 is reserved; use 1–4094' })
    expect(validate(ovsBridgeNic(), { vlanTags: '10,20', trunk: true })).toEqual({})
  })
})
