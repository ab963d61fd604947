import { describe, expect, it } from 'vitest'
import { makeNetwork, portgroup } from '@/modules/networks/testing'
import {
  buildNicSpec,
  chooseKind,
  defaultNicAddForm,
  firstError,
  kindOptionLabel,
  kindParams,
  kindParamsForm,
  refusedParams,
  macError,
  networkOptionLabel,
  portgroupOptions,
  preferredNetwork,
  validateNicAddForm,
  type NicAddForm,
} from './nicSpec'
import { MACVTAP_KIND, makeNic, makeNicKind } from './testing'

const ovsNet = makeNetwork({
  name: 'ovs-net',
  virtualportType: 'openvswitch',
  portgroups: [portgroup({ name: 'vlan10', isDefault: true, vlanTags: [10] }), portgroup({ name: 'trunk', trunk: true, vlanTags: [10, 20], nativeVlan: 10 })],
})
const natNet = makeNetwork({ name: 'default' })
const ctx = { networks: [natNet, ovsNet], nics: [makeNic({ mac: '52:54:00:00:00:01' })] }
const form = (over: Partial<NicAddForm> = {}): NicAddForm => ({ ...defaultNicAddForm([natNet, ovsNet]), ...over })
const bridgeForm = (over: Partial<NicAddForm> = {}) => form({ mode: 'bridge', bridge: 'ovsbr0', openvswitch: true, ...over })

describe('MAC addresses', () => {
  it.each([
    ['52:54:00:12:34:56', null],
    ['52:54:00:AB:cd:EF', null],
    ['52-54-00-12-34-56', "'52-54-00-12-34-56' is not a MAC address (six hex pairs with ':')"],
    ['52:54:00:12:34', "'52:54:00:12:34' is not a MAC address (six hex pairs with ':')"],
    ['52:54:00:12:34:5g', "'52:54:00:12:34:5g' is not a MAC address (six hex pairs with ':')"],
    ['5:54:00:12:34:56', "'5:54:00:12:34:56' is not a MAC address (six hex pairs with ':')"],
    ['01:00:5e:00:00:01', '01:00:5e:00:00:01 is a multicast address; a NIC needs a unicast one'],
    ['ff:ff:ff:ff:ff:ff', 'ff:ff:ff:ff:ff:ff is a multicast address; a NIC needs a unicast one'],
    ['00:00:00:00:00:00', '00:00:00:00:00:00 is not a usable MAC address'],
  ])('%s → %s', (mac, message) => {
    expect(macError(mac)).toBe(message)
  })
})

describe('the Add NIC form', () => {
  it('starts on the active "default" network, else the first active one, with virtio', () => {
    expect(defaultNicAddForm([natNet, ovsNet])).toMatchObject({ mode: 'network', network: 'default', portgroup: '', model: 'virtio', mac: '' })
    expect(preferredNetwork([{ name: 'a', active: false }, { name: 'b', active: true }, { name: 'default', active: false }])).toBe('b')
    expect(preferredNetwork([{ name: 'a', active: false }])).toBe('a')
    expect(preferredNetwork([])).toBe('')
  })

  it('offers a network’s portgroups with their VLANs, none naming its default', () => {
    expect(portgroupOptions(ovsNet)).toEqual([
      { value: '', label: 'None: the network’s default (vlan10)' },
      { value: 'vlan10', label: 'vlan10 · VLAN 10 (default)' },
      { value: 'trunk', label: 'trunk · trunk 10,20 (native 10)' },
    ])
    expect(portgroupOptions(natNet)).toEqual([{ value: '', label: 'None' }])
    expect(portgroupOptions(null)).toEqual([{ value: '', label: 'None' }])
    expect(networkOptionLabel({ name: 'lab', active: false })).toBe('lab (inactive)')
  })

  it('builds a network NIC: the network, the portgroup when chosen, the model, a MAC in lower case', () => {
    expect(buildNicSpec(form())).toEqual({ network: 'default', model: 'virtio' })
    expect(buildNicSpec(form({ network: 'ovs-net', portgroup: 'trunk', model: 'e1000e', mac: ' 52:54:00:AA:BB:CC ' }))).toEqual({
      network: 'ovs-net',
      portgroup: 'trunk',
      model: 'e1000e',
      mac: '52:54:00:aa:bb:cc',
    })
  })

  it('builds a bridge NIC: VLANs only on Open vSwitch, never the network fields', () => {
    expect(buildNicSpec(form({ mode: 'bridge', bridge: ' br0 ', vlanTags: '10' }))).toEqual({ bridge: 'br0', model: 'virtio' })
    expect(buildNicSpec(bridgeForm())).toEqual({ bridge: 'ovsbr0', openvswitch: true, model: 'virtio' })
    expect(buildNicSpec(bridgeForm({ vlanTags: '10, 20,30', trunk: true, nativeVlan: '20' }))).toEqual({
      bridge: 'ovsbr0',
      openvswitch: true,
      vlanTags: [10, 20, 30],
      trunk: true,
      nativeVlan: 20,
      model: 'virtio',
    })
  })

  it('validates a network NIC: a network of the host, one of its portgroups', () => {
    expect(validateNicAddForm(form(), ctx)).toEqual({})
    expect(validateNicAddForm(form({ network: 'gone' }), ctx)).toEqual({ network: 'Choose a network of the VM’s host' })
    expect(validateNicAddForm(form({ network: 'default', portgroup: 'vlan10' }), ctx)).toEqual({ portgroup: "Network 'default' has no portgroup 'vlan10'" })
    expect(validateNicAddForm(form({ network: '' }), { ...ctx, networks: [] })).toEqual({ network: 'This host has no networks: use a host bridge' })
  })

  it('validates a bridge NIC: an interface name, and the VLAN rules on Open vSwitch', () => {
    expect(validateNicAddForm(form({ mode: 'bridge' }), ctx).bridge).toBe('Enter the name of a bridge of the host, e.g. br0')
    expect(validateNicAddForm(form({ mode: 'bridge', bridge: 'br 0' }), ctx).bridge).toContain('is not an interface name')
    expect(validateNicAddForm(bridgeForm({ vlanTags: '10, x' }), ctx)).toEqual({ vlanTags: "'x' is not a VLAN number" })
    expect(validateNicAddForm(bridgeForm({ vlanTags: '4095' }), ctx)).toEqual({ vlanTags: 'VLAN 4095 is reserved; use 1–4094' })
    expect(validateNicAddForm(bridgeForm({ vlanTags: '10,20' }), ctx)).toEqual({ trunk: 'Several VLAN tags make a trunk: tick Trunk' })
    expect(validateNicAddForm(bridgeForm({ vlanTags: '10,20', trunk: true, nativeVlan: '30' }), ctx)).toEqual({
      nativeVlan: 'Native VLAN 30 must be one of the tags',
    })
    // VLANs typed before unticking Open vSwitch are not sent, so not checked.
    expect(validateNicAddForm(bridgeForm({ openvswitch: false, vlanTags: '4095' }), ctx)).toEqual({})
  })

  it('validates the MAC (unicast, not on the VM yet) and the model', () => {
    expect(validateNicAddForm(form({ mac: '01:00:5e:00:00:01' }), ctx).mac).toBe('01:00:5e:00:00:01 is a multicast address; a NIC needs a unicast one')
    expect(validateNicAddForm(form({ mac: '52:54:00:00:00:01' }), ctx).mac).toBe('The VM already has a NIC with MAC 52:54:00:00:00:01')
    expect(validateNicAddForm(form({ mac: '52:54:00:00:00:0A' }), ctx)).toEqual({})
    const errors = validateNicAddForm(form({ model: 'ne2k' }), ctx)
    expect(errors.model).toBe("Model 'ne2k' is not one of virtio, e1000, e1000e, rtl8139, vmxnet3")
    expect(firstError(errors)).toBe(errors.model)
    expect(firstError({})).toBeNull()
  })
})

describe('the Add NIC form: a kind a plugin adds', () => {
  const kinds = [MACVTAP_KIND, makeNicKind({ name: 'raw', plugin: 'org.x.raw', description: '', paramsSchema: { type: 'array' } })]
  const kctx = { ...ctx, kinds }
  const kindForm = (over: Partial<NicAddForm> = {}) => form({ mode: 'kind', ...chooseKind(kinds, 'macvtap'), ...over })

  it('choosing a kind starts its params at the schema’s defaults; the options name the description', () => {
    expect(defaultNicAddForm()).toMatchObject({ kind: '', params: {}, paramsJson: '{}' })
    expect(chooseKind(kinds, 'macvtap')).toEqual({ kind: 'macvtap', params: { dev: '', mode: 'bridge' }, paramsJson: '{}' })
    expect(chooseKind(kinds, 'raw')).toEqual({ kind: 'raw', params: {}, paramsJson: '{}' })
    expect(kindParamsForm(MACVTAP_KIND)?.fields.map((f) => [f.key, f.kind, f.required])).toEqual([
      ['dev', 'text', true],
      ['mode', 'enum', false],
    ])
    expect(kindParamsForm(kinds[1])).toBeNull()
    expect(kindOptionLabel(MACVTAP_KIND)).toBe('macvtap — Direct attachment to a host device through macvtap')
    expect(kindOptionLabel(kinds[1]!)).toBe('raw')
  })

  it('builds a kind NIC: the kind, its params as strings, the model and MAC; never network or bridge fields', () => {
    expect(buildNicSpec(kindForm({ params: { dev: 'eth0', mode: 'vepa' }, network: 'default', bridge: 'br0' }), kinds)).toEqual({
      kind: 'macvtap',
      params: { dev: 'eth0', mode: 'vepa' },
      model: 'virtio',
    })
    expect(buildNicSpec(kindForm({ params: { dev: 'eth0', mode: 'bridge' }, model: 'e1000', mac: '52:54:00:AA:00:01' }), kinds)).toEqual({
      kind: 'macvtap',
      params: { dev: 'eth0', mode: 'bridge' },
      model: 'e1000',
      mac: '52:54:00:aa:00:01',
    })
    // An optional choice left unset is left out.
    expect(buildNicSpec(kindForm({ params: { dev: 'eth0', mode: '' } }), kinds).params).toEqual({ dev: 'eth0' })
  })

  it('params of numbers and switches go out as their text; a schema without a form takes a JSON object of strings', () => {
    const tuned = makeNicKind({
      name: 'tuned',
      paramsSchema: { properties: { queues: { type: 'integer' }, trust: { type: 'boolean' }, level: { enum: [1, 2] } } },
    })
    expect(kindParams({ kind: 'tuned', params: { queues: '4', trust: true, level: '2' }, paramsJson: '' }, [tuned])).toEqual({
      ok: true,
      params: { queues: '4', trust: 'true', level: '2' },
    })
    expect(kindParams({ kind: 'raw', params: {}, paramsJson: '{"a": "1"}' }, kinds)).toEqual({ ok: true, params: { a: '1' } })
    expect(kindParams({ kind: 'raw', params: {}, paramsJson: '{"a": 1}' }, kinds)).toEqual({ ok: false, reason: "Parameters: 'a' must be a string" })
    expect(kindParams({ kind: 'raw', params: {}, paramsJson: '[]' }, kinds)).toEqual({ ok: false, reason: 'Parameters: must be a JSON object' })
    const bad = kindParams({ kind: 'raw', params: {}, paramsJson: '{' }, kinds)
    expect(!bad.ok && bad.reason).toMatch(/^Parameters: not JSON: /)
    expect(buildNicSpec(form({ mode: 'kind', kind: 'raw', paramsJson: '{"x": "y"}' }), kinds)).toEqual({ kind: 'raw', params: { x: 'y' }, model: 'virtio' })
  })

  it('validates a kind NIC: an offered kind, then its params by the schema', () => {
    expect(validateNicAddForm(kindForm({ params: { dev: 'eth0', mode: 'bridge' } }), kctx)).toEqual({})
    expect(validateNicAddForm(kindForm(), kctx)).toEqual({ params: 'Host device: Required' })
    expect(validateNicAddForm(kindForm({ params: { dev: 'bad dev', mode: 'bridge' } }), kctx)).toEqual({
      params: 'Host device: Must match the pattern ^[A-Za-z0-9_.:-]{1,15}$',
    })
    expect(validateNicAddForm(kindForm({ params: { dev: 'eth0', mode: 'hairpin' } }), kctx)).toEqual({ params: 'Mode: Pick one of the choices' })
    expect(validateNicAddForm(form({ mode: 'kind' }), kctx)).toEqual({ kind: 'Choose a NIC kind' })
    expect(validateNicAddForm(form({ mode: 'kind', kind: 'gone' }), kctx)).toEqual({ kind: "No enabled plugin adds the NIC kind 'gone'" })
    expect(validateNicAddForm(kindForm({ params: { dev: 'eth0' } }), ctx)).toEqual({ kind: 'No enabled plugin adds NIC kinds' })
    // The MAC rules hold for every mode.
    expect(validateNicAddForm(kindForm({ params: { dev: 'eth0' }, mac: '52:54:00:00:00:01' }), kctx)).toEqual({
      mac: 'The VM already has a NIC with MAC 52:54:00:00:00:01',
    })
  })

  it('finds the params a plugin’s refusal names', () => {
    const keys = ['dev', 'mode']
    expect(refusedParams("NIC kind 'macvtap': dev: 'x y' is not a host interface name (1–15 letters, digits, '_', '.', ':', '-')", keys)).toEqual(['dev'])
    expect(refusedParams("mode: 'x' is not one of bridge, vepa", keys)).toEqual(['mode'])
    expect(refusedParams('host alpha is not connected', keys)).toEqual([])
    expect(refusedParams("NIC kind 'macvtap': unknown setting 'devmode'", keys)).toEqual([])
  })
})
