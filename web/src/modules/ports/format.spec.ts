import { describe, expect, it } from 'vitest'
import { linkStateBadge, portAddresses, portAttachmentText, portVlanText, portVmLink, shortId, vmStateLabel, vmStateTone } from './format'
import { makePort } from './testing'

describe('portAttachmentText', () => {
  it('a network NIC: the network, with its portgroup when it has one', () => {
    expect(portAttachmentText(makePort({ kind: 'network', network: 'default' }))).toBe('default')
    expect(portAttachmentText(makePort({ kind: 'network', network: 'ovs-net', portgroup: 'vlan10', bridge: 'ovsbr0' }))).toBe('ovs-net / vlan10')
  })
  it('a bridge NIC: the bridge', () => {
    expect(portAttachmentText(makePort({ kind: 'bridge', network: null, bridge: 'br0' }))).toBe('br0')
  })
  it('a direct (macvtap) NIC: the host device and its mode', () => {
    expect(portAttachmentText(makePort({ kind: 'direct', network: null, sourceDev: 'eth0', sourceMode: 'vepa' }))).toBe('eth0 (vepa)')
    expect(portAttachmentText(makePort({ kind: 'direct', network: null, sourceDev: 'eth1' }))).toBe('eth1')
  })
  it('a vhostuser NIC: its socket and mode; user-mode and bare ethernet: a dash', () => {
    expect(portAttachmentText(makePort({ kind: 'vhostuser', network: null, sourceDev: '/run/vhost.sock', sourceMode: 'client' }))).toBe(
      '/run/vhost.sock (client)',
    )
    expect(portAttachmentText(makePort({ kind: 'user', network: null }))).toBe('—')
    expect(portAttachmentText(makePort({ kind: 'ethernet', network: null, targetDev: 'tap0' }))).toBe('—')
  })
})

describe('portVlanText', () => {
  it('access VLAN, trunk with native VLAN, none', () => {
    expect(portVlanText(makePort({ vlanTags: [10] }))).toBe('VLAN 10')
    expect(portVlanText(makePort({ vlanTags: [10, 20, 30], trunk: true, nativeVlan: 10 }))).toBe('trunk 10,20,30 (native 10)')
    expect(portVlanText(makePort({ vlanTags: [10, 20] }))).toBe('trunk 10,20')
    expect(portVlanText(makePort({ vlanTags: [], trunk: false, nativeVlan: null }))).toBe('—')
  })
})

describe('cells', () => {
  it('shortens long ids only', () => {
    expect(shortId('3f2a1b4c-0000-4000-8000-000000000001')).toBe('3f2a1b4c…')
    expect(shortId('abcdefgh')).toBe('abcdefgh')
    expect(shortId('abcdefghi')).toBe('abcdefghi') // cutting one character saves nothing
  })
  it('link state: up, down, unknown when absent, other values as reported', () => {
    expect(linkStateBadge('up')).toEqual({ label: 'up', tone: 'success' })
    expect(linkStateBadge('DOWN')).toEqual({ label: 'down', tone: 'danger' })
    expect(linkStateBadge(null)).toEqual({ label: 'unknown', tone: 'neutral' })
    expect(linkStateBadge(undefined).label).toBe('unknown')
    expect(linkStateBadge('dormant')).toEqual({ label: 'dormant', tone: 'neutral' })
  })
  it('VM state labels and tones', () => {
    expect(vmStateLabel('shuttingDown')).toBe('shutting down')
    expect(vmStateLabel('running')).toBe('running')
    expect(vmStateTone('running')).toBe('success')
    expect(vmStateTone('crashed')).toBe('danger')
    expect(vmStateTone('shutoff')).toBe('neutral')
  })
  it('links a managed VM to its page, a discovered one to the discovered list filtered to it', () => {
    const managed = makePort({ managed: true, vmId: 'vm-1', vmName: 'web' })
    expect(portVmLink(managed)).toEqual({ name: 'vm', params: { id: 'vm-1' } })
    const found = makePort({ managed: false, vmId: 'vm-2', vmName: 'db 1', hostId: 'host-b' })
    expect(portVmLink(found)).toEqual({ path: '/discovered', query: { hostId: 'host-b', q: 'db 1' } })
  })
})

describe('portAddresses', () => {
  it('each address with its source and what the source means; none when absent', () => {
    const p = makePort({
      addresses: [
        { address: '192.168.122.3/24', source: 'lease' },
        { address: 'fe80::1/64', source: 'agent' },
        { address: '10.0.0.5/8', source: 'Arp' },
      ],
    })
    expect(portAddresses(p)).toEqual([
      { address: '192.168.122.3/24', source: 'lease', sourceTitle: 'From the DHCP leases of the libvirt network' },
      { address: 'fe80::1/64', source: 'agent', sourceTitle: 'Reported by the guest agent' },
      { address: '10.0.0.5/8', source: 'arp', sourceTitle: 'Source: Arp' },
    ])
    expect(portAddresses(makePort({ addresses: [] }))).toEqual([])
    expect(portAddresses({})).toEqual([]) // not running, or an older server
  })
})
