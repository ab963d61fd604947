// Display helpers for networks. Pure functions; every output is plain text (rendered with Vue's
// escaping interpolation, never as HTML).
import type { Network, PluginKind, PortgroupInventory } from '@/api/types'
import { vlanText } from '@/lib/vlan'

export { isTrunk } from '@/lib/vlan'

/** Readable names of libvirt's `<forward mode>`; other modes are shown as the host reports them. */
const FORWARD_MODE_LABELS: ReadonlyMap<string, string> = new Map([
  ['nat', 'NAT'],
  ['route', 'Routed'],
  ['open', 'Open'],
  ['bridge', 'Bridge'],
  ['isolated', 'Isolated'],
])

/** What kind of network it is: "Open vSwitch" for OVS, else its forward mode ("NAT", "Routed", …, or the raw mode). */
export function networkKindLabel(n: Pick<Network, 'forwardMode' | 'virtualportType'>): string {
  if (n.virtualportType === 'openvswitch') return 'Open vSwitch'
  const mode = n.forwardMode.trim()
  if (mode === '') return '—'
  return FORWARD_MODE_LABELS.get(mode.toLowerCase()) ?? mode
}

/** A recognized network's params for people, in the plugin's order: "eth1 · vepa" ('' for none). */
export function pluginParamsSummary(pk: Pick<PluginKind, 'params'>): string {
  return Object.values(pk.params)
    .filter((v) => v !== '')
    .join(' · ')
}

/** The badge's tooltip: "Network kind macvtap of the plugin org.virtumancer.example.macvtap (mode=vepa)". */
export function pluginKindTitle(pk: PluginKind): string {
  const params = Object.entries(pk.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ')
  return `Network kind ${pk.kind} of the plugin ${pk.plugin}${params ? ` (${params})` : ''}`
}

type VlanFields = Pick<PortgroupInventory, 'vlanTags' | 'trunk' | 'nativeVlan'>

/**
 * The VLANs of a portgroup: "trunk 10,20,30 (native 10)", "VLAN 10" (access port), "no VLAN".
 */
export function portgroupVlanText(pg: VlanFields): string {
  return vlanText(pg, 'no VLAN')
}

/** "3 portgroups", "1 portgroup". */
export function portgroupCount(n: number): string {
  return `${n} portgroup${n === 1 ? '' : 's'}`
}

/** "1 NIC", "3 NICs". */
export function nicCount(n: number): string {
  return `${n} NIC${n === 1 ? '' : 's'}`
}

/** A VM using a network, with how many of its NICs do. */
export interface NetworkUser {
  vm: string
  nics: number
}

const byVmName = (a: NetworkUser, b: NetworkUser) => a.vm.localeCompare(b.vm, undefined, { sensitivity: 'base', numeric: true }) || (a.vm < b.vm ? -1 : a.vm > b.vm ? 1 : 0)

/**
 * Pure: the users of a network (`details.users` of a 409 `network_in_use`, one VM name per NIC)
 * once per VM with its NIC count, by VM name.
 */
export function groupNetworkUsers(users: readonly string[]): NetworkUser[] {
  const counts = new Map<string, number>()
  for (const vm of users) counts.set(vm, (counts.get(vm) ?? 0) + 1)
  return [...counts].map(([vm, nics]) => ({ vm, nics })).sort(byVmName)
}

/** "web01", or "web01 (2 NICs)" when several of its NICs use the network. */
export function networkUserLabel(u: NetworkUser): string {
  return u.nics > 1 ? `${u.vm} (${nicCount(u.nics)})` : u.vm
}

/** What the user is asked before stopping a network: its VM NICs lose their link. */
export function stopConfirmMessage(n: Pick<Network, 'name' | 'hostName' | 'usedBy'>): string {
  const one = n.usedBy === 1
  const users =
    n.usedBy > 0
      ? `${n.usedBy} VM NIC${one ? ' uses' : 's use'} it and ${one ? 'loses its' : 'lose their'} link until the network is started again.`
      : 'No VM NICs use it.'
  return `Stop network "${n.name}" on ${n.hostName}? ${users}`
}

/** What deleting a network does, naming it and its host. */
export function deleteConfirmMessage(n: Pick<Network, 'name' | 'hostName'>): string {
  return `Delete network "${n.name}" on host "${n.hostName}"? It is stopped and its definition removed from the host. This cannot be undone.`
}

/** What removing a portgroup does, naming it, its network and host. */
export function removePortgroupMessage(n: Pick<Network, 'name' | 'hostName' | 'portgroups'>, portgroup: string): string {
  const isDefault = n.portgroups.some((p) => p.name === portgroup && p.isDefault)
  const nics = isDefault ? 'NICs that name it, or name no portgroup (it is the default),' : 'NICs that name it'
  return `Remove portgroup "${portgroup}" from network "${n.name}" on host "${n.hostName}"? ${nics} get the network's own settings when they next start.`
}
