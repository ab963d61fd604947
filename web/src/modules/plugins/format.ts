// How the Plugins page words and formats a plugin: state badges, capabilities, limits, timings.
import type { WasmLimits, WasmState, WasmStatus } from '@/api/types'
import type { BadgeTone } from '@/components/ui/UiBadge.vue'

export const STATE_TONE: Record<WasmState, BadgeTone> = {
  enabled: 'success',
  disabled: 'neutral',
  unhealthy: 'warning',
  broken: 'danger',
}

/** What each state means (the badge's tooltip). */
export const STATE_HINT: Record<WasmState, string> = {
  enabled: 'Loaded and called',
  disabled: 'Loaded, not called (turned off)',
  unhealthy: 'Not called after repeated faults, until enabled or reloaded',
  broken: 'Installed but does not load',
}

/** The capabilities a manifest may ask for, with what granting each gives the plugin. */
export const CAPABILITIES: Record<string, { label: string; description: string }> = {
  kv: { label: 'Key-value store', description: 'Its own key-value store, kept with the plugin and shared with no other.' },
  'inventory-read': {
    label: 'Inventory (read-only)',
    description: 'Read-only queries of the inventory (hosts, VMs, networks); it cannot change anything.',
  },
  clock: { label: 'Real clocks', description: 'The real wall and monotonic clocks; without it, its clocks stand still at the Unix epoch.' },
}

/** Pure: a capability's label and explanation (an unknown one is shown by its name). */
export function capabilityInfo(cap: string): { label: string; description: string } {
  return CAPABILITIES[cap] ?? { label: cap, description: 'A capability this version of the web app does not know.' }
}

const EXTENSION_POINTS: Record<string, string> = { networkDriver: 'Network driver', hostHooks: 'Host hooks' }

/** Pure: the label of an extension point (`networkDriver` → "Network driver"). */
export const extensionPointLabel = (p: string): string => EXTENSION_POINTS[p] ?? p

const trim = (n: number, digits: number) => String(Number(n.toFixed(digits)))

/** Pure: a duration in microseconds, as µs below 1 ms, ms below 1 s, else s. */
export function formatMicros(us: number): string {
  if (!Number.isFinite(us) || us < 0) return '—'
  if (us < 1000) return `${Math.round(us)} µs`
  if (us < 1_000_000) return `${trim(us / 1000, us < 10_000 ? 2 : us < 100_000 ? 1 : 0)} ms`
  return `${trim(us / 1_000_000, 2)} s`
}

/** Pure: the mean call time, or a dash before the first call. */
export const meanCallText = (w: Pick<WasmStatus, 'calls' | 'meanCallMicros'>): string =>
  w.calls > 0 ? formatMicros(w.meanCallMicros) : '—'

/** Pure: per-call limits in one line ("64 MiB · 1000 ms · 2000 M fuel"). */
export function limitsText(l: WasmLimits | null | undefined): string {
  if (!l) return '—'
  return `${l.memoryMib} MiB · ${l.callTimeoutMs.toLocaleString('en-US')} ms · ${l.fuelMillions.toLocaleString('en-US')} M fuel`
}

/** Pure: the requested capabilities, each with whether it is granted (in the manifest's order). */
export function capabilityGrants(w: Pick<WasmStatus, 'capabilities' | 'granted'>): { cap: string; granted: boolean }[] {
  return w.capabilities.map((cap) => ({ cap, granted: w.granted.includes(cap) }))
}

