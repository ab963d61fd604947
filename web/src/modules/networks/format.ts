// Display helpers for networks. Pure functions; every output is plain text (rendered with Vue's
// escaping interpolation, never as HTML).
import type { Network, PortgroupInventory } from '@/api/types'

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

type VlanFields = Pick<PortgroupInventory, 'vlanTags' | 'trunk' | 'nativeVlan'>

/** A trunk carries several VLANs: marked as one, or (as libvirt implies) more than one tag. */
export function isTrunk(pg: VlanFields): boolean {
  return pg.trunk || pg.vlanTags.length > 1
}

/**
 * The VLANs of a portgroup: "trunk 10,20,30 (native 10)", "VLAN 10" (access port), "no VLAN".
 */
export function portgroupVlanText(pg: VlanFields): string {
  const tags = pg.vlanTags
  const native = pg.nativeVlan ?? null
  const nativeText = native === null ? '' : ` (native ${native})`
  if (isTrunk(pg)) return (tags.length ? `trunk ${tags.join(',')}` : 'trunk') + nativeText
  if (tags.length === 1) return `VLAN ${tags[0]}${nativeText}`
  if (native !== null) return `native VLAN ${native}`
  return 'no VLAN'
}

/** "3 portgroups", "1 portgroup". */
export function portgroupCount(n: number): string {
  return `${n} portgroup${n === 1 ? '' : 's'}`
}
