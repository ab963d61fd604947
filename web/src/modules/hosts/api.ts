// The only place that talks HTTP for hosts. Everything throws ApiError on non-2xx.
import { api, unwrap } from '@/api/client'
import type { CreateHost, Host, TestConnection, UpdateHost } from '@/api/types'

const byId = (id: string) => ({ params: { path: { id } } })

export const hostsApi = {
  list: () => unwrap(api.GET('/api/v1/hosts')),
  get: (id: string) => unwrap(api.GET('/api/v1/hosts/{id}', byId(id))),
  create: (body: CreateHost): Promise<Host> => unwrap(api.POST('/api/v1/hosts', { body })),
  update: (id: string, body: UpdateHost): Promise<Host> =>
    unwrap(api.PATCH('/api/v1/hosts/{id}', { ...byId(id), body })),
  remove: async (id: string): Promise<void> => {
    await unwrap(api.DELETE('/api/v1/hosts/{id}', byId(id)))
  },
  connect: (id: string): Promise<Host> => unwrap(api.POST('/api/v1/hosts/{id}/actions/connect', byId(id))),
  disconnect: (id: string): Promise<Host> => unwrap(api.POST('/api/v1/hosts/{id}/actions/disconnect', byId(id))),
  test: (body: TestConnection) => unwrap(api.POST('/api/v1/hosts/test', { body })),
}

export type HostsApi = typeof hostsApi
