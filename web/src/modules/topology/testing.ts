// Test fixtures for the topology module (imported by *.spec.ts only).
import type { Network, Port, Topology, TopologyHost } from '@/api/types'
import { makeNetwork, portgroup } from '@/modules/networks/testing'
import { makePort } from '@/modules/ports/testing'

export { makeNetwork, makePort, portgroup }

export function makeTopologyHost(over: Partial<TopologyHost> & { networks?: Network[]; ports?: Port[] } = {}): TopologyHost {
  const id = over.id ?? 'host-a'
  const name = over.name ?? 'alpha'
  return {
    id,
    name,
    state: 'connected',
    networks: [],
    ports: [],
    ...over,
  }
}

export const topology = (...hosts: TopologyHost[]): Topology => ({ hosts })

/**
 * Host alpha (connected): an Open vSwitch network `ovs-net` (portgroups vlan10, the default, and
 * trunk) and a NAT network `default`; VMs web01 (running, on vlan10 and on default), db01 (paused,
 * trunk, link down), test (shut off, no portgroup: the default vlan10), app (running, on bridge
 * br0 directly) and raw (a direct NIC on eth0). Host beta (disconnected), nothing on it.
 */
export function sampleTopology(): Topology {
  const a = { hostId: 'host-a', hostName: 'alpha' }
  const ovs = makeNetwork({
    ...a,
    name: 'ovs-net',
    forwardMode: 'bridge',
    bridge: 'ovsbr0',
    virtualportType: 'openvswitch',
    portgroups: [portgroup({ name: 'vlan10', isDefault: true, vlanTags: [10] }), portgroup({ name: 'trunk', trunk: true, vlanTags: [10, 20], nativeVlan: 10 })],
  })
  const nat = makeNetwork({ ...a, name: 'default', forwardMode: 'nat', bridge: 'virbr0', active: true })
  const ports: Port[] = [
    makePort({ ...a, vmId: 'vm-web', vmName: 'web01', vmState: 'running', ordinal: 0, network: 'ovs-net', portgroup: 'vlan10', linkState: 'up' }),
    makePort({ ...a, vmId: 'vm-web', vmName: 'web01', vmState: 'running', ordinal: 1, network: 'default', linkState: 'up' }),
    makePort({ ...a, vmId: 'vm-db', vmName: 'db01', vmState: 'paused', network: 'ovs-net', portgroup: 'trunk', linkState: 'down' }),
    makePort({ ...a, vmId: 'vm-test', vmName: 'test', vmState: 'shutoff', network: 'ovs-net', portgroup: null }),
    makePort({ ...a, vmId: 'vm-app', vmName: 'app', kind: 'bridge', network: null, bridge: 'br0' }),
    makePort({ ...a, vmId: 'vm-raw', vmName: 'raw', kind: 'direct', network: null, bridge: null, sourceDev: 'eth0', sourceMode: 'vepa', managed: false }),
  ]
  return topology(
    makeTopologyHost({ id: 'host-a', name: 'alpha', networks: [ovs, nat], ports }),
    makeTopologyHost({ id: 'host-b', name: 'beta', state: 'disconnected' }),
  )
}

/** A host with `count` VMs on one portgroup of network `lan`. */
export function crowdedTopology(count: number): Topology {
  const lan = makeNetwork({ name: 'lan', portgroups: [portgroup({ name: 'pg', isDefault: true, vlanTags: [5] })] })
  const ports = Array.from({ length: count }, (_, i) =>
    makePort({ vmId: `vm-${String(i).padStart(4, '0')}`, vmName: `vm-${String(i).padStart(4, '0')}`, network: 'lan', portgroup: 'pg' }),
  )
  return topology(makeTopologyHost({ networks: [lan], ports }))
}
