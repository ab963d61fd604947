import { describe, expect, it } from 'vitest'
import { groupTopology, otherLabel, vmsOf } from './grouping'
import { makeNetwork, makePort, makeTopologyHost, portgroup, sampleTopology, topology } from './testing'

const names = (vms: { vmName: string }[]) => vms.map((v) => v.vmName)

describe('groupTopology', () => {
  it('puts each VM under its network and portgroup; no portgroup means the default one', () => {
    const [alpha, beta] = groupTopology(sampleTopology())
    expect(alpha!.name).toBe('alpha')
    expect(alpha!.networks.map((n) => n.name)).toEqual(['default', 'ovs-net'])
    const ovs = alpha!.networks[1]!
    expect(ovs.network?.virtualportType).toBe('openvswitch')
    expect(ovs.portgroups.map((p) => [p.name, p.known, names(p.vms)])).toEqual([
      ['vlan10', true, ['test', 'web01']],
      ['trunk', true, ['db01']],
    ])
    expect(ovs.portgroups[1]).toMatchObject({ trunk: true, vlanTags: [10, 20], nativeVlan: 10 })
    expect(ovs.vms).toEqual([])
    expect(ovs.nicCount).toBe(3)
    expect(names(alpha!.networks[0]!.vms)).toEqual(['web01'])
    expect(alpha!.vmCount).toBe(5)
    expect(alpha!.nicCount).toBe(6)

    expect(beta).toMatchObject({ name: 'beta', state: 'disconnected', networks: [], bridges: [], others: [], vmCount: 0, nicCount: 0 })
  })

  it('groups NICs joined straight to a bridge by bridge, and keeps every other NIC raw', () => {
    const [alpha] = groupTopology(sampleTopology())
    expect(alpha!.bridges).toEqual([expect.objectContaining({ bridge: 'br0', ovs: false })])
    expect(names(alpha!.bridges[0]!.vms)).toEqual(['app'])
    expect(alpha!.others).toHaveLength(1)
    expect(alpha!.others[0]).toMatchObject({ kind: 'direct', sourceDev: 'eth0', sourceMode: 'vepa', label: 'direct eth0 (vepa)' })
    expect(alpha!.others[0]!.ports.map((p) => p.vmName)).toEqual(['raw'])
  })

  it('without a default portgroup a NIC sits on the network itself; unknown portgroups and networks are kept', () => {
    const lan = makeNetwork({ name: 'lan', portgroups: [portgroup({ name: 'a', vlanTags: [1] })] })
    const t = topology(
      makeTopologyHost({
        networks: [lan],
        ports: [
          makePort({ vmId: 'v1', vmName: 'one', network: 'lan', portgroup: null }),
          makePort({ vmId: 'v2', vmName: 'two', network: 'lan', portgroup: 'zz' }),
          makePort({ vmId: 'v3', vmName: 'three', network: 'gone', portgroup: null }),
          makePort({ vmId: 'v4', vmName: 'four', kind: 'bridge', network: null, bridge: 'ovsbr1', virtualportType: 'openvswitch' }),
          makePort({ vmId: 'v5', vmName: 'five', kind: 'user', network: null, bridge: null, sourceDev: null }),
          makePort({ vmId: 'v6', vmName: 'six', kind: '', network: null, bridge: null, sourceDev: null }),
        ],
      }),
    )
    const [h] = groupTopology(t)
    const [lanG, gone] = h!.networks
    expect(names(lanG!.vms)).toEqual(['one'])
    expect(lanG!.portgroups.map((p) => [p.name, p.known, names(p.vms)])).toEqual([
      ['a', true, []],
      ['zz', false, ['two']],
    ])
    expect(gone).toMatchObject({ name: 'gone', network: null, portgroups: [], nicCount: 1 })
    expect(names(gone!.vms)).toEqual(['three'])
    expect(h!.bridges).toEqual([expect.objectContaining({ bridge: 'ovsbr1', ovs: true })])
    expect(h!.others.map((o) => o.label)).toEqual(['unconnected', 'user'])
  })

  it('is deterministic: the order of the NICs and networks does not matter', () => {
    const t = sampleTopology()
    const shuffled = structuredClone(t)
    shuffled.hosts[0]!.ports.reverse()
    shuffled.hosts[0]!.networks.reverse()
    expect(groupTopology(shuffled)).toEqual(groupTopology(t))
  })
})

describe('vmsOf', () => {
  it('one entry per VM by name, its NICs in order; link down only when every NIC is down', () => {
    const vms = vmsOf([
      makePort({ vmId: 'b', vmName: 'Beta', ordinal: 1, linkState: 'down' }),
      makePort({ vmId: 'a', vmName: 'alpha', linkState: 'down' }),
      makePort({ vmId: 'b', vmName: 'Beta', ordinal: 0, linkState: 'up' }),
      makePort({ vmId: 'c', vmName: 'vm10' }),
      makePort({ vmId: 'd', vmName: 'vm9' }),
    ])
    expect(vms.map((v) => [v.vmName, v.nics.map((n) => n.ordinal), v.linkDown])).toEqual([
      ['alpha', [0], true],
      ['Beta', [0, 1], false],
      ['vm9', [0], false],
      ['vm10', [0], false],
    ])
  })

  it('labels other attachments raw', () => {
    expect(otherLabel('direct', 'eth0', 'vepa')).toBe('direct eth0 (vepa)')
    expect(otherLabel('vhostuser', '/run/sock', null)).toBe('vhostuser /run/sock')
    expect(otherLabel(' ', null, null)).toBe('unconnected')
  })
})
