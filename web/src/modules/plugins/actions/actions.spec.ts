import { beforeEach, describe, expect, it, vi } from 'vitest'
import { makeBroken, makeBuiltin, makeWasm, schema } from '../testing'
import { configurePlugin, grantPlugin, installPlugin, pluginLifecycle, removePlugin } from '.'
import { BROKEN_REASON, BUILTIN_REASON, BUSY_REASON } from './types'

const pluginsApi = vi.hoisted(() => ({ action: vi.fn(), remove: vi.fn(), setGrants: vi.fn(), setConfig: vi.fn(), install: vi.fn() }))
vi.mock('../api', async (orig) => ({ ...(await orig<typeof import('../api')>()), pluginsApi }))

const reason = (c: { ok: boolean; reason?: string }) => (c.ok ? 'ok' : c.reason)
const file = (size: number, name: string) => new File([new Uint8Array(Math.min(size, 8))], name, { type: 'application/octet-stream' })
const sized = (size: number, name: string) => Object.defineProperty(file(size, name), 'size', { value: size })

beforeEach(() => Object.values(pluginsApi).forEach((f) => f.mockReset()))

describe('lifecycle', () => {
  it('the on/off button: Disable when enabled, Enable when disabled or unhealthy', () => {
    expect(pluginLifecycle.toggleActionOf(makeWasm('a', { state: 'enabled' }))).toBe('disable')
    expect(pluginLifecycle.toggleActionOf(makeWasm('a', { state: 'disabled' }))).toBe('enable')
    expect(pluginLifecycle.toggleActionOf(makeWasm('a', { state: 'unhealthy' }))).toBe('enable')
  })

  it('refuses what the state makes pointless, with a reason', () => {
    const on = makeWasm('a', { state: 'enabled' })
    const off = makeWasm('a', { state: 'disabled' })
    const sick = makeWasm('a', { state: 'unhealthy' })
    expect(reason(pluginLifecycle.canRun('enable', on))).toBe('Already enabled')
    expect(reason(pluginLifecycle.canRun('disable', on))).toBe('ok')
    expect(reason(pluginLifecycle.canRun('enable', off))).toBe('ok')
    expect(reason(pluginLifecycle.canRun('disable', off))).toBe('Already disabled')
    expect(reason(pluginLifecycle.canRun('enable', sick))).toBe('ok')
    expect(reason(pluginLifecycle.canRun('disable', sick))).toBe('ok')
    for (const p of [on, off, sick]) expect(reason(pluginLifecycle.canRun('reload', p))).toBe('ok')
  })

  it('built-ins are part of the server; a broken plugin only reloads; nothing while a request runs', () => {
    const builtin = makeBuiltin()
    for (const a of ['enable', 'disable', 'reload'] as const) expect(reason(pluginLifecycle.canRun(a, builtin))).toBe(BUILTIN_REASON)
    expect(BUILTIN_REASON).toMatch(/part of the server/)
    const broken = makeBroken('x')
    expect(reason(pluginLifecycle.canRun('enable', broken))).toBe(BROKEN_REASON)
    expect(reason(pluginLifecycle.canRun('disable', broken))).toBe(BROKEN_REASON)
    expect(reason(pluginLifecycle.canRun('reload', broken))).toBe('ok')
    expect(reason(pluginLifecycle.canRun('reload', makeWasm('a'), { busy: true }))).toBe(BUSY_REASON)
    expect(reason(pluginLifecycle.canRun('reload', broken, { busy: true }))).toBe(BUSY_REASON)
  })

  it('run posts the action for the plugin’s id', async () => {
    const p = makeWasm('org.x.a')
    pluginsApi.action.mockResolvedValue({ ...p, wasm: { ...p.wasm, state: 'disabled' } })
    await expect(pluginLifecycle.run(p, 'disable')).resolves.toMatchObject({ wasm: { state: 'disabled' } })
    expect(pluginsApi.action).toHaveBeenCalledExactlyOnceWith('org.x.a', 'disable')
  })
})

describe('remove', () => {
  it('any WASM plugin (broken too), never a built-in, not while busy', async () => {
    expect(reason(removePlugin.canRun(makeWasm('a')))).toBe('ok')
    expect(reason(removePlugin.canRun(makeBroken('b')))).toBe('ok')
    expect(reason(removePlugin.canRun(makeBuiltin()))).toBe(BUILTIN_REASON)
    expect(reason(removePlugin.canRun(makeWasm('a'), { busy: true }))).toBe(BUSY_REASON)
    pluginsApi.remove.mockResolvedValue(undefined)
    await removePlugin.run(makeWasm('org.x.a'))
    expect(pluginsApi.remove).toHaveBeenCalledExactlyOnceWith('org.x.a')
  })

  it('the confirmation names the plugin, and the NIC kinds it adds', () => {
    expect(removePlugin.confirmMessage(makeWasm('org.x.mac', { nicKinds: ['macvtap'] }, { name: 'macvtap NICs' }))).toBe(
      'Remove plugin "macvtap NICs" (org.x.mac)? Its files, grants and saved configuration are deleted. NICs of kind macvtap can no longer be added or changed.',
    )
    expect(removePlugin.confirmMessage(makeWasm('org.x.h', {}, { name: 'H' }))).toBe(
      'Remove plugin "H" (org.x.h)? Its files, grants and saved configuration are deleted.',
    )
  })
})

describe('grants', () => {
  it('offered for a loading WASM plugin that asks for capabilities', () => {
    expect(reason(grantPlugin.canRun(makeWasm('a', { capabilities: ['kv'] })))).toBe('ok')
    expect(reason(grantPlugin.canRun(makeWasm('a', { capabilities: [] })))).toBe('Its manifest asks for no capabilities')
    expect(reason(grantPlugin.canRun(makeBuiltin()))).toBe(BUILTIN_REASON)
    expect(reason(grantPlugin.canRun(makeBroken('b')))).toBe(BROKEN_REASON)
    // Disabled and unhealthy plugins can be granted (effective from their next call).
    expect(reason(grantPlugin.canRun(makeWasm('a', { capabilities: ['kv'], state: 'disabled' })))).toBe('ok')
  })

  it('sends the checked requested ones in the manifest’s order, only when something changed', async () => {
    const p = makeWasm('org.x.h', { capabilities: ['kv', 'clock', 'inventory-read'], granted: ['clock'] })
    expect(grantPlugin.grantsToSend(p.wasm!.capabilities, new Set(['inventory-read', 'kv', 'bogus']))).toEqual(['kv', 'inventory-read'])
    expect(grantPlugin.grantsChanged(['clock'], ['clock'])).toBe(false)
    expect(grantPlugin.grantsChanged(['clock'], [])).toBe(true)
    expect(grantPlugin.grantsChanged(['clock'], ['kv'])).toBe(true)
    expect(reason(grantPlugin.canSubmit(p, ['clock']))).toBe('Nothing changed')
    expect(reason(grantPlugin.canSubmit(p, ['clock', 'kv']))).toBe('ok')
    expect(reason(grantPlugin.canSubmit(p, [], { busy: true }))).toBe(BUSY_REASON)
    pluginsApi.setGrants.mockResolvedValue(p)
    await grantPlugin.run(p, ['kv'])
    expect(pluginsApi.setGrants).toHaveBeenCalledExactlyOnceWith('org.x.h', ['kv'])
  })
})

describe('configure', () => {
  it('offered for a loading WASM plugin with a configuration schema; sends the object', async () => {
    const p = makeWasm('org.x.c', { configSchema: schema({ type: 'object', properties: {} }) })
    expect(reason(configurePlugin.canRun(p))).toBe('ok')
    expect(reason(configurePlugin.canRun(makeWasm('a')))).toBe('It has no configuration')
    expect(reason(configurePlugin.canRun(makeBuiltin()))).toBe(BUILTIN_REASON)
    expect(reason(configurePlugin.canRun(makeBroken('b')))).toBe(BROKEN_REASON)
    expect(reason(configurePlugin.canSubmit(p, 'Bridge: Required'))).toBe('Bridge: Required')
    expect(reason(configurePlugin.canSubmit(p, null))).toBe('ok')
    expect(reason(configurePlugin.canSubmit(p, null, { busy: true }))).toBe(BUSY_REASON)
    pluginsApi.setConfig.mockResolvedValue(p)
    await configurePlugin.run(p, { a: 1 })
    expect(pluginsApi.setConfig).toHaveBeenCalledExactlyOnceWith('org.x.c', { a: 1 })
  })
})

describe('install', () => {
  it('needs both files, at most 64 MiB together, and not while sending', async () => {
    const manifest = file(10, 'plugin.toml')
    const component = file(10, 'a.wasm')
    expect(reason(installPlugin.canRun({ manifest: null, component }))).toBe('Choose the manifest (plugin.toml)')
    expect(reason(installPlugin.canRun({ manifest, component: null }))).toBe('Choose the component (.wasm)')
    expect(reason(installPlugin.canRun({ manifest, component }))).toBe('ok')
    expect(reason(installPlugin.canRun({ manifest, component }, { busy: true }))).toBe('The plugin is being installed')
    const big = sized(64 * 1024 * 1024, 'big.wasm')
    expect(reason(installPlugin.canRun({ manifest, component: big }))).toBe('The upload is larger than 64 MiB')
    expect(reason(installPlugin.canRun({ manifest: sized(0, 'p.toml'), component: big }))).toBe('ok')
    pluginsApi.install.mockResolvedValue(makeWasm('a'))
    await installPlugin.run({ manifest, component })
    expect(pluginsApi.install).toHaveBeenCalledExactlyOnceWith({ manifest, component })
  })
})
