import { describe, expect, it } from 'vitest'
import type { NetworkSpec } from '@/api/types'
import { canRun } from './actions/create'
import { pluginKindTitle, pluginParamsSummary } from './format'
import { choosePluginKind, pluginKindFormErrors, pluginKindParams, refusedParams } from './pluginKind'
import { buildNetworkSpec, defaultNetworkForm, ipv4Rule, isManagedKind, kindChoices, NETWORK_KINDS, validateNetworkForm, validateNetworkSpec, type NetworkForm } from './spec'
import { MACVTAP_NETWORK_KIND, RAW_NETWORK_KIND } from './testing'

const kinds = [MACVTAP_NETWORK_KIND, RAW_NETWORK_KIND]
/** A form of kind plugin on macvtap, its params at the schema's defaults. */
const form = (over: Partial<NetworkForm> = {}): NetworkForm => ({
  ...defaultNetworkForm('host-1'),
  name: 'mv',
  kind: 'plugin',
  ...choosePluginKind(kinds, 'macvtap'),
  ...over,
})
const reason = (c: { ok: boolean; reason?: string }) => (c.ok ? 'ok' : c.reason)

describe('the "Plugin kind" choice', () => {
  it('is offered only when plugins add kinds (or it is chosen already)', () => {
    expect(kindChoices(0, 'nat')).toBe(NETWORK_KINDS)
    expect(kindChoices(2, 'nat').map((k) => k.value)).toEqual([...NETWORK_KINDS.map((k) => k.value), 'plugin'])
    expect(kindChoices(0, 'plugin').at(-1)?.label).toBe('Plugin kind')
  })

  it('has no bridge or subnet of its own', () => {
    expect(isManagedKind('plugin')).toBe(false)
    expect(ipv4Rule('plugin')).toBe('none')
  })

  it('choosing a kind starts its params at the schema’s defaults (JSON for a schema with no form)', () => {
    expect(choosePluginKind(kinds, 'macvtap')).toEqual({ pluginKind: 'macvtap', params: { dev: '', mode: 'bridge' }, paramsJson: '{}' })
    expect(choosePluginKind(kinds, 'raw')).toEqual({ pluginKind: 'raw', params: {}, paramsJson: '{}' })
  })
})

describe('the body of a plugin kind', () => {
  it('sends name, kind plugin, the kind, its params as strings and the start flags — no bridge, subnet or portgroups', () => {
    const f = form({ params: { dev: 'eth1', mode: 'vepa' }, bridge: 'br0', withIpv4: true, autostart: false })
    f.portgroups = [{ key: 1, name: 'pg1', isDefault: false, vlanTags: '', trunk: false, nativeVlan: '' }]
    expect(buildNetworkSpec(f, kinds)).toEqual({
      name: 'mv',
      kind: 'plugin',
      pluginKind: 'macvtap',
      params: { dev: 'eth1', mode: 'vepa' },
      autostart: false,
      start: true,
    })
    expect(validateNetworkForm(f, kinds)).toEqual({})
  })

  it('a schema with no form takes a JSON object of strings', () => {
    const f = form({ ...choosePluginKind(kinds, 'raw'), paramsJson: '{"dev": "eth2"}' })
    expect(buildNetworkSpec(f, kinds).params).toEqual({ dev: 'eth2' })
    expect(pluginKindParams({ ...f, paramsJson: '{"n": 1}' }, kinds)).toEqual({ ok: false, reason: "Parameters: 'n' must be a string" })
    expect(validateNetworkForm({ ...f, paramsJson: '[]' }, kinds)).toEqual({ params: 'Parameters: must be a JSON object' })
  })
})

describe('checking a plugin kind as typed', () => {
  it('the params must fit the schema: the first broken rule disables Create', () => {
    expect(validateNetworkForm(form(), kinds)).toEqual({ params: 'Host device: Required' })
    expect(reason(canRun(form(), { kinds }))).toBe('Host device: Required')
    const bad = form({ params: { dev: 'bad dev', mode: 'bridge' } })
    expect(reason(canRun(bad, { kinds }))).toBe('Host device: Must match the pattern ^[A-Za-z0-9_.:-]{1,15}$')
    expect(reason(canRun(form({ params: { dev: 'eth1', mode: 'vepa' } }), { kinds }))).toBe('ok')
    expect(reason(canRun(form({ params: { dev: 'eth1', mode: 'vepa' } }), { kinds, busy: true }))).toBe('The network is being created')
  })

  it('the kind must be offered by an enabled plugin', () => {
    const ok = { params: { dev: 'eth1', mode: 'vepa' } }
    expect(pluginKindFormErrors(form(ok), [])).toEqual({ pluginKind: 'No enabled plugin adds network kinds' })
    expect(reason(canRun(form(ok)))).toBe('No enabled plugin adds network kinds')
    expect(validateNetworkForm(form({ ...ok, pluginKind: '' }), kinds).pluginKind).toBe('Choose a network kind')
    expect(validateNetworkForm(form({ ...ok, pluginKind: 'gone' }), kinds).pluginKind).toBe("No enabled plugin adds the network kind 'gone'")
  })

  it('the name rules still apply; a host must be chosen', () => {
    const errors = validateNetworkForm(form({ name: 'a b', hostId: '', params: { dev: 'eth1', mode: 'vepa' } }), kinds)
    expect(errors).toEqual({ hostId: 'Choose a connected host', name: "Name may hold letters, digits, '-', '_' and '.'; not ' '" })
  })

  it('the server’s rules of a body: a named kind, no bridge, subnet or portgroups; plugin fields only on kind plugin', () => {
    const body = (over: Partial<NetworkSpec>): NetworkSpec => ({ name: 'mv', kind: 'plugin', pluginKind: 'macvtap', params: { dev: 'eth1' }, ...over })
    expect(validateNetworkSpec(body({}))).toEqual({})
    expect(validateNetworkSpec(body({ pluginKind: null })).pluginKind).toBe('A plugin network names its kind (1–64 characters)')
    expect(validateNetworkSpec(body({ pluginKind: 'k'.repeat(65) })).pluginKind).toBe('A plugin network names its kind (1–64 characters)')
    expect(validateNetworkSpec(body({ bridge: 'br0', ipv4: { address: '10.0.0.1', prefix: 24 }, portgroups: [{ name: 'p' }] }))).toEqual({
      bridge: 'A plugin network takes its settings in params, not a bridge',
      ipv4: 'A plugin network takes its settings in params, not a subnet',
      portgroups: 'A plugin network takes its settings in params, not portgroups',
    })
    expect(validateNetworkSpec({ name: 'n', kind: 'nat', params: { dev: 'eth1' } }).pluginKind).toBe('A plugin kind and its params belong to networks of kind plugin')
    expect(validateNetworkSpec({ name: 'n', kind: 'nat', pluginKind: 'macvtap' }).pluginKind).toBe('A plugin kind and its params belong to networks of kind plugin')
  })

  it('names the params a plugin’s refusal is about', () => {
    const keys = ['dev', 'mode']
    expect(refusedParams("network kind 'macvtap': dev: 'x y' is not a host interface name", keys)).toEqual(['dev'])
    expect(refusedParams("network kind 'macvtap': unknown setting 'devmode'", keys)).toEqual([])
  })
})

describe('a network a plugin recognizes, in the list', () => {
  it('its params in the plugin’s order, and a tooltip with the plugin and each param', () => {
    const pk = { kind: 'macvtap', plugin: 'org.virtumancer.example.macvtap', params: { mode: 'vepa', dev: 'eth1' } }
    expect(pluginParamsSummary(pk)).toBe('vepa · eth1')
    expect(pluginParamsSummary({ params: { mode: '' } })).toBe('')
    expect(pluginKindTitle(pk)).toBe('Network kind macvtap of the plugin org.virtumancer.example.macvtap (mode=vepa, dev=eth1)')
    expect(pluginKindTitle({ ...pk, params: {} })).toBe('Network kind macvtap of the plugin org.virtumancer.example.macvtap')
  })
})
