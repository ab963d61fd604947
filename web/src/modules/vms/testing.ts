// Test fixtures for the vms module (imported by *.spec.ts only).
import type { InventoryChangedEvent, NicInventory, NicKindInfo, PowerActionRule, ServerEvent, Vm, VmDetail, VmList } from '@/api/types'
import { createMemoryHistory, createRouter, type Router } from 'vue-router'
import type { EventSourceLike } from './queries'

let n = 0
export function makeVm(over: Partial<Vm> = {}): Vm {
  n++
  return {
    id: `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    hostId: 'host-a',
    hostName: 'alpha',
    uuid: `6695eb01-f6a4-8304-79aa-${String(n).padStart(12, '0')}`,
    name: `vm-${n}`,
    title: null,
    description: null,
    state: 'running',
    persistent: true,
    autostart: false,
    managed: false,
    dismissed: false,
    vcpus: 2,
    currentVcpus: 2,
    memoryBytes: 2 * 1024 ** 3,
    currentMemoryBytes: 2 * 1024 ** 3,
    firmware: 'bios',
    osType: 'hvm',
    configHash: 'x',
    goneAt: null,
    lastSeenAt: '2026-01-01T00:00:00Z',
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    ...over,
  }
}

export const page = (items: Vm[], total = items.length, p = 1, perPage = 50): VmList => ({ items, total, page: p, perPage })

export function inventoryChanged(hostId: string, vmIds: string[], vmCount = vmIds.length, otherChanges = false): InventoryChangedEvent {
  return { type: 'inventoryChanged', hostId, vmIds, vmCount, otherChanges }
}

/** Minimal event source: `emit` delivers to `on` handlers, `open` to `onOpen` handlers. */
export function fakeStream() {
  const handlers = new Map<string, Set<(ev: never) => void>>()
  const opens = new Set<() => void>()
  const s = {
    on(type: string, h: (ev: never) => void) {
      let set = handlers.get(type)
      if (!set) handlers.set(type, (set = new Set()))
      set.add(h)
      return () => set.delete(h)
    },
    onOpen(h: () => void) {
      opens.add(h)
      return () => opens.delete(h)
    },
    emit(ev: ServerEvent | InventoryChangedEvent) {
      for (const h of handlers.get(ev.type) ?? []) (h as (e: unknown) => void)(ev)
    },
    open() {
      for (const h of opens) h()
    },
    listeners: () => [...handlers.values()].reduce((a, s) => a + s.size, 0) + opens.size,
  }
  return s as typeof s & EventSourceLike
}

/** The rules `GET /api/v1/power-actions` answers (as the server defines them; tests only). */
export const POWER_RULES: PowerActionRule[] = [
  { action: 'start', allowedStates: ['shutoff', 'crashed'], needsPersistent: false, destructive: false },
  { action: 'shutdown', allowedStates: ['running'], needsPersistent: false, destructive: false },
  { action: 'reboot', allowedStates: ['running'], needsPersistent: false, destructive: false },
  { action: 'forceOff', allowedStates: ['running', 'paused', 'shuttingDown', 'crashed', 'suspended'], needsPersistent: false, destructive: true },
  { action: 'reset', allowedStates: ['running', 'paused'], needsPersistent: false, destructive: true },
  { action: 'pause', allowedStates: ['running'], needsPersistent: false, destructive: false },
  { action: 'resume', allowedStates: ['paused'], needsPersistent: false, destructive: false },
  { action: 'autostartOn', allowedStates: ['running', 'paused', 'shuttingDown', 'shutoff', 'crashed', 'suspended', 'unknown'], needsPersistent: true, destructive: false },
  { action: 'autostartOff', allowedStates: ['running', 'paused', 'shuttingDown', 'shutoff', 'crashed', 'suspended', 'unknown'], needsPersistent: true, destructive: false },
]

/** A NIC on the `default` network, link up (libvirt leaves the state out). */
export function makeNic(over: Partial<NicInventory> = {}): NicInventory {
  return {
    kind: 'network',
    mac: '52:54:00:00:00:01',
    model: 'virtio',
    network: 'default',
    portgroup: null,
    bridge: null,
    virtualportType: null,
    interfaceId: null,
    linkState: null,
    targetDev: 'vnet0',
    sourceDev: null,
    sourceMode: null,
    vlanTags: [],
    trunk: false,
    nativeVlan: null,
    ...over,
  }
}

/** A NIC on the Open vSwitch bridge `ovsbr0` with VLANs of its own (an access port on 10). */
export const ovsBridgeNic = (over: Partial<NicInventory> = {}): NicInventory =>
  makeNic({ kind: 'bridge', mac: '52:54:00:00:00:02', network: null, bridge: 'ovsbr0', virtualportType: 'openvswitch', vlanTags: [10], ...over })

export function makeDetail(vm: Vm, nics: NicInventory[] = [makeNic()]): VmDetail {
  return { vm, bootDevices: ['hd'], disks: [], nics, graphics: [], consoles: [], hardware: { cpuTopology: null, onPoweroff: null, onReboot: null, onCrash: null, video: null, tpm: null, hostDevices: [] } }
}

/** A NIC kind a plugin adds, as `GET /api/v1/nic-kinds` lists it. */
export function makeNicKind(over: Partial<Omit<NicKindInfo, 'paramsSchema'>> & { paramsSchema?: unknown } = {}): NicKindInfo {
  const { paramsSchema, ...rest } = over
  return {
    name: 'kind',
    description: 'A NIC kind',
    plugin: 'org.example.plugin',
    paramsSchema: (paramsSchema ?? { type: 'object', properties: {} }) as NicKindInfo['paramsSchema'],
    ...rest,
  }
}

/** The example macvtap plugin's kind (examples/plugins/macvtap-rs). */
export const MACVTAP_KIND = makeNicKind({
  name: 'macvtap',
  description: 'Direct attachment to a host device through macvtap',
  plugin: 'org.virtumancer.example.macvtap',
  paramsSchema: {
    type: 'object',
    required: ['dev'],
    properties: {
      dev: { type: 'string', title: 'Host device', pattern: '^[A-Za-z0-9_.:-]{1,15}$' },
      mode: { type: 'string', title: 'Mode', enum: ['bridge', 'vepa', 'private', 'passthrough'], default: 'bridge' },
    },
    additionalProperties: false,
  },
})

/** A `direct` NIC the macvtap plugin recognizes (on eth0, mode bridge). */
export const macvtapNic = (over: Partial<NicInventory> = {}): NicInventory =>
  makeNic({
    kind: 'direct',
    mac: '52:54:00:00:00:03',
    network: null,
    sourceDev: 'eth0',
    sourceMode: 'bridge',
    pluginKind: { kind: 'macvtap', plugin: 'org.virtumancer.example.macvtap', params: { dev: 'eth0', mode: 'bridge' } },
    ...over,
  })

/** A router with the VM page's route, for components that link to VMs. */
export function vmRouter(): Router {
  return createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: { render: () => null } },
      { path: '/vms/:id', name: 'vm', component: { render: () => null } },
    ],
  })
}
