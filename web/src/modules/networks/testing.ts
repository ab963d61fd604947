// Test fixtures for the networks module (imported by *.spec.ts only).
import type { Network, NetworkKindInfo, NetworkList, PortgroupInventory } from '@/api/types'

let n = 0
export function makeNetwork(over: Partial<Network> = {}): Network {
  n++
  return {
    hostId: 'host-a',
    hostName: 'alpha',
    uuid: `30000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    name: `net-${n}`,
    forwardMode: 'nat',
    bridge: `virbr${n}`,
    virtualportType: null,
    active: true,
    autostart: false,
    ipRanges: [],
    portgroups: [],
    usedBy: 0,
    ...over,
  }
}

export const portgroup = (over: Partial<PortgroupInventory> = {}): PortgroupInventory => ({
  name: 'pg',
  isDefault: false,
  vlanTags: [],
  trunk: false,
  nativeVlan: null,
  ...over,
})

export const networkList = (items: Network[]): NetworkList => ({ items })

/** An Open vSwitch network with an access portgroup (the default) and a trunk, and a NAT network. */
export function ovsAndNat(): { ovs: Network; nat: Network } {
  const ovs = makeNetwork({
    hostId: 'host-a',
    hostName: 'alpha',
    name: 'ovs-net',
    forwardMode: 'bridge',
    bridge: 'ovsbr0',
    virtualportType: 'openvswitch',
    autostart: true,
    portgroups: [
      portgroup({ name: 'vlan10', isDefault: true, vlanTags: [10] }),
      portgroup({ name: 'trunk', trunk: true, vlanTags: [10, 20, 30], nativeVlan: 10 }),
    ],
    usedBy: 3,
  })
  const nat = makeNetwork({
    hostId: 'host-b',
    hostName: 'beta',
    name: 'default',
    forwardMode: 'nat',
    bridge: 'virbr0',
    active: false,
    ipRanges: ['192.168.122.1/24', '192.168.122.2-192.168.122.254'],
    usedBy: 0,
  })
  return { ovs, nat }
}

/** A network kind a plugin adds, as `GET /api/v1/network-kinds` lists it (any JSON as its params schema). */
export function makeNetworkKind(over: Partial<Omit<NetworkKindInfo, 'paramsSchema'>> & { paramsSchema?: unknown } = {}): NetworkKindInfo {
  const { paramsSchema, ...rest } = over
  return {
    name: 'kind',
    description: 'A network kind',
    plugin: 'org.example.plugin',
    paramsSchema: (paramsSchema ?? { type: 'object', properties: {} }) as NetworkKindInfo['paramsSchema'],
    ...rest,
  }
}

/** The network kind the macvtap example plugin adds (its params schema as the plugin has it). */
export const MACVTAP_NETWORK_KIND = makeNetworkKind({
  name: 'macvtap',
  description: 'A network of macvtap ports on a host device',
  plugin: 'org.virtumancer.example.macvtap',
  paramsSchema: {
    type: 'object',
    required: ['dev'],
    properties: {
      dev: { type: 'string', title: 'Host device', pattern: '^[A-Za-z0-9_.:-]{1,15}$' },
      mode: { type: 'string', title: 'Mode', enum: ['bridge', 'vepa', 'private', 'passthrough'], default: 'bridge' },
    },
    additionalProperties: false,
  },
})

/** A network kind whose params schema cannot be shown as a form (its params are typed as JSON). */
export const RAW_NETWORK_KIND = makeNetworkKind({ name: 'raw', description: '', plugin: 'org.example.raw', paramsSchema: {} })
