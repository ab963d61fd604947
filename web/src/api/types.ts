// Aliases of the generated OpenAPI schema types. Never declare request/response shapes by hand:
// if the server changes, `npm run gen:api` and the compiler tell us what broke.
import type { components, operations, paths } from './generated/schema.gen'

type Schemas = components['schemas']

export type Host = Schemas['Host']
export type HostState = Schemas['HostState']
export type HostKey = Schemas['HostKey']
export type HostFacts = Schemas['HostFacts']
export type CreateHost = Schemas['CreateHost']
export type UpdateHost = Schemas['UpdateHost']
export type TestConnection = Schemas['TestConnection']
export type ConnectionTestResult = Schemas['ConnectionTestResult']
export type PluginInfo = Schemas['PluginEntry']
export type PluginEntry = Schemas['PluginEntry']
export type WasmStatus = Schemas['WasmStatus']
export type WasmState = Schemas['WasmState']
export type WasmLimits = Schemas['WasmLimits']
export type PluginGrants = Schemas['PluginGrants']
export type PluginAction = Schemas['PluginAction']
export type ApiErrorBody = Schemas['ApiError']
export type ServerEvent = Schemas['Event']
export type ServerEventType = ServerEvent['type']
export type Health = paths['/api/v1/health']['get']['responses'][200]['content']['application/json']
export type Topic = Schemas['Topic']
export type Vm = Schemas['Vm']
export type VmId = Schemas['VmId']
export type VmList = Schemas['VmList']
export type HostVmCounts = Schemas['HostVmCounts']
export type VmDetail = Schemas['VmDetail']
export type VmDrift = Schemas['VmDrift']
export type VmSelection = Schemas['VmSelection']
export type VmSortKey = Schemas['VmSortKey']
export type PowerState = Schemas['PowerState']
export type DiskInventory = Schemas['DiskInventory']
export type NicInventory = Schemas['NicInventory']
export type NicSpec = Schemas['NicSpec']
export type NicUpdate = Schemas['NicUpdate']
export type NicKindInfo = Schemas['NicKindInfo']
export type NicKindList = Schemas['NicKindList']
export type PluginNicKind = Schemas['PluginKind']
export type GraphicsInventory = Schemas['GraphicsInventory']
export type ConsoleInventory = Schemas['ConsoleInventory']
export type BulkResult = Schemas['BulkResult']
export type Network = Schemas['Network']
export type NetworkList = Schemas['NetworkList']
export type PortgroupInventory = Schemas['PortgroupInventory']
export type NetworkAction = Schemas['NetworkAction']
export type NetworkSpec = Schemas['NetworkSpec']
export type NetworkKind = Schemas['NetworkKind']
export type NetworkKindInfo = Schemas['NetworkKindInfo']
export type NetworkKindList = Schemas['NetworkKindList']
/** A kind a plugin recognized on a network (or NIC): kind, plugin id, params. */
export type PluginKind = Schemas['PluginKind']
export type Ipv4Spec = Schemas['Ipv4Spec']
export type PortgroupSpec = Schemas['PortgroupSpec']
/** Query parameters of `GET /api/v1/networks`. */
export type NetworkListQuery = NonNullable<operations['listNetworks']['parameters']['query']>
export type Port = Schemas['Port']
export type PortList = Schemas['PortList']
/** Query parameters of `GET /api/v1/ports`. */
export type PortListQuery = NonNullable<operations['listPorts']['parameters']['query']>
export type PortSortKey = NonNullable<PortListQuery['sort']>
export type Topology = Schemas['Topology']
export type TopologyHost = Schemas['TopologyHost']
/** Query parameters of `GET /api/v1/topology`. */
export type TopologyQuery = NonNullable<operations['getTopology']['parameters']['query']>
export type InventoryChangedEvent = Extract<ServerEvent, { type: 'inventoryChanged' }>
export type TaskUpdatedEvent = Extract<ServerEvent, { type: 'taskUpdated' }>
export type PowerAction = Schemas['PowerAction']
export type PowerActionRule = Schemas['PowerActionRule']
export type ActionBody = Schemas['ActionBody']
export type BulkActionResult = Schemas['BulkActionResult']
export type Task = Schemas['Task']
export type TaskId = Schemas['TaskId']
export type TaskState = Schemas['TaskState']
export type TaskList = Schemas['TaskList']
/** Query parameters of `GET /api/v1/tasks`. */
export type TaskListQuery = NonNullable<operations['listTasks']['parameters']['query']>
/** Query parameters of `GET /api/v1/vms` (the discovered list takes the same plus `includeDismissed`). */
export type VmListQuery = NonNullable<operations['listVms']['parameters']['query']>
export type DiscoveredVmListQuery = NonNullable<operations['listDiscoveredVms']['parameters']['query']>
export type VmStats = Schemas['VmStats']
export type HostStats = Schemas['HostStats']
export type StatsPoint = Schemas['StatsPoint']
export type StatsRange = Schemas['StatsRange']
export type VmStatsHistory = Schemas['VmStatsHistory']
export type HostStatsHistory = Schemas['HostStatsHistory']
export type StatsEvent = Extract<ServerEvent, { type: 'stats' }>
