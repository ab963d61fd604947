// Test fixtures for the hosts module (imported by *.spec.ts only).
import type { Host, HostFacts, HostState, ServerEvent } from '@/api/types'

export const facts: HostFacts = {
  hostname: 'testhost.example',
  arch: 'x86_64',
  cpuModel: 'i686',
  cpuSockets: 2,
  cpuCores: 2,
  cpuThreads: 2,
  cpuCount: 16,
  cpuMhz: 1400,
  memoryBytes: 8 * 1024 ** 3,
  libvirtVersion: '9.0.0',
  hypervisorType: 'TEST',
  hypervisorVersion: '2.0.0',
  kvmAvailable: false,
}

let n = 0
export function makeHost(over: Partial<Host> = {}): Host {
  n++
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    name: `host-${n}`,
    uri: 'test:///default',
    keyFile: null,
    hostKey: null,
    autoConnect: true,
    state: 'disconnected',
    stateReason: null,
    facts: null,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    lastConnectedAt: null,
    ...over,
  }
}

/**
 * Events exactly as the server puts them on the wire (camelCase `hostId`, from serde),
 * independent of how the generated spec spells the field.
 */
export const wire = {
  upserted: (host: Host): ServerEvent => ({ type: 'hostUpserted', host }),
  removed: (hostId: string) => ({ type: 'hostRemoved', hostId }) as unknown as ServerEvent,
  state: (hostId: string, state: HostState, reason: string | null = null, at = '2026-01-01T00:00:00Z') =>
    ({ type: 'hostState', hostId, state, reason, at }) as unknown as ServerEvent,
}
