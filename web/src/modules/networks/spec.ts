// The "New network" form: its state, the request body (`NetworkSpec`) built from it, and the rules
// the server checks, mirrored and keyed by field so the dialog can show each message next to its
// field. Pure functions. The server stays the authority (it also checks that a bridge exists, and
// a plugin checks the params of its kind). A kind a plugin adds: `pluginKind.ts`.
import type { Ipv4Spec, Network, NetworkKind, NetworkSpec, PortgroupInventory, PortgroupSpec } from '@/api/types'
import { bridgeNameError } from '@/lib/interfaceName'
import type { PluginParamsForm } from '@/lib/pluginKind'
import { buildPluginNetworkSpec, MAX_PLUGIN_KIND_BYTES, pluginKindFormErrors, type NetworkKindChoice } from './pluginKind'
import { parseVlanTags, vlanErrors, vlanTagsText } from '@/lib/vlan'

export { bridgeNameError, MAX_BRIDGE_NAME } from '@/lib/interfaceName'
export { MAX_VLAN, MIN_VLAN, parseVlanTags } from '@/lib/vlan'

export const MAX_NETWORK_NAME = 64
export const MIN_PREFIX = 8
export const MAX_PREFIX = 30

export interface NetworkKindInfo {
  value: NetworkKind
  label: string
  /** One line on what the kind is. */
  description: string
}

/** The kinds, in the order the dialog offers them (labels as the table shows them). */
export const NETWORK_KINDS: readonly NetworkKindInfo[] = [
  { value: 'nat', label: 'NAT', description: 'A private subnet; VMs reach out through the host’s address.' },
  { value: 'routed', label: 'Routed', description: 'A private subnet routed (not NATed) to the host’s network.' },
  { value: 'isolated', label: 'Isolated', description: 'A private subnet with no way out: VMs reach each other and the host.' },
  { value: 'open', label: 'Open', description: 'Like routed, without firewall rules added by libvirt.' },
  { value: 'bridge', label: 'Bridge', description: 'VMs join an existing Linux bridge of the host (its LAN).' },
  { value: 'openvswitch', label: 'Open vSwitch', description: 'VMs join an existing Open vSwitch bridge, with VLAN portgroups.' },
]

/** The choice of a kind an enabled plugin adds (offered only when plugins add some). */
export const PLUGIN_NETWORK_KIND: NetworkKindInfo = {
  value: 'plugin',
  label: 'Plugin kind',
  description: 'A network kind an enabled plugin adds, e.g. macvtap.',
}

/** The kinds the dialog offers: the built-in ones, and "Plugin kind" when plugins add kinds (or it is chosen). */
export function kindChoices(pluginKinds: number, current: NetworkKind): readonly NetworkKindInfo[] {
  return pluginKinds > 0 || current === 'plugin' ? [...NETWORK_KINDS, PLUGIN_NETWORK_KIND] : NETWORK_KINDS
}

const KIND_NAMES: Record<NetworkKind, string> = {
  nat: 'NAT',
  routed: 'routed',
  isolated: 'isolated',
  open: 'open',
  bridge: 'bridge',
  openvswitch: 'Open vSwitch',
  plugin: 'plugin',
}

/** "A bridge network", "An Open vSwitch network". */
function aKind(kind: NetworkKind): string {
  const name = KIND_NAMES[kind]
  return `${/^[aeiou]/i.test(name) ? 'An' : 'A'} ${name} network`
}

/** Whether libvirt creates the bridge and a subnet (as opposed to joining an existing bridge, or a plugin's kind). */
export function isManagedKind(kind: NetworkKind): boolean {
  return kind !== 'bridge' && kind !== 'openvswitch' && kind !== 'plugin'
}

/** Whether the kind needs an IPv4 subnet, may have one, or has none of its own. */
export function ipv4Rule(kind: NetworkKind): 'required' | 'optional' | 'none' {
  if (kind === 'routed' || kind === 'open') return 'required'
  return isManagedKind(kind) ? 'optional' : 'none'
}

/** One portgroup row of the form; `vlanTags` is the text typed ("10, 20"), `nativeVlan` '' for none. */
export interface PortgroupForm {
  /** Stable row id (for rendering), not sent. */
  key: number
  name: string
  isDefault: boolean
  vlanTags: string
  trunk: boolean
  nativeVlan: string
}

export interface NetworkForm extends PluginParamsForm {
  hostId: string
  name: string
  kind: NetworkKind
  bridge: string
  /** A NAT or isolated network gets a subnet (routed and open always do). */
  withIpv4: boolean
  address: string
  prefix: string
  /** Both empty: no DHCP. */
  dhcpStart: string
  dhcpEnd: string
  /** Sent for Open vSwitch networks only. */
  portgroups: PortgroupForm[]
  /** With kind `plugin`: the kind a plugin adds ('' before one is chosen); its params are `params` / `paramsJson`. */
  pluginKind: string
  autostart: boolean
  start: boolean
}

export const DEFAULT_IPV4 = { address: '192.168.100.1', prefix: '24', dhcpStart: '192.168.100.100', dhcpEnd: '192.168.100.254' } as const

export function defaultNetworkForm(hostId = ''): NetworkForm {
  return {
    hostId,
    name: '',
    kind: 'nat',
    bridge: '',
    withIpv4: true,
    ...DEFAULT_IPV4,
    portgroups: [],
    pluginKind: '',
    params: {},
    paramsJson: '{}',
    autostart: true,
    start: true,
  }
}

/** A new portgroup row: the first free name of pg1, pg2, …, no VLAN. */
export function newPortgroup(existing: readonly Pick<PortgroupForm, 'key' | 'name'>[]): PortgroupForm {
  const names = new Set(existing.map((p) => p.name.trim()))
  let i = 1
  while (names.has(`pg${i}`)) i++
  const key = existing.reduce((max, p) => Math.max(max, p.key), 0) + 1
  return { key, name: `pg${i}`, isDefault: false, vlanTags: '', trunk: false, nativeVlan: '' }
}

/** An IPv4 address as an unsigned number, or null ("1.2.3.4"; no leading zeros, like the server). */
export function parseIpv4(text: string): number | null {
  const parts = text.split('.')
  if (parts.length !== 4) return null
  let n = 0
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return null
    const v = Number(p)
    if (v > 255) return null
    n = n * 256 + v
  }
  return n
}

export function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.')
}

/** The network and broadcast addresses of `addr`/`prefix`. */
export function subnetOf(addr: number, prefix: number): { network: number; broadcast: number } {
  const size = 2 ** (32 - prefix)
  const network = Math.floor(addr / size) * size
  return { network, broadcast: network + size - 1 }
}

function parsePrefix(text: string): number {
  const t = text.trim().replace(/^\//, '')
  return /^\d{1,3}$/.test(t) ? Number(t) : Number.NaN
}

/** The request body of one portgroup row (the tags as numbers, the native VLAN only when chosen). */
export function buildPortgroupSpec(pg: PortgroupForm): PortgroupSpec {
  const out: PortgroupSpec = { name: pg.name.trim(), isDefault: pg.isDefault, vlanTags: parseVlanTags(pg.vlanTags).tags, trunk: pg.trunk }
  if (pg.nativeVlan.trim() !== '') out.nativeVlan = Number(pg.nativeVlan)
  return out
}

function buildIpv4(form: NetworkForm): Ipv4Spec {
  const out: Ipv4Spec = { address: form.address.trim(), prefix: parsePrefix(form.prefix) }
  const start = form.dhcpStart.trim()
  const end = form.dhcpEnd.trim()
  if (start !== '') out.dhcpStart = start
  if (end !== '') out.dhcpEnd = end
  return out
}

/**
 * The request body for the form: only what applies to its kind (the bridge when given, the
 * subnet of managed kinds, the portgroups of Open vSwitch; a plugin's kind with its params as
 * strings, `kinds` giving their schema), and both start flags.
 */
export function buildNetworkSpec(form: NetworkForm, kinds: readonly NetworkKindChoice[] = []): NetworkSpec {
  if (form.kind === 'plugin') return buildPluginNetworkSpec(form, kinds)
  const spec: NetworkSpec = { name: form.name.trim(), kind: form.kind }
  const bridge = form.bridge.trim()
  if (bridge !== '') spec.bridge = bridge
  const rule = ipv4Rule(form.kind)
  if (rule === 'required' || (rule === 'optional' && form.withIpv4)) spec.ipv4 = buildIpv4(form)
  if (form.kind === 'openvswitch' && form.portgroups.length) spec.portgroups = form.portgroups.map(buildPortgroupSpec)
  spec.autostart = form.autostart
  spec.start = form.start
  return spec
}

export type PortgroupField = 'name' | 'vlanTags' | 'trunk' | 'nativeVlan'
/** A field of the form a message belongs to; `ipv4` and `dhcp` are the subnet and DHCP range as a whole. */
export type NetworkField =
  | 'hostId'
  | 'name'
  | 'bridge'
  | 'ipv4'
  | 'address'
  | 'prefix'
  | 'dhcpStart'
  | 'dhcpEnd'
  | 'dhcp'
  | 'portgroups'
  | 'pluginKind'
  | 'params'
  | `portgroups.${number}.${PortgroupField}`
/** Messages by field; empty when everything is valid. */
export type FieldErrors = Partial<Record<NetworkField, string>>

export const portgroupField = (i: number, f: PortgroupField): NetworkField => `portgroups.${i}.${f}`

/** Sets a field's message unless it already has one (the first broken rule wins, as on the server). */
function put(errors: FieldErrors, field: NetworkField, message: string) {
  errors[field] ??= message
}

export function networkNameError(name: string): string | null {
  if (name.length === 0) return 'Name is required'
  if ([...name].length > MAX_NETWORK_NAME) return `Name must be 1–${MAX_NETWORK_NAME} characters`
  const bad = [...name].find((c) => !/^[A-Za-z0-9._-]$/.test(c))
  if (bad !== undefined) return `Name may hold letters, digits, '-', '_' and '.'; not '${bad}'`
  if (name.startsWith('.')) return "Name must not start with '.'"
  return null
}

function validateIpv4(ip: Ipv4Spec, errors: FieldErrors) {
  const addr = parseIpv4(ip.address)
  if (addr === null) put(errors, 'address', ip.address === '' ? 'Enter the host’s address on the network, e.g. 192.168.100.1' : `'${ip.address}' is not an IPv4 address`)
  const prefixOk = Number.isInteger(ip.prefix) && ip.prefix >= MIN_PREFIX && ip.prefix <= MAX_PREFIX
  if (!prefixOk) put(errors, 'prefix', `The prefix must be ${MIN_PREFIX}–${MAX_PREFIX}`)

  const start = ip.dhcpStart || null
  const end = ip.dhcpEnd || null
  if ((start === null) !== (end === null)) {
    put(errors, start === null ? 'dhcpStart' : 'dhcpEnd', 'Give both the first and the last DHCP address, or neither')
  }
  const s = start === null ? null : parseIpv4(start)
  const e = end === null ? null : parseIpv4(end)
  if (start !== null && s === null) put(errors, 'dhcpStart', `'${start}' is not an IPv4 address`)
  if (end !== null && e === null) put(errors, 'dhcpEnd', `'${end}' is not an IPv4 address`)
  if (addr === null || !prefixOk) return

  const { network, broadcast } = subnetOf(addr, ip.prefix)
  const subnet = `${formatIpv4(network)}/${ip.prefix}`
  if (addr === network || addr === broadcast) put(errors, 'address', `${formatIpv4(addr)} is the network or broadcast address of /${ip.prefix}`)
  if (s === null || e === null) return
  const inside = (a: number) => a > network && a < broadcast
  if (!inside(s)) put(errors, 'dhcpStart', `Must lie inside ${subnet}`)
  if (!inside(e)) put(errors, 'dhcpEnd', `Must lie inside ${subnet}`)
  if (!inside(s) || !inside(e)) return
  const range = `${formatIpv4(s)}–${formatIpv4(e)}`
  if (s > e) put(errors, 'dhcp', `The DHCP range starts after it ends (${range})`)
  else if (addr >= s && addr <= e) put(errors, 'dhcp', `The DHCP range ${range} holds the host’s own ${formatIpv4(addr)}`)
}

/** Messages of one portgroup, by field. */
export type PortgroupErrors = Partial<Record<PortgroupField, string>>

export function portgroupNameError(name: string): string | null {
  if (name.length === 0 || [...name].length > MAX_NETWORK_NAME || /[\s\p{Cc}]/u.test(name)) {
    return `A portgroup name is 1–${MAX_NETWORK_NAME} characters without spaces`
  }
  return null
}

/**
 * The rules the server checks on one portgroup, by field: its name, and its VLANs (which need an
 * Open vSwitch network, then 1–4094, each once, trunk and native VLAN as `vlanErrors` says).
 */
export function portgroupErrors(p: PortgroupSpec, openvswitch: boolean): PortgroupErrors {
  const errors: PortgroupErrors = {}
  const nameError = portgroupNameError(p.name)
  if (nameError) errors.name = nameError
  const tags = p.vlanTags ?? []
  const trunk = p.trunk ?? false
  const native = p.nativeVlan ?? null
  if ((tags.length || trunk || native !== null) && !openvswitch) {
    errors.vlanTags = 'VLANs need an Open vSwitch network'
    return errors
  }
  return { ...errors, ...vlanErrors(tags, trunk, native) }
}

const PORTGROUP_FIELDS: readonly PortgroupField[] = ['name', 'vlanTags', 'trunk', 'nativeVlan']

/** Every rule the server checks on a body (except that a bridge exists on the host), by field. */
export function validateNetworkSpec(spec: NetworkSpec): FieldErrors {
  const errors: FieldErrors = {}
  const kind = spec.kind
  const nameError = networkNameError(spec.name)
  if (nameError) put(errors, 'name', nameError)
  if (kind === 'plugin') {
    validatePluginSpec(spec, errors)
    return errors
  }
  if ((spec.pluginKind ?? null) !== null || Object.keys(spec.params ?? {}).length) {
    put(errors, 'pluginKind', 'A plugin kind and its params belong to networks of kind plugin')
  }

  const bridge = spec.bridge ?? null
  if (bridge === null) {
    if (!isManagedKind(kind)) put(errors, 'bridge', `${aKind(kind)} needs the name of an existing bridge`)
  } else {
    const e = bridgeNameError(bridge)
    if (e) put(errors, 'bridge', e)
  }

  const ip = spec.ipv4 ?? null
  const rule = ipv4Rule(kind)
  if (ip !== null && rule === 'none') put(errors, 'ipv4', `${aKind(kind)} has no subnet of its own`)
  else if (ip === null && rule === 'required') put(errors, 'ipv4', `${aKind(kind)} needs an IPv4 subnet`)
  else if (ip !== null) validateIpv4(ip, errors)

  const pgs = spec.portgroups ?? []
  const seen = new Set<string>()
  pgs.forEach((p, i) => {
    const e = portgroupErrors(p, kind === 'openvswitch')
    if (!e.name && seen.has(p.name)) e.name = `Portgroup '${p.name}' is named twice`
    seen.add(p.name)
    for (const f of PORTGROUP_FIELDS) {
      const message = e[f]
      if (message) put(errors, portgroupField(i, f), message)
    }
  })
  if (pgs.filter((p) => p.isDefault).length > 1) put(errors, 'portgroups', 'At most one portgroup can be the default')
  return errors
}

/** The rules of a plugin's kind the server checks (the plugin then checks its params). */
function validatePluginSpec(spec: NetworkSpec, errors: FieldErrors) {
  const pk = spec.pluginKind ?? ''
  if (pk === '' || new TextEncoder().encode(pk).length > MAX_PLUGIN_KIND_BYTES) {
    put(errors, 'pluginKind', `A plugin network names its kind (1–${MAX_PLUGIN_KIND_BYTES} characters)`)
  }
  const leaveOut = 'A plugin network takes its settings in params'
  if ((spec.bridge ?? null) !== null) put(errors, 'bridge', `${leaveOut}, not a bridge`)
  if ((spec.ipv4 ?? null) !== null) put(errors, 'ipv4', `${leaveOut}, not a subnet`)
  if (spec.portgroups?.length) put(errors, 'portgroups', `${leaveOut}, not portgroups`)
}

/**
 * The form's messages: a host must be chosen, VLAN lists must read as numbers, a plugin's kind
 * must be offered (`kinds`) with params its schema accepts, then every rule of the body.
 */
export function validateNetworkForm(form: NetworkForm, kinds: readonly NetworkKindChoice[] = []): FieldErrors {
  const errors: FieldErrors = {}
  if (form.hostId === '') put(errors, 'hostId', 'Choose a connected host')
  if (form.kind === 'plugin') Object.assign(errors, pluginKindFormErrors(form, kinds))
  if (form.kind === 'openvswitch') {
    form.portgroups.forEach((pg, i) => {
      const e = parseVlanTags(pg.vlanTags).error
      if (e) put(errors, portgroupField(i, 'vlanTags'), e)
    })
  }
  const specErrors = validateNetworkSpec(buildNetworkSpec(form, kinds))
  for (const [field, message] of Object.entries(specErrors) as [NetworkField, string][]) put(errors, field, message)
  return errors
}

/** The first message (for the disabled submit button's tooltip), or null when valid. */
export function firstError(errors: Partial<Record<string, string>>): string | null {
  return Object.values(errors).find((m) => m !== undefined) ?? null
}

// ---- one portgroup of an existing network (add / edit dialog) ------------------------------------

/** The form of a portgroup as the network has it (to edit it). */
export function portgroupFormOf(pg: PortgroupInventory): PortgroupForm {
  return {
    key: 0,
    name: pg.name,
    isDefault: pg.isDefault,
    vlanTags: vlanTagsText(pg.vlanTags),
    trunk: pg.trunk,
    nativeVlan: pg.nativeVlan === null || pg.nativeVlan === undefined ? '' : String(pg.nativeVlan),
  }
}

/** A new portgroup for `network`: the first free name of pg1, pg2, …, no VLAN, not the default. */
export function newPortgroupForm(network: Pick<Network, 'portgroups'>): PortgroupForm {
  return { ...newPortgroup(network.portgroups.map((p) => ({ key: 0, name: p.name }))), key: 0 }
}

/** Whether the network takes VLANs on its portgroups (Open vSwitch only). */
export function takesVlans(network: Pick<Network, 'virtualportType'>): boolean {
  return network.virtualportType === 'openvswitch'
}

/**
 * The portgroup of `network` other than `editing` that is its default, if any: the server refuses
 * a second default, so that one must be cleared first.
 */
export function otherDefaultPortgroup(network: Pick<Network, 'portgroups'>, editing: string | null): string | null {
  return network.portgroups.find((p) => p.isDefault && p.name !== editing)?.name ?? null
}

export function clearDefaultFirstMessage(other: string): string {
  return `Portgroup '${other}' is the default: clear the default on ${other} first`
}

/** Messages of the portgroup dialog: its fields, and `isDefault` when another portgroup is the default. */
export type PortgroupFormErrors = PortgroupErrors & { isDefault?: string }

/**
 * The dialog's messages for a portgroup of `network`: new (`editing` null: its name must be free)
 * or the portgroup `editing` (its name stays). The tags must read as numbers, then every rule of
 * the body and of the network (VLANs only on Open vSwitch, at most one default).
 */
export function validatePortgroupForm(form: PortgroupForm, network: Pick<Network, 'name' | 'virtualportType' | 'portgroups'>, editing: string | null): PortgroupFormErrors {
  const spec = buildPortgroupSpec(form)
  const errors: PortgroupFormErrors = {}
  const parseError = parseVlanTags(form.vlanTags).error
  const rules = portgroupErrors(spec, takesVlans(network))
  if (rules.name) errors.name = rules.name
  else if (editing === null && network.portgroups.some((p) => p.name === spec.name)) {
    errors.name = `Network ${network.name} already has a portgroup '${spec.name}'`
  }
  if (parseError) errors.vlanTags = parseError
  for (const f of ['vlanTags', 'trunk', 'nativeVlan'] as const) {
    const message = rules[f]
    if (message) errors[f] ??= message
  }
  const other = spec.isDefault ? otherDefaultPortgroup(network, editing) : null
  if (other !== null) errors.isDefault = clearDefaultFirstMessage(other)
  return errors
}
