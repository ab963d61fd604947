import { describe, expect, it } from 'vitest'
import { groupTopology } from './grouping'
import {
  DEFAULT_MAX_VMS,
  edgePath,
  hostNodeId,
  LAYOUT,
  layoutTopology,
  moreNodeId,
  networkNodeId,
  nodeLink,
  portgroupNodeId,
  relatedNodes,
  vmNodeId,
  type LayoutNode,
  type TopologyLayout,
} from './layout'
import { crowdedTopology, sampleTopology } from './testing'

const sample = () => layoutTopology(groupTopology(sampleTopology()))
const byId = (l: TopologyLayout, id: string) => l.nodes.find((n) => n.id === id)!
const centre = (n: LayoutNode) => n.y + n.h / 2
const childrenOf = (l: TopologyLayout, id: string) => l.nodes.filter((n) => n.parentId === id)

describe('layoutTopology', () => {
  it('draws hosts → networks / bridges / other → portgroups → VMs in columns', () => {
    const l = sample()
    const rows = l.nodes.map((n) => [n.kind, n.name, n.col])
    expect(rows).toEqual([
      ['host', 'alpha', 0],
      ['network', 'default', 1],
      ['vm', 'web01', 3],
      ['network', 'ovs-net', 1],
      ['portgroup', 'vlan10', 2],
      ['vm', 'test', 3],
      ['vm', 'web01', 3],
      ['portgroup', 'trunk', 2],
      ['vm', 'db01', 3],
      ['bridge', 'br0', 1],
      ['vm', 'app', 3],
      ['other', 'direct eth0 (vepa)', 1],
      ['vm', 'raw', 3],
      ['host', 'beta', 0],
    ])
    for (const n of l.nodes) {
      expect(n.x).toBe(LAYOUT.pad + n.col * LAYOUT.colWidth)
      expect([n.w, n.h]).toEqual([LAYOUT.nodeWidth, LAYOUT.nodeHeight])
    }
    expect(l.width).toBe(LAYOUT.pad * 2 + 3 * LAYOUT.colWidth + LAYOUT.nodeWidth)
  })

  it('gives every node a stable unique id, state, tone and parent', () => {
    const l = sample()
    expect(new Set(l.nodes.map((n) => n.id)).size).toBe(l.nodes.length)
    const host = byId(l, hostNodeId('host-a'))
    expect(host).toMatchObject({ kind: 'host', state: 'connected', tone: 'success', parentId: null, sub: 'connected · 5 VMs' })
    expect(byId(l, hostNodeId('host-b'))).toMatchObject({ state: 'disconnected', tone: 'neutral', sub: 'disconnected · 0 VMs' })
    const ovs = byId(l, networkNodeId('host-a', 'ovs-net'))
    expect(ovs).toMatchObject({ parentId: host.id, state: 'active', tone: 'success', sub: 'Open vSwitch · ovsbr0 · active', network: 'ovs-net' })
    const trunk = byId(l, portgroupNodeId('host-a', 'ovs-net', 'trunk'))
    expect(trunk).toMatchObject({ parentId: ovs.id, sub: 'trunk 10,20 (native 10)' })
    expect(byId(l, portgroupNodeId('host-a', 'ovs-net', 'vlan10')).sub).toBe('VLAN 10 · default')
    const db = byId(l, vmNodeId(trunk.id, 'vm-db'))
    expect(db).toMatchObject({ kind: 'vm', state: 'paused', tone: 'warning', dashed: true, network: 'ovs-net', vmId: 'vm-db', sub: 'paused · link down' })
    const raw = l.nodes.find((n) => n.vmId === 'vm-raw')!
    expect(raw.sub).toBe('running · discovered')
    expect(l.nodes.find((n) => n.vmId === 'vm-test')!).toMatchObject({ state: 'shutoff', tone: 'neutral', sub: 'shut off' })
  })

  it('puts each leaf on its own row and each parent centred on its children; hosts are apart', () => {
    const l = sample()
    const leaves = l.nodes.filter((n) => childrenOf(l, n.id).length === 0)
    for (let i = 1; i < leaves.length; i++) {
      const gap = centre(leaves[i]!) - centre(leaves[i - 1]!)
      const hostChange = leaves[i]!.hostId !== leaves[i - 1]!.hostId
      expect(gap).toBe(LAYOUT.rowHeight + (hostChange ? LAYOUT.hostGap : 0))
    }
    for (const n of l.nodes) {
      const kids = childrenOf(l, n.id)
      if (kids.length) expect(centre(n)).toBe((centre(kids[0]!) + centre(kids.at(-1)!)) / 2)
    }
    // Nothing overlaps within a column, and everything fits.
    for (const col of [0, 1, 2, 3]) {
      const ys = l.nodes.filter((n) => n.col === col).map((n) => n.y)
      for (let i = 1; i < ys.length; i++) expect(ys[i]! - ys[i - 1]!).toBeGreaterThanOrEqual(LAYOUT.nodeHeight)
    }
    const bottom = Math.max(...l.nodes.map((n) => n.y + n.h))
    expect(l.height).toBe(bottom + LAYOUT.pad)
    expect(Math.min(...l.nodes.map((n) => n.y))).toBe(LAYOUT.pad)
  })

  it('links each parent to each child with an edge; link-down NICs are dashed', () => {
    const l = sample()
    expect(l.edges).toHaveLength(l.nodes.filter((n) => n.parentId !== null).length)
    for (const e of l.edges) {
      const from = byId(l, e.from)
      const to = byId(l, e.to)
      expect(to.parentId).toBe(from.id)
      expect(e.d).toBe(edgePath(from.x + from.w, centre(from), to.x, centre(to)))
      expect(e.dashed).toBe(to.dashed)
    }
    const trunk = portgroupNodeId('host-a', 'ovs-net', 'trunk')
    expect(l.edges.find((e) => e.to === vmNodeId(trunk, 'vm-db'))!.dashed).toBe(true)
    // A running VM on an active network of a connected host: live.
    const def = networkNodeId('host-a', 'default')
    expect(l.edges.find((e) => e.to === vmNodeId(def, 'vm-web'))!.live).toBe(true)
    expect(l.edges.find((e) => e.to === vmNodeId(trunk, 'vm-db'))!.live).toBe(false)
    expect(edgePath(0, 0.3, 10, 20.74)).toBe('M0,0.5 C5,0.5 5,20.5 10,20.5')
  })

  it('is a pure function of the topology: same input, same layout', () => {
    const a = sample()
    const t = sampleTopology()
    t.hosts[0]!.ports.reverse()
    expect(layoutTopology(groupTopology(t))).toEqual(a)
    expect(sample()).toEqual(a)
  })

  it('folds a long VM list into "+K more", which the expanded set unfolds', () => {
    const hosts = groupTopology(crowdedTopology(20))
    const pg = portgroupNodeId('host-a', 'lan', 'pg')
    const folded = layoutTopology(hosts)
    const vms = childrenOf(folded, pg)
    expect(vms).toHaveLength(DEFAULT_MAX_VMS + 1)
    expect(vms.slice(0, -1).map((n) => n.name)).toEqual(Array.from({ length: DEFAULT_MAX_VMS }, (_, i) => `vm-${String(i).padStart(4, '0')}`))
    expect(vms.at(-1)).toMatchObject({ id: moreNodeId(pg), kind: 'more', name: 'more', label: '+12 more', hidden: 12, group: pg, expanded: false, col: 3 })

    const open = layoutTopology(hosts, { expanded: new Set([pg]) })
    const all = childrenOf(open, pg)
    expect(all).toHaveLength(21)
    expect(all.at(-1)).toMatchObject({ kind: 'more', label: 'Show fewer', expanded: true, hidden: 0 })
    expect(open.height).toBeGreaterThan(folded.height)

    expect(childrenOf(layoutTopology(hosts, { maxVms: 5 }), pg).at(-1)!.label).toBe('+15 more')
    expect(childrenOf(layoutTopology(hosts, { maxVms: 20 }), pg).every((n) => n.kind === 'vm')).toBe(true)
  })

  it('stays small with hundreds of VMs', () => {
    const l = layoutTopology(groupTopology(crowdedTopology(600)))
    expect(l.nodes).toHaveLength(3 + DEFAULT_MAX_VMS + 1)
    expect(l.height).toBeLessThan(800)
    const open = layoutTopology(groupTopology(crowdedTopology(600)), { expanded: new Set([portgroupNodeId('host-a', 'lan', 'pg')]) })
    expect(open.nodes).toHaveLength(3 + 600 + 1)
  })

  it('draws an empty topology as an empty diagram', () => {
    const l = layoutTopology([])
    expect(l.nodes).toEqual([])
    expect(l.edges).toEqual([])
    expect(l.height).toBe(LAYOUT.pad * 2 + LAYOUT.nodeHeight)
  })
})

describe('relatedNodes', () => {
  it('a VM lights up every place it is plugged into and their paths up to the host', () => {
    const l = sample()
    const def = networkNodeId('host-a', 'default')
    const vlan10 = portgroupNodeId('host-a', 'ovs-net', 'vlan10')
    const set = relatedNodes(l, vmNodeId(def, 'vm-web'))
    expect([...set].sort()).toEqual(
      [hostNodeId('host-a'), def, vmNodeId(def, 'vm-web'), networkNodeId('host-a', 'ovs-net'), vlan10, vmNodeId(vlan10, 'vm-web')].sort(),
    )
  })

  it('a network lights up its host and everything under it; nothing of other hosts', () => {
    const l = sample()
    const ovs = networkNodeId('host-a', 'ovs-net')
    const set = relatedNodes(l, ovs)
    const pgs = ['vlan10', 'trunk'].map((p) => portgroupNodeId('host-a', 'ovs-net', p))
    expect([...set].sort()).toEqual(
      [
        hostNodeId('host-a'),
        ovs,
        ...pgs,
        vmNodeId(pgs[0]!, 'vm-test'),
        vmNodeId(pgs[0]!, 'vm-web'),
        vmNodeId(pgs[1]!, 'vm-db'),
      ].sort(),
    )
    expect(relatedNodes(l, hostNodeId('host-b'))).toEqual(new Set([hostNodeId('host-b')]))
    expect(relatedNodes(l, 'nope').size).toBe(0)
  })
})

describe('nodeLink', () => {
  it('host → its page, network and portgroup → the Networks page filtered, bridge → the Ports page, VM → its page', () => {
    const l = sample()
    const link = (kind: string, name: string) => nodeLink(l.nodes.find((n) => n.kind === kind && n.name === name)!)
    expect(link('host', 'alpha')).toEqual({ name: 'host', params: { id: 'host-a' } })
    expect(link('network', 'ovs-net')).toEqual({ path: '/networks', query: { hostId: 'host-a', q: 'ovs-net' } })
    expect(link('portgroup', 'trunk')).toEqual({ path: '/networks', query: { hostId: 'host-a', q: 'ovs-net' } })
    expect(link('bridge', 'br0')).toEqual({ path: '/ports', query: { hostId: 'host-a', q: 'br0' } })
    expect(link('other', 'direct eth0 (vepa)')).toEqual({ path: '/ports', query: { hostId: 'host-a' } })
    expect(link('vm', 'db01')).toEqual({ name: 'vm', params: { id: 'vm-db' } })
    const crowded = layoutTopology(groupTopology(crowdedTopology(20)))
    expect(nodeLink(crowded.nodes.find((n) => n.kind === 'more')!)).toBeNull()
  })
})
