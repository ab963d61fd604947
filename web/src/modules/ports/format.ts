// Display helpers for ports (VM NICs across hosts). Pure functions; every output is plain text
// (rendered with Vue's escaping interpolation, never as HTML).
import type { RouteLocationRaw } from 'vue-router'
import type { Port, PowerState } from '@/api/types'
import type { BadgeTone } from '@/components/ui/UiBadge.vue'
import { vlanText } from '@/lib/vlan'

type AttachmentFields = Pick<Port, 'kind' | 'network' | 'portgroup' | 'bridge' | 'sourceDev' | 'sourceMode'>

/**
 * What the NIC is plugged into: its network (with the portgroup: "lan / vlan10"), else its
 * bridge, else its host device with the mode ("eth0 (vepa)", direct/macvtap; a socket path for
 * vhostuser); "—" when the host reports none (user-mode networking, a bare ethernet tap).
 */
export function portAttachmentText(p: AttachmentFields): string {
  if (p.network) return p.portgroup ? `${p.network} / ${p.portgroup}` : p.network
  if (p.bridge) return p.bridge
  if (p.sourceDev) return p.sourceMode ? `${p.sourceDev} (${p.sourceMode})` : p.sourceDev
  return '—'
}

/** The VLANs of a NIC: "VLAN 10", "trunk 10,20,30 (native 10)", or "—" for none. */
export function portVlanText(p: Pick<Port, 'vlanTags' | 'trunk' | 'nativeVlan'>): string {
  return vlanText({ vlanTags: p.vlanTags ?? [], trunk: p.trunk, nativeVlan: p.nativeVlan }, '—')
}

/** An id cut to its first `keep` characters and "…" (for a narrow cell; the full id goes in a tooltip). */
export function shortId(id: string, keep = 8): string {
  return [...id].length > keep + 1 ? `${[...id].slice(0, keep).join('')}…` : id
}

/** The link state as a badge: up, down, or unknown when the host does not say. */
export function linkStateBadge(state: string | null | undefined): { label: string; tone: BadgeTone } {
  const s = (state ?? '').trim().toLowerCase()
  if (s === 'up') return { label: 'up', tone: 'success' }
  if (s === 'down') return { label: 'down', tone: 'danger' }
  return { label: s === '' ? 'unknown' : s, tone: 'neutral' }
}

/** A VM power state as the VM pages show it. */
export function vmStateLabel(s: PowerState): string {
  return s === 'shuttingDown' ? 'shutting down' : s
}

export function vmStateTone(s: PowerState): BadgeTone {
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

/** Where the VM of a port is shown: its page when managed, else the discovered list filtered to it. */
export function portVmLink(p: Pick<Port, 'vmId' | 'vmName' | 'managed' | 'hostId'>): RouteLocationRaw {
  if (p.managed) return { name: 'vm', params: { id: p.vmId } }
  return { path: '/discovered', query: { hostId: p.hostId, q: p.vmName } }
}

/** One address of a NIC as the Ports page shows it: the address, and where it came from as a badge. */
export interface PortAddressView {
  address: string
  /** "lease", "agent", or the source as the server names it. */
  source: string
  /** What the source means, for a tooltip. */
  sourceTitle: string
}

const ADDRESS_SOURCES: ReadonlyMap<string, string> = new Map([
  ['lease', 'From the DHCP leases of the libvirt network'],
  ['agent', 'Reported by the guest agent'],
])

/** The addresses of a NIC (none when the VM is not running or nothing is known), as listed. */
export function portAddresses(p: Pick<Port, 'addresses'>): PortAddressView[] {
  return (p.addresses ?? []).map((a) => {
    const source = a.source.trim().toLowerCase()
    return { address: a.address, source: source || 'unknown', sourceTitle: ADDRESS_SOURCES.get(source) ?? `Source: ${a.source || 'unknown'}` }
  })
}
