// Test fixtures for the plugins module (imported by *.spec.ts only).
import type { PluginEntry, WasmStatus } from '@/api/types'

export function makeBuiltin(over: Partial<PluginEntry> = {}): PluginEntry {
  return {
    kind: 'libvirt',
    name: 'libvirt',
    version: '0.1.0',
    description: 'Hosts reached through libvirt',
    provides: ['hostConnection'],
    uriSchemes: ['qemu', 'qemu+ssh'],
    builtin: true,
    wasm: null,
    ...over,
  }
}

export function wasmStatus(over: Partial<WasmStatus> = {}): WasmStatus {
  return {
    state: 'enabled',
    reason: null,
    apiVersion: '0.1.0',
    extensionPoints: ['networkDriver'],
    capabilities: [],
    granted: [],
    nicKinds: [],
    configSchema: null,
    config: null,
    limits: { memoryMib: 64, callTimeoutMs: 1000, fuelMillions: 500 },
    calls: 0,
    faults: 0,
    meanCallMicros: 0,
    lastFault: null,
    fromCache: false,
    ...over,
  }
}

export function makeWasm(kind: string, over: Partial<WasmStatus> = {}, entry: Partial<PluginEntry> = {}): PluginEntry {
  return {
    kind,
    name: kind.split('.').pop() ?? kind,
    version: '0.1.0',
    description: 'A WASM plugin',
    provides: [],
    uriSchemes: [],
    builtin: false,
    wasm: wasmStatus(over),
    ...entry,
  }
}

/** A broken plugin, as the server lists one that does not load. */
export function makeBroken(kind: string, reason = 'component does not compile'): PluginEntry {
  return makeWasm(
    kind,
    { state: 'broken', reason, apiVersion: null, extensionPoints: [], limits: null },
    { name: kind, version: '', description: 'does not load' },
  )
}

export const MACVTAP_ID = 'org.virtumancer.example.macvtap'
export const HOSTILE_ID = 'org.virtumancer.test.hostile'

/** Hands a schema literal to the generated `configSchema` type (a free-form object). */
export const schema = (s: object) => s as Record<string, never>
