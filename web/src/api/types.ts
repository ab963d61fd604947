// Aliases of the generated OpenAPI schema types. Never declare request/response shapes by hand:
// if the server changes, `npm run gen:api` and the compiler tell us what broke.
import type { components, paths } from './generated/schema.gen'

type Schemas = components['schemas']

export type Host = Schemas['Host']
export type HostState = Schemas['HostState']
export type HostKey = Schemas['HostKey']
export type HostFacts = Schemas['HostFacts']
export type CreateHost = Schemas['CreateHost']
export type UpdateHost = Schemas['UpdateHost']
export type TestConnection = Schemas['TestConnection']
export type ConnectionTestResult = Schemas['ConnectionTestResult']
export type PluginInfo = Schemas['PluginInfo']
export type ApiErrorBody = Schemas['ApiError']
export type ServerEvent = Schemas['Event']
export type ServerEventType = ServerEvent['type']
export type Health = paths['/api/v1/health']['get']['responses'][200]['content']['application/json']
