// The "Change NIC" form: what a NIC offers to change (a network NIC its network and portgroup, a
// NIC on an Open vSwitch bridge its VLANs, any NIC its link), the request body (`NicUpdate`, only
// what changed) and its rules. Pure functions.
import type { Network, NicInventory, NicUpdate } from '@/api/types'
import { isTrunk, vlanTagsText } from '@/lib/vlan'
import { buildVlans, put, validateVlans, type NicFieldErrors, type NicVlanForm } from './nicSpec'

type Nic = Pick<NicInventory, 'kind' | 'network' | 'portgroup' | 'bridge' | 'virtualportType' | 'linkState' | 'vlanTags' | 'trunk' | 'nativeVlan'>

/**
 * What a NIC offers to change besides its link: a network NIC its network and portgroup (its
 * VLANs come from the portgroup), a NIC on an Open vSwitch bridge its own VLANs, any other NIC
 * nothing more.
 */
export type NicChangeKind = 'network' | 'ovsBridge' | 'other'

export function nicChangeKind(nic: Nic): NicChangeKind {
  if (nic.network) return 'network'
  if (nic.kind === 'bridge' && nic.bridge && nic.virtualportType === 'openvswitch') return 'ovsBridge'
  return 'other'
}

/** A NIC's link is up unless it reads `down` (libvirt leaves the state out when it is up). */
export function isLinkUp(nic: Pick<NicInventory, 'linkState'>): boolean {
  return nic.linkState !== 'down'
}

export interface NicChangeForm extends NicVlanForm {
  network: string
  /** '' for none (the network's default portgroup applies, if it has one). */
  portgroup: string
  linkUp: boolean
}

/** The form for `nic` as it is now. */
export function defaultNicChangeForm(nic: Nic): NicChangeForm {
  return {
    network: nic.network ?? '',
    portgroup: nic.portgroup ?? '',
    vlanTags: vlanTagsText(nic.vlanTags),
    trunk: isTrunk(nic),
    nativeVlan: nic.nativeVlan === null || nic.nativeVlan === undefined ? '' : String(nic.nativeVlan),
    linkUp: isLinkUp(nic),
  }
}

/** Whether the form's VLANs differ from the NIC's (tags in order, trunk, native VLAN). */
function vlansChanged(nic: Nic, form: NicVlanForm): boolean {
  const v = buildVlans(form)
  const same = v.vlanTags.length === nic.vlanTags.length && v.vlanTags.every((t, i) => t === nic.vlanTags[i])
  return !same || v.trunk !== isTrunk(nic) || v.nativeVlan !== (nic.nativeVlan ?? null)
}

/**
 * The body for the form: only what differs from the NIC now. Moving to another network sends
 * the portgroup too ('' for none: the old network's portgroup means nothing on the new one);
 * new VLANs are sent whole (tags, trunk, native VLAN). Empty when nothing changed.
 */
export function buildNicUpdate(nic: Nic, form: NicChangeForm): NicUpdate {
  const change: NicUpdate = {}
  const kind = nicChangeKind(nic)
  if (kind === 'network') {
    const moved = form.network !== (nic.network ?? '')
    if (moved) change.network = form.network
    if (moved || form.portgroup !== (nic.portgroup ?? '')) change.portgroup = form.portgroup
  } else if (kind === 'ovsBridge' && vlansChanged(nic, form)) {
    const v = buildVlans(form)
    change.vlanTags = v.vlanTags
    change.trunk = v.trunk
    if (v.nativeVlan !== null) change.nativeVlan = v.nativeVlan
  }
  if (form.linkUp !== isLinkUp(nic)) change.linkUp = form.linkUp
  return change
}

/** Whether a body asks for nothing (the server refuses it). */
export function isEmptyUpdate(change: NicUpdate): boolean {
  return Object.values(change).every((v) => v === undefined)
}

/** The rules of the form: a known network and portgroup, valid VLANs, and something to change. */
export function validateNicChangeForm(nic: Nic, form: NicChangeForm, networks: readonly Pick<Network, 'name' | 'portgroups'>[]): NicFieldErrors {
  const errors: NicFieldErrors = {}
  const kind = nicChangeKind(nic)
  if (kind === 'ovsBridge') validateVlans(form, errors)
  if (kind === 'network') {
    const net = networks.find((n) => n.name === form.network)
    // A NIC's current network may be missing from a list not loaded yet: only a change needs it.
    if (!net && form.network !== nic.network) put(errors, 'network', 'Choose a network of the VM’s host')
    else if (net && form.portgroup !== '' && !net.portgroups.some((p) => p.name === form.portgroup)) {
      put(errors, 'portgroup', `Network '${net.name}' has no portgroup '${form.portgroup}'`)
    }
  }
  if (isEmptyUpdate(buildNicUpdate(nic, form))) put(errors, 'change', 'Nothing changed')
  return errors
}
