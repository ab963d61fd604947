// The diagram's layout: a pure, deterministic function of the grouped topology (and of which
// VM lists are expanded) giving every node its box and every edge its path. Columns, left to
// right: hosts → networks / bridges / other attachments → portgroups → VMs. Each leaf takes one
// row; a parent sits centred on its children, so edges never cross. A list of more than
// `maxVms` VMs shows the first `maxVms` and a "+K more" node that expands it.
import type { RouteLocationRaw } from 'vue-router'
import type { BadgeTone } from '@/components/ui/UiBadge.vue'
import { vlanText } from '@/lib/vlan'
import { hostLink, hostTone, networkKind, networkLink, networkStateText, networkTone, portsLink, vmLink, vmStateLabel, vmTone } from './format'
import type { TopoHost, TopoNetwork, TopoVm } from './grouping'

export type NodeKind = 'host' | 'network' | 'bridge' | 'other' | 'portgroup' | 'vm' | 'more'

export interface LayoutNode {
  /** Stable for the same topology: built from the host id and names along the path. */
  id: string
  kind: NodeKind
  /** 0 hosts, 1 networks / bridges / other attachments, 2 portgroups, 3 VMs. */
  col: number
  /** Top-left corner and size. */
  x: number
  y: number
  w: number
  h: number
  /** What the node is called (host, network, bridge, portgroup or VM name; "more" for a more node). */
  name: string
  /** First line (full; the view cuts it to fit). */
  label: string
  /** Second line. */
  sub: string
  tone: BadgeTone
  /** host: its connection state; network: active/inactive/missing; VM: its power state. */
  state: string
  /** Drawn dashed: a VM whose NICs here are all link down, a network or portgroup the host does not define. */
  dashed: boolean
  /** Live: a connected host, an active network, a running VM (its edge is drawn brighter). */
  live: boolean
  hostId: string
  parentId: string | null
  /** The network a network, portgroup or VM node belongs to. */
  network?: string
  /** The bridge of a bridge node. */
  bridge?: string
  vmId?: string
  managed?: boolean
  /** A more node: the list it expands or folds (its parent's id), and how many VMs it hides. */
  group?: string
  hidden?: number
  /** A more node of an expanded list ("Show fewer"). */
  expanded?: boolean
}

export interface LayoutEdge {
  id: string
  from: string
  to: string
  /** SVG path (a horizontal S-curve from the parent's right side to the child's left side). */
  d: string
  dashed: boolean
  live: boolean
}

export interface TopologyLayout {
  nodes: LayoutNode[]
  edges: LayoutEdge[]
  width: number
  height: number
}

export interface LayoutOptions {
  /** Ids of the parents whose VM lists are shown in full. */
  expanded?: ReadonlySet<string>
  /** VMs shown per list before the rest fold into "+K more". */
  maxVms?: number
}

export const LAYOUT = { pad: 16, colWidth: 240, nodeWidth: 188, nodeHeight: 38, rowHeight: 46, hostGap: 22 } as const
export const DEFAULT_MAX_VMS = 8

type Draft = Omit<LayoutNode, 'x' | 'y' | 'w' | 'h' | 'parentId'>
interface Tree {
  node: Draft
  children: Tree[]
}

const seg = (s: string) => encodeURIComponent(s)
export const hostNodeId = (hostId: string) => `host/${seg(hostId)}`
export const networkNodeId = (hostId: string, name: string) => `net/${seg(hostId)}/${seg(name)}`
export const portgroupNodeId = (hostId: string, network: string, pg: string) => `pg/${seg(hostId)}/${seg(network)}/${seg(pg)}`
export const bridgeNodeId = (hostId: string, bridge: string) => `br/${seg(hostId)}/${seg(bridge)}`
export const otherNodeId = (hostId: string, key: string) => `other/${seg(hostId)}/${seg(key)}`
export const vmNodeId = (parentId: string, vmId: string) => `${parentId}|vm/${seg(vmId)}`
export const moreNodeId = (parentId: string) => `${parentId}|more`

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`

function vmTree(parentId: string, hostId: string, vm: TopoVm, network?: string): Tree {
  const parts = [vmStateLabel(vm.vmState)]
  if (vm.nics.length > 1) parts.push(plural(vm.nics.length, 'NIC'))
  if (vm.linkDown) parts.push('link down')
  if (!vm.managed) parts.push('discovered')
  return {
    node: {
      id: vmNodeId(parentId, vm.vmId),
      kind: 'vm',
      col: 3,
      name: vm.vmName,
      label: vm.vmName,
      sub: parts.join(' · '),
      tone: vmTone(vm.vmState),
      state: vm.vmState,
      dashed: vm.linkDown,
      live: vm.vmState === 'running',
      hostId,
      network,
      vmId: vm.vmId,
      managed: vm.managed,
    },
    children: [],
  }
}

/** The VM nodes of one list, folded past `max` unless `parentId` is expanded. */
function vmList(parentId: string, hostId: string, vms: readonly TopoVm[], opts: Required<LayoutOptions>, network?: string): Tree[] {
  const max = Math.max(1, opts.maxVms)
  if (vms.length <= max) return vms.map((vm) => vmTree(parentId, hostId, vm, network))
  const open = opts.expanded.has(parentId)
  const shown = open ? vms : vms.slice(0, max)
  const hidden = vms.length - max
  const more: Tree = {
    node: {
      id: moreNodeId(parentId),
      kind: 'more',
      col: 3,
      name: 'more',
      label: open ? 'Show fewer' : `+${hidden} more`,
      sub: open ? `${vms.length} VMs shown` : `${plural(vms.length, 'VM')} in all`,
      tone: 'info',
      state: open ? 'expanded' : 'collapsed',
      dashed: false,
      live: false,
      hostId,
      network,
      group: parentId,
      hidden: open ? 0 : hidden,
      expanded: open,
    },
    children: [],
  }
  return [...shown.map((vm) => vmTree(parentId, hostId, vm, network)), more]
}

function networkTree(hostId: string, n: TopoNetwork, opts: Required<LayoutOptions>): Tree {
  const id = networkNodeId(hostId, n.name)
  const net = n.network
  const sub = net ? [networkKind(net), net.bridge || 'no bridge', networkStateText(net)].join(' · ') : `not on the host · ${plural(n.nicCount, 'NIC')}`
  const portgroups: Tree[] = n.portgroups.map((pg) => {
    const pgId = portgroupNodeId(hostId, n.name, pg.name)
    const vlan = vlanText(pg, 'no VLAN')
    return {
      node: {
        id: pgId,
        kind: 'portgroup',
        col: 2,
        name: pg.name,
        label: pg.name,
        sub: pg.known ? (pg.isDefault ? `${vlan} · default` : vlan) : 'not in the network',
        tone: pg.known ? 'info' : 'danger',
        state: pg.known ? 'defined' : 'missing',
        dashed: !pg.known,
        live: !!net?.active,
        hostId,
        network: n.name,
      },
      children: vmList(pgId, hostId, pg.vms, opts, n.name),
    }
  })
  return {
    node: {
      id,
      kind: 'network',
      col: 1,
      name: n.name,
      label: n.name,
      sub,
      tone: networkTone(net),
      state: networkStateText(net),
      dashed: !net,
      live: !!net?.active,
      hostId,
      network: n.name,
    },
    children: [...portgroups, ...vmList(id, hostId, n.vms, opts, n.name)],
  }
}

function hostTree(h: TopoHost, opts: Required<LayoutOptions>): Tree {
  const networks = h.networks.map((n) => networkTree(h.id, n, opts))
  const bridges: Tree[] = h.bridges.map((b) => {
    const id = bridgeNodeId(h.id, b.bridge)
    return {
      node: {
        id,
        kind: 'bridge',
        col: 1,
        name: b.bridge,
        label: b.bridge,
        sub: `${b.ovs ? 'Open vSwitch bridge' : 'bridge'} · ${plural(b.vms.length, 'VM')}`,
        tone: 'info',
        state: 'bridge',
        dashed: false,
        live: h.state === 'connected',
        hostId: h.id,
        bridge: b.bridge,
      },
      children: vmList(id, h.id, b.vms, opts),
    }
  })
  const others: Tree[] = h.others.map((o) => {
    const id = otherNodeId(h.id, o.key)
    return {
      node: {
        id,
        kind: 'other',
        col: 1,
        name: o.label,
        label: o.label,
        sub: `${o.kind.trim() || 'unconnected'} · ${plural(o.ports.length, 'NIC')}`,
        tone: 'neutral',
        state: o.kind.trim() || 'unconnected',
        dashed: false,
        live: false,
        hostId: h.id,
      },
      children: vmList(id, h.id, o.vms, opts),
    }
  })
  return {
    node: {
      id: hostNodeId(h.id),
      kind: 'host',
      col: 0,
      name: h.name,
      label: h.name,
      sub: `${h.state} · ${plural(h.vmCount, 'VM')}`,
      tone: hostTone(h.state),
      state: h.state,
      dashed: false,
      live: h.state === 'connected',
      hostId: h.id,
    },
    children: [...networks, ...bridges, ...others],
  }
}

/** An S-curve from (x1, y1) to (x2, y2), numbers rounded to 0.5 px. */
export function edgePath(x1: number, y1: number, x2: number, y2: number): string {
  const r = (v: number) => Math.round(v * 2) / 2
  const mx = r((x1 + x2) / 2)
  return `M${r(x1)},${r(y1)} C${mx},${r(y1)} ${mx},${r(y2)} ${r(x2)},${r(y2)}`
}

/** Pure: the diagram of the grouped topology (hosts in the given order). */
export function layoutTopology(hosts: readonly TopoHost[], options: LayoutOptions = {}): TopologyLayout {
  const opts: Required<LayoutOptions> = { expanded: options.expanded ?? new Set(), maxVms: options.maxVms ?? DEFAULT_MAX_VMS }
  const { pad, colWidth, nodeWidth: w, nodeHeight: h, rowHeight, hostGap } = LAYOUT
  const nodes: LayoutNode[] = []
  const edges: LayoutEdge[] = []
  let cursor = pad

  /** Places a subtree below `cursor`; returns the node's vertical centre. Parents come before their children in `nodes`. */
  function place(t: Tree, parentId: string | null): number {
    const node: LayoutNode = { ...t.node, x: pad + t.node.col * colWidth, y: 0, w, h, parentId }
    nodes.push(node)
    let cy: number
    if (t.children.length === 0) {
      cy = cursor + h / 2
      cursor += rowHeight
    } else {
      const ys = t.children.map((c) => place(c, node.id))
      cy = (ys[0]! + ys[ys.length - 1]!) / 2
      t.children.forEach((c, i) => {
        const child = c.node
        edges.push({
          id: `${node.id}>${child.id}`,
          from: node.id,
          to: child.id,
          d: edgePath(node.x + w, cy, pad + child.col * colWidth, ys[i]!),
          dashed: child.dashed,
          live: node.live && child.live,
        })
      })
    }
    node.y = cy - h / 2
    return cy
  }

  hosts.forEach((host, i) => {
    if (i > 0) cursor += hostGap
    place(hostTree(host, opts), null)
  })
  const width = pad * 2 + 3 * colWidth + w
  const height = Math.max(cursor - (rowHeight - h) + pad, pad * 2 + h)
  return { nodes, edges, width, height }
}

/**
 * Pure: what hovering node `id` lights up: the node, its ancestors and descendants, and for a VM
 * every place the same VM is plugged into (with their ancestors).
 */
export function relatedNodes(layout: Pick<TopologyLayout, 'nodes'>, id: string): Set<string> {
  const byId = new Map(layout.nodes.map((n) => [n.id, n]))
  const start = byId.get(id)
  const out = new Set<string>()
  if (!start) return out
  const seeds = start.kind === 'vm' ? layout.nodes.filter((n) => n.kind === 'vm' && n.vmId === start.vmId) : [start]
  const children = new Map<string, string[]>()
  for (const n of layout.nodes) {
    if (n.parentId === null) continue
    const list = children.get(n.parentId)
    if (list) list.push(n.id)
    else children.set(n.parentId, [n.id])
  }
  for (const seed of seeds) {
    out.add(seed.id)
    for (let p = seed.parentId; p !== null; p = byId.get(p)?.parentId ?? null) out.add(p)
    const stack = [...(children.get(seed.id) ?? [])]
    while (stack.length) {
      const c = stack.pop()!
      out.add(c)
      stack.push(...(children.get(c) ?? []))
    }
  }
  return out
}

/**
 * Where clicking a node leads: a host to its page, a network or portgroup to the Networks page
 * filtered to the network, a bridge or another attachment to the Ports page of the host (a bridge
 * searched by name), a VM to its page; a more node nowhere (it expands its list).
 */
export function nodeLink(n: Pick<LayoutNode, 'kind' | 'hostId' | 'name' | 'network' | 'bridge' | 'vmId'>): RouteLocationRaw | null {
  switch (n.kind) {
    case 'host':
      return hostLink(n.hostId)
    case 'network':
    case 'portgroup':
      return networkLink(n.hostId, n.network ?? n.name)
    case 'bridge':
      return portsLink(n.hostId, n.bridge ?? n.name)
    case 'other':
      return portsLink(n.hostId, '')
    case 'vm':
      return n.vmId ? vmLink(n.vmId) : null
    default:
      return null
  }
}
