// The only place that talks HTTP for networks. Everything throws ApiError on non-2xx.
import { api, unwrap, WEB_REQUEST_HEADERS } from '@/api/client'
import type { Network, NetworkAction, NetworkKindList, NetworkList, NetworkListQuery, NetworkSpec, PortgroupSpec } from '@/api/types'

export const networksApi = {
  /** Networks of every host (or of `hostId`), by host name then network name. */
  list: (query: NetworkListQuery = {}): Promise<NetworkList> => unwrap(api.GET('/api/v1/networks', { params: { query } })),
  /** The network kinds enabled network-driver plugins add, by name, each with its params' JSON Schema. */
  kinds: (): Promise<NetworkKindList> => unwrap(api.GET('/api/v1/network-kinds')),
  /**
   * Creates a network on a connected host; answers with it as the host reports it. Refusals:
   * 422 `invalid_request` (the message names the broken rule; for `kind: plugin`, the plugin's
   * refusal of its params: "network kind 'macvtap': dev: …"), 409 `network_name_taken` /
   * `host_not_connected`, 404 `host_not_found`.
   */
  create: (hostId: string, spec: NetworkSpec): Promise<Network> =>
    unwrap(
      api.POST('/api/v1/hosts/{id}/networks', {
        params: { path: { id: hostId } },
        body: spec,
        headers: WEB_REQUEST_HEADERS,
      }),
    ),
  /** Starts or stops a network, or switches its autostart; answers with the network now. */
  action: (hostId: string, name: string, action: NetworkAction): Promise<Network> =>
    unwrap(
      api.POST('/api/v1/hosts/{id}/networks/{name}/actions/{action}', {
        // The client encodes each path segment (a name may hold `/`, `?`, spaces, …).
        params: { path: { id: hostId, name, action } },
        headers: WEB_REQUEST_HEADERS,
      }),
    ),
  /**
   * Stops and removes a network. Without `force`, one that VM NICs use is refused (409
   * `network_in_use`, `details.users`: a VM name per NIC).
   */
  remove: async (hostId: string, name: string, force = false): Promise<void> => {
    await unwrap(
      api.DELETE('/api/v1/hosts/{id}/networks/{name}', {
        params: { path: { id: hostId, name }, query: force ? { force: true } : {} },
        headers: WEB_REQUEST_HEADERS,
      }),
    )
  },
  /**
   * Adds a portgroup to a network; answers with the network now. Refusals: 422 `invalid_request`
   * (a broken rule: name, VLAN 1–4094, VLANs only on Open vSwitch, a second default), 409
   * `portgroup_name_taken` / `host_not_connected`, 404 `network_not_found` / `host_not_found`.
   */
  addPortgroup: (hostId: string, network: string, spec: PortgroupSpec): Promise<Network> =>
    unwrap(
      api.POST('/api/v1/hosts/{id}/networks/{name}/portgroups', {
        params: { path: { id: hostId, name: network } },
        body: spec,
        headers: WEB_REQUEST_HEADERS,
      }),
    ),
  /**
   * Replaces the settings of portgroup `spec.name` (portgroups are not renamed); answers with the
   * network now. Refusals as for adding, and 404 `portgroup_not_found`.
   */
  replacePortgroup: (hostId: string, network: string, spec: PortgroupSpec): Promise<Network> =>
    unwrap(
      api.PUT('/api/v1/hosts/{id}/networks/{name}/portgroups/{portgroup}', {
        params: { path: { id: hostId, name: network, portgroup: spec.name } },
        body: spec,
        headers: WEB_REQUEST_HEADERS,
      }),
    ),
  /**
   * Removes a portgroup; answers with the network now. Without `force`, one that VM NICs use (by
   * name, or as the default) is refused (409 `portgroup_in_use`, `details.users`: VM names).
   */
  removePortgroup: (hostId: string, network: string, portgroup: string, force = false): Promise<Network> =>
    unwrap(
      api.DELETE('/api/v1/hosts/{id}/networks/{name}/portgroups/{portgroup}', {
        params: { path: { id: hostId, name: network, portgroup }, query: force ? { force: true } : {} },
        headers: WEB_REQUEST_HEADERS,
      }),
    ),
}

export type NetworksApi = typeof networksApi
