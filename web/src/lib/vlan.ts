// VLANs shared by networks (portgroups), ports and the VM page (NICs): their text, and the rules the
// server checks on them (with the parsing of a typed tag list). Pure; plain-text output.

/** The VLAN fields of a portgroup or a NIC. */
export interface VlanFields {
  vlanTags: readonly number[]
  trunk: boolean
  nativeVlan?: number | null
}

/** A trunk carries several VLANs: marked as one, or (as libvirt implies) more than one tag. */
export function isTrunk(v: VlanFields): boolean {
  return v.trunk || v.vlanTags.length > 1
}

/**
 * "trunk 10,20,30 (native 10)", "VLAN 10" (access port), "native VLAN 7", or `none` when there
 * is no VLAN at all.
 */
export function vlanText(v: VlanFields, none: string): string {
  const tags = v.vlanTags
  const native = v.nativeVlan ?? null
  const nativeText = native === null ? '' : ` (native ${native})`
  if (isTrunk(v)) return (tags.length ? `trunk ${tags.join(',')}` : 'trunk') + nativeText
  if (tags.length === 1) return `VLAN ${tags[0]}${nativeText}`
  if (native !== null) return `native VLAN ${native}`
  return none
}

// ---- the VLAN rules the server checks (portgroups of Open vSwitch networks, NICs on an Open
// vSwitch bridge), shared by every form that takes VLANs ------------------------------------------

export const MIN_VLAN = 1
export const MAX_VLAN = 4094

/** The tags of a comma-separated list ("10, 20,30"); `error` names the first item that is no number. */
export function parseVlanTags(text: string): { tags: number[]; error: string | null } {
  const tags: number[] = []
  let error: string | null = null
  for (const raw of text.split(',')) {
    const item = raw.trim()
    if (item === '') continue
    if (/^\d{1,9}$/.test(item)) tags.push(Number(item))
    else error ??= `'${item}' is not a VLAN number`
  }
  return { tags, error }
}

/** The text of a tag list for a form field ("10, 20"). */
export function vlanTagsText(tags: readonly number[]): string {
  return tags.join(', ')
}

/** A broken VLAN rule, keyed by the field it belongs to (the first broken rule of each field). */
export type VlanErrors = Partial<Record<'vlanTags' | 'trunk' | 'nativeVlan', string>>

/**
 * The server's VLAN rules: tags 1–4094, each once; a trunk needs tags and several tags make a
 * trunk; only a trunk has a native VLAN, and it is one of its tags. Empty when all hold.
 */
export function vlanErrors(tags: readonly number[], trunk: boolean, nativeVlan: number | null): VlanErrors {
  const errors: VlanErrors = {}
  const bad = tags.find((t) => !Number.isInteger(t) || t < MIN_VLAN || t > MAX_VLAN)
  if (bad !== undefined) {
    const why = bad === 0 || bad === 4095 ? 'is reserved' : 'does not exist'
    errors.vlanTags = `VLAN ${bad} ${why}; use ${MIN_VLAN}–${MAX_VLAN}`
  }
  const twice = tags.find((t, j) => tags.indexOf(t) !== j)
  if (twice !== undefined) errors.vlanTags ??= `VLAN ${twice} is listed twice`
  if (trunk && tags.length === 0) errors.trunk = 'A trunk needs VLAN tags'
  if (!trunk && tags.length > 1) errors.trunk = 'Several VLAN tags make a trunk: tick Trunk'
  if (nativeVlan !== null) {
    if (!trunk) errors.nativeVlan = 'Only a trunk has a native VLAN'
    else if (!tags.includes(nativeVlan)) errors.nativeVlan = `Native VLAN ${nativeVlan} must be one of the tags`
  }
  return errors
}

/**
 * The choices of a native-VLAN select: none, the valid tags typed (once each), and the chosen
 * one even when it is no longer a tag (so the select shows it, and the rule says why it is wrong).
 */
export function nativeVlanOptions(tagsText: string, chosen: string): { value: string; label: string }[] {
  const tags = [...new Set(parseVlanTags(tagsText).tags)].filter((t) => t >= MIN_VLAN && t <= MAX_VLAN)
  const opts = [{ value: '', label: 'None' }, ...tags.map((t) => ({ value: String(t), label: String(t) }))]
  if (chosen !== '' && !opts.some((o) => o.value === chosen)) opts.push({ value: chosen, label: `${chosen} (not a tag)` })
  return opts
}
