// VLAN text shared by networks (portgroups) and ports (VM NICs). Pure; plain-text output.

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
