// The topology as the views draw it: per host, its networks (with portgroups) and the VMs plugged
// into each, the NICs joined straight to a bridge grouped by bridge, and every other NIC (direct,
// user, ethernet, vhostuser, kinds no driver knows, or plugged into nothing) as the host reports
// it. Pure functions; deterministic for a given topology.
import type { HostState, Network, Port, PowerState, Topology } from '@/api/types'

/** A VM plugged into one place (a network, portgroup, bridge…), with its NICs there. */
export interface TopoVm {
  vmId: string
  vmName: string
  vmState: PowerState
  managed: boolean
  /** Its NICs plugged in here, in the VM's order. */
  nics: Port[]
  /** Every NIC here reports its link down. */
  linkDown: boolean
}

export interface TopoPortgroup {
  name: string
  isDefault: boolean
  vlanTags: number[]
  trunk: boolean
  nativeVlan: number | null
  /** The network defines it (false: NICs name a portgroup the network does not have). */
  known: boolean
  vms: TopoVm[]
}

export interface TopoNetwork {
  name: string
  /** The network as the host reports it; null when NICs name a network the host does not have. */
  network: Network | null
  portgroups: TopoPortgroup[]
  /** VMs plugged into the network itself (it has no portgroup for them: none named, no default). */
  vms: TopoVm[]
  /** NICs on the network (portgroups included). */
  nicCount: number
}

/** NICs joined straight to a host bridge (no libvirt network). */
export interface TopoBridge {
  bridge: string
  /** Some NIC joins it as an Open vSwitch port. */
  ovs: boolean
  vms: TopoVm[]
}

/** NICs neither on a network nor on a bridge, grouped by kind and host device, shown raw. */
export interface TopoOther {
  /** `kind|sourceDev|sourceMode`: stable within a host. */
  key: string
  kind: string
  sourceDev: string | null
  sourceMode: string | null
  /** "direct eth0 (vepa)", "user", "unconnected". */
  label: string
  vms: TopoVm[]
  /** Every NIC of the group as reported. */
  ports: Port[]
}

export interface TopoHost {
  id: string
  name: string
  state: HostState
  networks: TopoNetwork[]
  bridges: TopoBridge[]
  others: TopoOther[]
  /** VMs with at least one NIC. */
  vmCount: number
  nicCount: number
}

const compare = (a: string, b: string) => a.localeCompare(b, undefined, { sensitivity: 'base', numeric: true }) || (a < b ? -1 : a > b ? 1 : 0)

/** Pure: the NICs as one entry per VM (by VM name, then id), each with its NICs in order. */
export function vmsOf(ports: readonly Port[]): TopoVm[] {
  const byVm = new Map<string, TopoVm>()
  for (const p of ports) {
    let vm = byVm.get(p.vmId)
    if (!vm) {
      vm = { vmId: p.vmId, vmName: p.vmName, vmState: p.vmState, managed: p.managed, nics: [], linkDown: false }
      byVm.set(p.vmId, vm)
    }
    vm.nics.push(p)
  }
  const vms = [...byVm.values()]
  for (const vm of vms) {
    vm.nics.sort((a, b) => a.ordinal - b.ordinal)
    vm.linkDown = vm.nics.every(isLinkDown)
  }
  return vms.sort((a, b) => compare(a.vmName, b.vmName) || compare(a.vmId, b.vmId))
}

export const isLinkDown = (p: Pick<Port, 'linkState'>) => (p.linkState ?? '').trim().toLowerCase() === 'down'

/** What an unconnected or unknown NIC is plugged into, raw: "direct eth0 (vepa)", "user", "unconnected". */
export function otherLabel(kind: string, sourceDev: string | null, sourceMode: string | null): string {
  const k = kind.trim() || 'unconnected'
  const dev = sourceDev ? ` ${sourceDev}` : ''
  const mode = sourceMode ? ` (${sourceMode})` : ''
  return `${k}${dev}${mode}`
}

function groupHost(h: Topology['hosts'][number]): TopoHost {
  const nets = [...h.networks].sort((a, b) => compare(a.name, b.name))
  const netPorts = new Map<string, Port[]>()
  const bridgePorts = new Map<string, Port[]>()
  const otherPorts = new Map<string, Port[]>()
  const push = (m: Map<string, Port[]>, k: string, p: Port) => {
    const list = m.get(k)
    if (list) list.push(p)
    else m.set(k, [p])
  }
  for (const p of h.ports) {
    if (p.network) push(netPorts, p.network, p)
    else if (p.bridge) push(bridgePorts, p.bridge, p)
    else push(otherPorts, [p.kind, p.sourceDev ?? '', p.sourceMode ?? ''].join('|'), p)
  }

  const networks: TopoNetwork[] = nets.map((n) => groupNetwork(n.name, n, netPorts.get(n.name) ?? []))
  const known = new Set(nets.map((n) => n.name))
  const missing = [...netPorts.keys()].filter((name) => !known.has(name)).sort(compare)
  networks.push(...missing.map((name) => groupNetwork(name, null, netPorts.get(name) ?? [])))

  const bridges: TopoBridge[] = [...bridgePorts]
    .sort(([a], [b]) => compare(a, b))
    .map(([bridge, ports]) => ({ bridge, ovs: ports.some((p) => p.virtualportType === 'openvswitch'), vms: vmsOf(ports) }))

  const others: TopoOther[] = [...otherPorts]
    .map(([key, ports]) => {
      const p = ports[0]!
      const sourceDev = p.sourceDev ?? null
      const sourceMode = p.sourceMode ?? null
      return { key, kind: p.kind, sourceDev, sourceMode, label: otherLabel(p.kind, sourceDev, sourceMode), vms: vmsOf(ports), ports }
    })
    .sort((a, b) => compare(a.label, b.label) || compare(a.key, b.key))

  return {
    id: h.id,
    name: h.name,
    state: h.state,
    networks,
    bridges,
    others,
    vmCount: new Set(h.ports.map((p) => p.vmId)).size,
    nicCount: h.ports.length,
  }
}

/**
 * The NICs of one network split by portgroup. A NIC naming no portgroup uses the network's
 * default portgroup, as libvirt does; without a default it is plugged into the network itself.
 * A NIC naming a portgroup the network does not define gets an unknown portgroup of that name.
 */
function groupNetwork(name: string, network: Network | null, ports: readonly Port[]): TopoNetwork {
  const defined = network?.portgroups ?? []
  const def = defined.find((pg) => pg.isDefault)?.name ?? null
  const byPg = new Map<string, Port[]>()
  const direct: Port[] = []
  for (const p of ports) {
    const pg = p.portgroup || def
    if (pg === null) direct.push(p)
    else {
      const list = byPg.get(pg)
      if (list) list.push(p)
      else byPg.set(pg, [p])
    }
  }
  const portgroups: TopoPortgroup[] = defined.map((pg) => ({
    name: pg.name,
    isDefault: pg.isDefault,
    vlanTags: [...pg.vlanTags],
    trunk: pg.trunk,
    nativeVlan: pg.nativeVlan ?? null,
    known: true,
    vms: vmsOf(byPg.get(pg.name) ?? []),
  }))
  const definedNames = new Set(defined.map((pg) => pg.name))
  const unknown = [...byPg.keys()].filter((pg) => !definedNames.has(pg)).sort(compare)
  portgroups.push(
    ...unknown.map((pg) => ({ name: pg, isDefault: false, vlanTags: [], trunk: false, nativeVlan: null, known: false, vms: vmsOf(byPg.get(pg)!) })),
  )
  return { name, network, portgroups, vms: vmsOf(direct), nicCount: ports.length }
}

/** Pure: the topology grouped for the grid and the diagram, hosts in the server's order (by name). */
export function groupTopology(t: Topology): TopoHost[] {
  return t.hosts.map(groupHost)
}
