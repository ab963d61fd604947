// The "Add NIC" form: its state, the request body (`NicSpec`) built from it, and the rules the
// server checks, mirrored and keyed by field so the dialog can show each message next to its
// field. Pure functions. The server stays the authority (it also checks that the network,
// portgroup and bridge exist, a plugin checks the params of its NIC kind, and the host may still
// refuse the hot-plug: the task then fails).
import type { Network, NicInventory, NicKindInfo, NicSpec, PortgroupInventory } from '@/api/types'
import { bridgeNameError } from '@/lib/interfaceName'
import type { FormValues } from '@/lib/jsonSchemaForm'
import { initialKindParams, pluginParams, type ParamsResult } from '@/lib/pluginKind'
import { parseVlanTags, vlanErrors, vlanText } from '@/lib/vlan'

/** NIC models the server offers (libvirt's QEMU names); the first is its default. */
export const NIC_MODELS = ['virtio', 'e1000', 'e1000e', 'rtl8139', 'vmxnet3'] as const
export const DEFAULT_NIC_MODEL = NIC_MODELS[0]

/** VLAN fields as typed: tags "10, 20", native VLAN '' for none. */
export interface NicVlanForm {
  vlanTags: string
  trunk: boolean
  nativeVlan: string
}

export type NicMode = 'network' | 'bridge' | 'kind'

/** A NIC kind a plugin adds, as `GET /api/v1/nic-kinds` lists it. */
export type NicKindChoice = Pick<NicKindInfo, 'name' | 'description' | 'plugin' | 'paramsSchema'>

export interface NicAddForm extends NicVlanForm {
  /** On a network of the host, on a host bridge, or of a kind a plugin adds. */
  mode: NicMode
  network: string
  /** '' for none (the network's default portgroup applies, if it has one). */
  portgroup: string
  bridge: string
  /** The bridge is Open vSwitch: only then may the NIC carry VLANs. */
  openvswitch: boolean
  /** The plugin's NIC kind ('' before one is chosen). */
  kind: string
  /** The kind's params as its form holds them (a schema the form can render). */
  params: FormValues
  /** The kind's params as a JSON object of strings (a schema the form cannot render). */
  paramsJson: string
  model: string
  /** '' to let libvirt pick one. */
  mac: string
}

export type NicField =
  | 'network'
  | 'portgroup'
  | 'bridge'
  | 'vlanTags'
  | 'trunk'
  | 'nativeVlan'
  | 'kind'
  | 'params'
  | 'model'
  | 'mac'
  | 'change'
/** Messages by field; empty when everything is valid. */
export type NicFieldErrors = Partial<Record<NicField, string>>

/** Sets a field's message unless it already has one (the first broken rule wins). */
export function put(errors: NicFieldErrors, field: NicField, message: string) {
  errors[field] ??= message
}

/** The first message (for the disabled submit button's tooltip), or null when valid. */
export function firstError(errors: NicFieldErrors): string | null {
  return Object.values(errors).find((m) => m !== undefined) ?? null
}

/** The network a new NIC starts on: `default` when active, else the first active one, else the first. */
export function preferredNetwork(networks: readonly Pick<Network, 'name' | 'active'>[]): string {
  const active = networks.filter((n) => n.active)
  return (active.find((n) => n.name === 'default') ?? active[0] ?? networks[0])?.name ?? ''
}

export function defaultNicAddForm(networks: readonly Pick<Network, 'name' | 'active'>[] = []): NicAddForm {
  return {
    mode: 'network',
    network: preferredNetwork(networks),
    portgroup: '',
    bridge: '',
    openvswitch: false,
    vlanTags: '',
    trunk: false,
    nativeVlan: '',
    kind: '',
    params: {},
    paramsJson: '{}',
    model: DEFAULT_NIC_MODEL,
    mac: '',
  }
}

// ---- NIC kinds plugins add ----------------------------------------------------------------------

export { kindOptionLabel, kindParamsForm, refusedParams } from '@/lib/pluginKind'

/** The kind fields of a form for choosing `name` of `kinds`: its params start at the schema's defaults. */
export function chooseKind(kinds: readonly NicKindChoice[], name: string): Pick<NicAddForm, 'kind' | 'params' | 'paramsJson'> {
  return { kind: name, ...initialKindParams(kinds.find((k) => k.name === name)) }
}

/**
 * The params the form sends for its kind: the form's values (empty optional ones left out, numbers
 * and switches as their text), or the typed JSON object of strings; else why not.
 */
export function kindParams(form: Pick<NicAddForm, 'kind' | 'params' | 'paramsJson'>, kinds: readonly NicKindChoice[]): ParamsResult {
  const kind = kinds.find((k) => k.name === form.kind)
  if (!kind) return { ok: false, reason: form.kind === '' ? 'Choose a NIC kind' : `No enabled plugin adds the NIC kind '${form.kind}'` }
  return pluginParams(kind, form)
}

// ---- MAC addresses ------------------------------------------------------------------------------

/** Why `mac` cannot be a NIC's MAC address (as the server says it), or null when it can. */
export function macError(mac: string): string | null {
  const parts = mac.split(':')
  if (parts.length !== 6 || !parts.every((p) => /^[0-9A-Fa-f]{2}$/.test(p))) return `'${mac}' is not a MAC address (six hex pairs with ':')`
  const bytes = parts.map((p) => parseInt(p, 16))
  if ((bytes[0]! & 1) === 1) return `${mac} is a multicast address; a NIC needs a unicast one`
  if (bytes.every((b) => b === 0)) return '00:00:00:00:00:00 is not a usable MAC address'
  return null
}

/** A MAC as libvirt writes it (lower case). */
export const normalizeMac = (mac: string) => mac.trim().toLowerCase()

// ---- portgroups ---------------------------------------------------------------------------------

/** "vlan10 · VLAN 10 (default)". */
export function portgroupLabel(pg: Pick<PortgroupInventory, 'name' | 'isDefault' | 'vlanTags' | 'trunk' | 'nativeVlan'>): string {
  return `${pg.name} · ${vlanText(pg, 'no VLAN')}${pg.isDefault ? ' (default)' : ''}`
}

/** The choices of a portgroup select for `network`: none (naming its default, if any), then each. */
export function portgroupOptions(network: Pick<Network, 'portgroups'> | null | undefined): { value: string; label: string }[] {
  const pgs = network?.portgroups ?? []
  const def = pgs.find((p) => p.isDefault)
  const none = def ? `None: the network’s default (${def.name})` : 'None'
  return [{ value: '', label: none }, ...pgs.map((pg) => ({ value: pg.name, label: portgroupLabel(pg) }))]
}

/** "default", "lab (inactive)". */
export function networkOptionLabel(n: Pick<Network, 'name' | 'active'>): string {
  return n.active ? n.name : `${n.name} (inactive)`
}

// ---- VLANs --------------------------------------------------------------------------------------

/** The VLAN fields of a body from the form (tags as typed, native VLAN when chosen). */
export function buildVlans(form: NicVlanForm): { vlanTags: number[]; trunk: boolean; nativeVlan: number | null } {
  const native = form.nativeVlan.trim()
  return { vlanTags: parseVlanTags(form.vlanTags).tags, trunk: form.trunk, nativeVlan: native === '' ? null : Number(native) }
}

/** The VLAN rules on the form's fields: tags must read as numbers, then the server's rules. */
export function validateVlans(form: NicVlanForm, errors: NicFieldErrors) {
  const parsed = parseVlanTags(form.vlanTags)
  if (parsed.error) put(errors, 'vlanTags', parsed.error)
  const v = buildVlans(form)
  const e = vlanErrors(v.vlanTags, v.trunk, v.nativeVlan)
  for (const f of ['vlanTags', 'trunk', 'nativeVlan'] as const) {
    const message = e[f]
    if (message) put(errors, f, message)
  }
}

// ---- the body and its rules ---------------------------------------------------------------------

/**
 * The request body for the form: the network (and portgroup when chosen), or the bridge (with
 * the Open vSwitch flag and, on Open vSwitch, its VLANs), or the plugin's kind with its params
 * (as strings; `kinds` gives their schema); the model; the MAC when typed.
 */
export function buildNicSpec(form: NicAddForm, kinds: readonly NicKindChoice[] = []): NicSpec {
  const spec: NicSpec = {}
  if (form.mode === 'network') {
    spec.network = form.network
    if (form.portgroup !== '') spec.portgroup = form.portgroup
  } else if (form.mode === 'kind') {
    spec.kind = form.kind
    const p = kindParams(form, kinds)
    spec.params = p.ok ? p.params : {}
  } else {
    spec.bridge = form.bridge.trim()
    if (form.openvswitch) {
      spec.openvswitch = true
      const v = buildVlans(form)
      if (v.vlanTags.length) spec.vlanTags = v.vlanTags
      if (v.trunk) spec.trunk = true
      if (v.nativeVlan !== null) spec.nativeVlan = v.nativeVlan
    }
  }
  spec.model = form.model
  const mac = normalizeMac(form.mac)
  if (mac !== '') spec.mac = mac
  return spec
}

export interface NicAddContext {
  /** The networks of the VM's host. */
  networks: readonly Pick<Network, 'name' | 'portgroups'>[]
  /** The VM's NICs (a new MAC must differ from theirs). */
  nics: readonly Pick<NicInventory, 'mac'>[]
  /** The NIC kinds plugins add (none when absent). */
  kinds?: readonly NicKindChoice[]
}

/** Every rule the server checks on the body that the browser can know, by field. */
export function validateNicAddForm(form: NicAddForm, ctx: NicAddContext): NicFieldErrors {
  const errors: NicFieldErrors = {}
  if (form.mode === 'network') {
    const net = ctx.networks.find((n) => n.name === form.network)
    if (ctx.networks.length === 0) put(errors, 'network', 'This host has no networks: use a host bridge')
    else if (!net) put(errors, 'network', 'Choose a network of the VM’s host')
    else if (form.portgroup !== '' && !net.portgroups.some((p) => p.name === form.portgroup)) {
      put(errors, 'portgroup', `Network '${net.name}' has no portgroup '${form.portgroup}'`)
    }
  } else if (form.mode === 'kind') {
    const kinds = ctx.kinds ?? []
    if (kinds.length === 0) put(errors, 'kind', 'No enabled plugin adds NIC kinds')
    else if (!kinds.some((k) => k.name === form.kind)) put(errors, 'kind', form.kind === '' ? 'Choose a NIC kind' : `No enabled plugin adds the NIC kind '${form.kind}'`)
    else {
      const p = kindParams(form, kinds)
      if (!p.ok) put(errors, 'params', p.reason)
    }
  } else {
    const bridge = form.bridge.trim()
    const e = bridge === '' ? 'Enter the name of a bridge of the host, e.g. br0' : bridgeNameError(bridge)
    if (e) put(errors, 'bridge', e)
    if (form.openvswitch) validateVlans(form, errors)
  }
  if (!(NIC_MODELS as readonly string[]).includes(form.model)) put(errors, 'model', `Model '${form.model}' is not one of ${NIC_MODELS.join(', ')}`)
  const mac = form.mac.trim()
  if (mac !== '') {
    const e = macError(mac)
    if (e) put(errors, 'mac', e)
    else if (ctx.nics.some((n) => n.mac?.toLowerCase() === normalizeMac(mac))) put(errors, 'mac', `The VM already has a NIC with MAC ${normalizeMac(mac)}`)
  }
  return errors
}
