// Display helpers for the topology views. Pure functions; every output is plain text (rendered
// with Vue's escaping interpolation, never as HTML).
import type { LocationQueryRaw, RouteLocationRaw } from 'vue-router'
import type { HostState, Network, PowerState } from '@/api/types'
import type { BadgeTone } from '@/components/ui/UiBadge.vue'
import { isTrunk, type VlanFields } from '@/lib/vlan'

/** A host's connection state as a tone: connected green, connecting amber, error red, else grey. */
export function hostTone(s: HostState): BadgeTone {
  switch (s) {
    case 'connected':
      return 'success'
    case 'connecting':
      return 'warning'
    case 'error':
      return 'danger'
    default:
      return 'neutral'
  }
}

/** A network: active green, inactive grey; one the host does not report (NICs name it) red. */
export function networkTone(n: Pick<Network, 'active'> | null): BadgeTone {
  if (!n) return 'danger'
  return n.active ? 'success' : 'neutral'
}

export function networkStateText(n: Pick<Network, 'active'> | null): string {
  if (!n) return 'missing'
  return n.active ? 'active' : 'inactive'
}

/** A VM power state: running green, paused/suspended/shutting down amber, crashed red, shut off grey. */
export function vmTone(s: PowerState): BadgeTone {
  switch (s) {
    case 'running':
      return 'success'
    case 'paused':
    case 'suspended':
    case 'shuttingDown':
      return 'warning'
    case 'crashed':
      return 'danger'
    case 'shutoff':
      return 'neutral'
    default:
      return 'info'
  }
}

export function vmStateLabel(s: PowerState): string {
  return s === 'shuttingDown' ? 'shutting down' : s === 'shutoff' ? 'shut off' : s
}

const FORWARD_MODE_LABELS: ReadonlyMap<string, string> = new Map([
  ['nat', 'NAT'],
  ['route', 'Routed'],
  ['open', 'Open'],
  ['bridge', 'Bridge'],
  ['isolated', 'Isolated'],
])

/** "Open vSwitch" for OVS, else the forward mode ("NAT", "Routed", …, or as reported); "unknown" when missing. */
export function networkKind(n: Pick<Network, 'forwardMode' | 'virtualportType'> | null): string {
  if (!n) return 'unknown'
  if (n.virtualportType === 'openvswitch') return 'Open vSwitch'
  const mode = n.forwardMode.trim()
  if (mode === '') return '—'
  return FORWARD_MODE_LABELS.get(mode.toLowerCase()) ?? mode
}

/** The chips of a portgroup's (or NIC's) VLANs: "trunk" first for a trunk, then each tag ("10", "20 native"). */
export function vlanChips(v: VlanFields): string[] {
  const native = v.nativeVlan ?? null
  const chips = v.vlanTags.map((t) => (t === native ? `${t} native` : String(t)))
  if (native !== null && !v.vlanTags.includes(native)) chips.push(`${native} native`)
  return isTrunk(v) ? ['trunk', ...chips] : chips
}

/** A text cut to `max` characters with "…" (the full text goes in a tooltip). */
export function fit(text: string, max: number): string {
  const chars = [...text]
  return chars.length > max ? `${chars.slice(0, Math.max(1, max - 1)).join('')}…` : text
}

/** The Networks page filtered to one network of a host. */
export function networkLink(hostId: string, name: string): RouteLocationRaw {
  return { path: '/networks', query: { hostId, q: name } }
}

/** The Ports page filtered to a host and a text (a bridge, a device). */
export function portsLink(hostId: string, q: string): RouteLocationRaw {
  const query: LocationQueryRaw = { hostId }
  if (q) query.q = q
  return { path: '/ports', query }
}

export const hostLink = (id: string): RouteLocationRaw => ({ name: 'host', params: { id } })
export const vmLink = (id: string): RouteLocationRaw => ({ name: 'vm', params: { id } })
