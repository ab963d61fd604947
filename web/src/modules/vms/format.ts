// Display helpers for VMs and their hardware. Pure functions; every output is plain text
// (rendered with Vue's escaping interpolation, never as HTML).
import type { DiskInventory, NicInventory, PluginNicKind, PowerAction, PowerState } from '@/api/types'
import { formatBytes } from '@/lib/format'

export { formatBytes } from '@/lib/format'

/** "2 GiB / 8 GiB", or just one value when both are equal. */
export function formatCurrentMax(current: number | null | undefined, max: number | null | undefined): string {
  if (current === null || current === undefined) return formatBytes(max)
  if (max === null || max === undefined || max === current) return formatBytes(current)
  return `${formatBytes(current)} / ${formatBytes(max)}`
}

/** "2 / 4" vCPUs (current / max), or "4" when equal. */
export function formatVcpus(current: number, max: number): string {
  return current === max ? String(max) : `${current} / ${max}`
}

/** VLAN tags of a NIC: "10,20,30 (native 30, trunk)", "100", or "—". */
export function formatVlan(nic: Pick<NicInventory, 'vlanTags' | 'trunk' | 'nativeVlan'>): string {
  const tags = nic.vlanTags ?? []
  const extra: string[] = []
  if (nic.nativeVlan !== null && nic.nativeVlan !== undefined) extra.push(`native ${nic.nativeVlan}`)
  if (nic.trunk) extra.push('trunk')
  if (tags.length === 0 && extra.length === 0) return '—'
  const base = tags.join(',')
  if (extra.length === 0) return base
  return base ? `${base} (${extra.join(', ')})` : `(${extra.join(', ')})`
}

/** Where a disk's data comes from: path, pool/volume, protocol + remote name, or "empty" for a media-less drive. */
export function formatDiskSource(d: DiskInventory): string {
  if (d.sourcePath) return d.pool ? `${d.sourcePath} (pool ${d.pool})` : d.sourcePath
  if (d.volume) return d.pool ? `${d.pool}/${d.volume}` : d.volume
  if (d.protocol) return d.remoteName ? `${d.protocol}: ${d.remoteName}` : d.protocol
  if (d.remoteName) return d.remoteName
  if (d.device === 'cdrom' || d.device === 'floppy') return 'empty'
  return '—'
}

/** What a NIC is plugged into: network, bridge or host device. */
export function formatNicSource(n: NicInventory): string {
  if (n.network) return n.network
  if (n.bridge) return n.bridge
  if (n.sourceDev) return n.sourceMode ? `${n.sourceDev} (${n.sourceMode})` : n.sourceDev
  return '—'
}

/** A plugin-recognized NIC's params for people, in the plugin's order: "eth0 · bridge" ('' for none). */
export function formatPluginParams(pk: Pick<PluginNicKind, 'params'>): string {
  return Object.values(pk.params)
    .filter((v) => v !== '')
    .join(' · ')
}

export function powerStateLabel(s: PowerState): string {
  return s === 'shuttingDown' ? 'shutting down' : s
}

export function powerStateTone(s: PowerState): 'success' | 'warning' | 'neutral' | 'danger' | 'info' {
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

const POWER_ACTION_LABELS: Record<PowerAction, string> = {
  start: 'Start',
  shutdown: 'Shut down',
  reboot: 'Reboot',
  forceOff: 'Force off',
  reset: 'Reset',
  pause: 'Pause',
  resume: 'Resume',
  autostartOn: 'Autostart on',
  autostartOff: 'Autostart off',
}

/** Button label (and confirmation verb) of a power action: "Force off". */
export function powerActionLabel(a: PowerAction): string {
  return POWER_ACTION_LABELS[a]
}

const POWER_ACTION_HINTS: Record<PowerAction, string> = {
  start: 'Boot the VM',
  shutdown: 'Ask the guest to shut down (ACPI power button)',
  reboot: 'Ask the guest to restart',
  forceOff: 'Stop the VM at once, like pulling the plug: unsaved data in the guest is lost',
  reset: 'Restart the VM at once, like pressing the reset button: unsaved data in the guest is lost',
  pause: 'Freeze the VM’s CPUs (it stays in memory)',
  resume: 'Let a paused VM run again',
  autostartOn: 'Start the VM when its host boots',
  autostartOff: 'Do not start the VM when its host boots',
}

/** One-sentence explanation of a power action (tooltip and confirmation text). */
export function powerActionHint(a: PowerAction): string {
  return POWER_ACTION_HINTS[a]
}

/** A NIC for people: "52:54:00:aa:bb:cc on default / vlan10". */
export function nicLabel(n: NicInventory): string {
  const where = formatNicSource(n)
  return `${n.mac ?? 'NIC'}${where === '—' ? '' : ` on ${where}`}${n.portgroup ? ` / ${n.portgroup}` : ''}`
}

/** What the user is asked before removing a NIC. */
export function detachNicMessage(vmName: string, n: NicInventory): string {
  return `Remove the NIC ${nicLabel(n)} from "${vmName}"? The guest loses this network connection (live when the VM runs) and the NIC is removed from its configuration.`
}
