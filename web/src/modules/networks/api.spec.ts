import { afterEach, describe, expect, it, vi } from 'vitest'
import { makeNetwork } from './testing'

afterEach(() => {
  vi.unstubAllGlobals()
  vi.resetModules()
})

/** The networks API with `fetch` stubbed (the client captures `fetch` when it is created). */
async function apiWithFetch(status: number, body: unknown) {
  const fetchMock = vi.fn(
    async (_req: Request) =>
      new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }),
  )
  vi.stubGlobal('fetch', fetchMock)
  vi.resetModules()
  const { networksApi } = await import('./api')
  return { networksApi, request: () => fetchMock.mock.calls[0]![0] }
}

// A name with characters that mean something in a URL.
const ODD = 'lab net/1?x=%#'
const ODD_ENCODED = encodeURIComponent(ODD)

describe('network action requests', () => {
  it('post to the action of the host’s network, its name encoded as one path segment', async () => {
    const net = makeNetwork({ name: ODD, active: false })
    const { networksApi, request } = await apiWithFetch(200, net)
    await expect(networksApi.action('host-1', ODD, 'start')).resolves.toEqual(net)
    const req = request()
    expect(req.method).toBe('POST')
    expect(new URL(req.url).pathname).toBe(`/api/v1/hosts/host-1/networks/${ODD_ENCODED}/actions/start`)
    expect(new URL(req.url).search).toBe('')
    expect(req.headers.get('X-Requested-By')).toBe('web')
  })

  it('delete: no force unless asked, then force=true', async () => {
    let { networksApi, request } = await apiWithFetch(204, null)
    await expect(networksApi.remove('host-1', ODD)).resolves.toBeUndefined()
    let url = new URL(request().url)
    expect(request().method).toBe('DELETE')
    expect(url.pathname).toBe(`/api/v1/hosts/host-1/networks/${ODD_ENCODED}`)
    expect(url.searchParams.has('force')).toBe(false)
    ;({ networksApi, request } = await apiWithFetch(204, null))
    await networksApi.remove('host-1', 'default', true)
    url = new URL(request().url)
    expect(url.pathname).toBe('/api/v1/hosts/host-1/networks/default')
    expect(url.searchParams.get('force')).toBe('true')
  })

  it('create: posts the spec as JSON to the host’s networks and answers with the network', async () => {
    const net = makeNetwork({ name: 'iso', forwardMode: 'isolated' })
    const spec = { name: 'iso', kind: 'isolated' as const, ipv4: { address: '10.9.0.1', prefix: 24 }, autostart: true, start: false }
    const { networksApi, request } = await apiWithFetch(201, net)
    await expect(networksApi.create('host-1', spec)).resolves.toEqual(net)
    const req = request()
    expect(req.method).toBe('POST')
    expect(new URL(req.url).pathname).toBe('/api/v1/hosts/host-1/networks')
    expect(req.headers.get('X-Requested-By')).toBe('web')
    expect(req.headers.get('content-type')).toContain('application/json')
    expect(await req.json()).toEqual(spec)
  })

  it('kinds: gets the network kinds plugins add; create of kind plugin posts the kind and its params', async () => {
    const list = { items: [{ name: 'macvtap', description: 'd', plugin: 'org.virtumancer.example.macvtap', paramsSchema: {} }] }
    let { networksApi, request } = await apiWithFetch(200, list)
    await expect(networksApi.kinds()).resolves.toEqual(list)
    expect(request().method).toBe('GET')
    expect(new URL(request().url).pathname).toBe('/api/v1/network-kinds')

    const spec = { name: 'mv', kind: 'plugin' as const, pluginKind: 'macvtap', params: { dev: 'eth1', mode: 'vepa' }, autostart: true, start: true }
    ;({ networksApi, request } = await apiWithFetch(201, makeNetwork({ name: 'mv' })))
    await networksApi.create('host-1', spec)
    expect(await request().json()).toEqual(spec)
  })

  it('create: a 422 becomes an ApiError with the server’s message', async () => {
    const { networksApi } = await apiWithFetch(422, { code: 'invalid_request', message: "bridge 'br9' does not exist on the host" })
    await expect(networksApi.create('host-1', { name: 'b', kind: 'bridge', bridge: 'br9' })).rejects.toMatchObject({
      status: 422,
      code: 'invalid_request',
      message: "bridge 'br9' does not exist on the host",
    })
  })

  it('turns a 409 network_in_use into an ApiError carrying the users', async () => {
    const { networksApi } = await apiWithFetch(409, {
      code: 'network_in_use',
      message: 'network default is used by 2 VM NICs',
      details: { users: ['web01', 'web01'] },
    })
    await expect(networksApi.remove('host-1', 'default')).rejects.toMatchObject({
      status: 409,
      code: 'network_in_use',
      message: 'network default is used by 2 VM NICs',
      details: { users: ['web01', 'web01'] },
    })
  })

  it('portgroups: add posts to the network’s portgroups, replace puts to the portgroup, remove deletes it (force only when asked)', async () => {
    const net = makeNetwork({ name: ODD, virtualportType: 'openvswitch' })
    const spec = { name: 'vlan 10/x', isDefault: false, vlanTags: [10], trunk: false }
    let { networksApi, request } = await apiWithFetch(201, net)
    await expect(networksApi.addPortgroup('host-1', ODD, spec)).resolves.toEqual(net)
    expect(request().method).toBe('POST')
    expect(new URL(request().url).pathname).toBe(`/api/v1/hosts/host-1/networks/${ODD_ENCODED}/portgroups`)
    expect(request().headers.get('X-Requested-By')).toBe('web')
    expect(await request().json()).toEqual(spec)
    ;({ networksApi, request } = await apiWithFetch(200, net))
    await expect(networksApi.replacePortgroup('host-1', ODD, spec)).resolves.toEqual(net)
    expect(request().method).toBe('PUT')
    expect(new URL(request().url).pathname).toBe(`/api/v1/hosts/host-1/networks/${ODD_ENCODED}/portgroups/${encodeURIComponent('vlan 10/x')}`)
    expect(await request().json()).toEqual(spec)
    ;({ networksApi, request } = await apiWithFetch(200, net))
    await expect(networksApi.removePortgroup('host-1', 'ovs', 'pg1')).resolves.toEqual(net)
    let url = new URL(request().url)
    expect(request().method).toBe('DELETE')
    expect(url.pathname).toBe('/api/v1/hosts/host-1/networks/ovs/portgroups/pg1')
    expect(url.searchParams.has('force')).toBe(false)
    ;({ networksApi, request } = await apiWithFetch(200, net))
    await networksApi.removePortgroup('host-1', 'ovs', 'pg1', true)
    url = new URL(request().url)
    expect(url.searchParams.get('force')).toBe('true')
  })

  it('portgroups: a 409 portgroup_in_use carries its users', async () => {
    const { networksApi } = await apiWithFetch(409, { code: 'portgroup_in_use', message: 'in use', details: { users: ['web01'] } })
    await expect(networksApi.removePortgroup('host-1', 'ovs', 'pg1')).rejects.toMatchObject({ status: 409, code: 'portgroup_in_use', details: { users: ['web01'] } })
  })
})
