// The only place that talks HTTP for VMs. Everything throws ApiError on non-2xx.
import { api, unwrap, WEB_REQUEST_HEADERS } from '@/api/client'
import type {
  ActionBody,
  BulkActionResult,
  BulkResult,
  DiscoveredVmListQuery,
  Host,
  HostVmCounts,
  NicKindList,
  NicSpec,
  NicUpdate,
  PowerAction,
  PowerActionRule,
  Task,
  VmDetail,
  VmDrift,
  VmList,
  VmListQuery,
} from '@/api/types'

const byId = (id: string) => ({ params: { path: { id } } })

export const vmsApi = {
  listManaged: (query: VmListQuery): Promise<VmList> => unwrap(api.GET('/api/v1/vms', { params: { query } })),
  listDiscovered: (query: DiscoveredVmListQuery): Promise<VmList> =>
    unwrap(api.GET('/api/v1/discovered-vms', { params: { query } })),
  /** How many VMs each host has (hosts without VMs left out). */
  countsByHost: (): Promise<HostVmCounts[]> => unwrap(api.GET('/api/v1/vm-counts')),
  get: (id: string): Promise<VmDetail> => unwrap(api.GET('/api/v1/vms/{id}', byId(id))),
  importVms: (vmIds: string[]): Promise<BulkResult> => unwrap(api.POST('/api/v1/vms/import', { body: { vmIds } })),
  dismissVms: (vmIds: string[]): Promise<BulkResult> => unwrap(api.POST('/api/v1/vms/dismiss', { body: { vmIds } })),
  undismissVms: (vmIds: string[]): Promise<BulkResult> => unwrap(api.POST('/api/v1/vms/undismiss', { body: { vmIds } })),
  importAll: (hostId: string): Promise<BulkResult> =>
    unwrap(api.POST('/api/v1/hosts/{id}/actions/import-all', byId(hostId))),
  resyncHost: (hostId: string): Promise<Host> => unwrap(api.POST('/api/v1/hosts/{id}/actions/resync', byId(hostId))),
  drift: (id: string): Promise<VmDrift> => unwrap(api.GET('/api/v1/vms/{id}/drift', byId(id))),
  resyncVm: (id: string): Promise<VmDetail> => unwrap(api.POST('/api/v1/vms/{id}/actions/resync', byId(id))),
  /** The server's power-action rules (static while it runs). */
  powerRules: (): Promise<PowerActionRule[]> => unwrap(api.GET('/api/v1/power-actions')),
  /** Queues a power action on one VM (202 + its task). */
  powerAction: (id: string, action: PowerAction, body?: ActionBody): Promise<Task> =>
    unwrap(
      api.POST('/api/v1/vms/{id}/actions/{action}', {
        params: { path: { id, action } },
        headers: WEB_REQUEST_HEADERS,
        ...(body ? { body } : {}),
      }),
    ),
  /** Queues a power action on many VMs across hosts (202 + parent and child tasks). */
  bulkPowerAction: (action: PowerAction, vmIds: string[], opts: ActionBody = {}): Promise<BulkActionResult> =>
    unwrap(
      api.POST('/api/v1/vms/actions/{action}', {
        params: { path: { action } },
        headers: WEB_REQUEST_HEADERS,
        body: { vmIds, ...opts },
      }),
    ),
  /**
   * Queues adding a NIC (202 + its task). Refusals: 422 `invalid_request` (the message names the
   * broken rule; for a plugin's kind, the plugin's refusal of its params), 404 `vm_not_found` / `network_not_found`, 409 (VM not managed or gone, MAC
   * already on the VM, host not connected).
   */
  attachNic: (id: string, spec: NicSpec): Promise<Task> =>
    unwrap(api.POST('/api/v1/vms/{id}/nics', { params: { path: { id } }, body: spec, headers: WEB_REQUEST_HEADERS })),
  /** The NIC kinds enabled network-driver plugins add, by name, each with its params' JSON Schema. */
  nicKinds: (): Promise<NicKindList> => unwrap(api.GET('/api/v1/nic-kinds')),
  /** Queues a change of the NIC with `mac`: network, portgroup, VLANs or link (202 + its task). */
  updateNic: (id: string, mac: string, change: NicUpdate): Promise<Task> =>
    unwrap(api.PATCH('/api/v1/vms/{id}/nics/{mac}', { params: { path: { id, mac } }, body: change, headers: WEB_REQUEST_HEADERS })),
  /** Queues removing the NIC with `mac` (202 + its task). */
  detachNic: (id: string, mac: string): Promise<Task> =>
    unwrap(api.DELETE('/api/v1/vms/{id}/nics/{mac}', { params: { path: { id, mac } }, headers: WEB_REQUEST_HEADERS })),
}

export type VmsApi = typeof vmsApi
