// Test fixtures for the ports module (imported by *.spec.ts only).
import type { Port, PortList } from '@/api/types'

let n = 0
export function makePort(over: Partial<Port> = {}): Port {
  n++
  return {
    vmId: `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    vmName: `vm-${n}`,
    vmUuid: `20000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    vmState: 'running',
    managed: true,
    hostId: 'host-a',
    hostName: 'alpha',
    ordinal: 0,
    kind: 'network',
    mac: `52:54:00:00:00:${String(n % 100).padStart(2, '0')}`,
    model: 'virtio',
    network: 'default',
    bridge: null,
    portgroup: null,
    sourceDev: null,
    sourceMode: null,
    vlanTags: [],
    trunk: false,
    nativeVlan: null,
    virtualportType: null,
    interfaceId: null,
    targetDev: `vnet${n}`,
    linkState: null,
    addresses: [],
    ...over,
  }
}

export const portPage = (items: Port[], total = items.length, page = 1, perPage = 50): PortList => ({ items, total, page, perPage })
