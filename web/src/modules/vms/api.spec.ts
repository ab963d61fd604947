import { afterEach, describe, expect, it, vi } from 'vitest'
import { makeTask } from '@/modules/tasks/testing'

afterEach(() => {
  vi.unstubAllGlobals()
  vi.resetModules()
})

/** The vms API with `fetch` stubbed (the client captures `fetch` when it is created). */
async function apiWithFetch(status: number, body: unknown) {
  const fetchMock = vi.fn(async (_req: Request) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }))
  vi.stubGlobal('fetch', fetchMock)
  vi.resetModules()
  const { vmsApi } = await import('./api')
  return { vmsApi, request: () => fetchMock.mock.calls[0]![0] }
}

describe('power action requests', () => {
  it('name the web UI as requester and send the body only when there is one', async () => {
    const task = makeTask()
    const { vmsApi, request } = await apiWithFetch(202, task)
    await expect(vmsApi.powerAction('vm-1', 'pause')).resolves.toEqual(task)
    const req = request()
    expect(req.method).toBe('POST')
    expect(new URL(req.url).pathname).toBe('/api/v1/vms/vm-1/actions/pause')
    expect(req.headers.get('X-Requested-By')).toBe('web')
    expect(await req.text()).toBe('')
  })

  it('bulk: posts vmIds and options with the header', async () => {
    const { vmsApi, request } = await apiWithFetch(202, { parent: makeTask(), tasks: [], notFound: [] })
    await vmsApi.bulkPowerAction('shutdown', ['a', 'b'], { forceAfterSecs: 60 })
    const req = request()
    expect(new URL(req.url).pathname).toBe('/api/v1/vms/actions/shutdown')
    expect(req.headers.get('X-Requested-By')).toBe('web')
    expect(JSON.parse(await req.text())).toEqual({ vmIds: ['a', 'b'], forceAfterSecs: 60 })
  })

  it('turns a 409 into an ApiError with the server message', async () => {
    const { vmsApi } = await apiWithFetch(409, { code: 'action_not_allowed', message: 'cannot pause a VM that is shutoff; allowed when running' })
    await expect(vmsApi.powerAction('vm-1', 'pause')).rejects.toMatchObject({
      status: 409,
      code: 'action_not_allowed',
      message: 'cannot pause a VM that is shutoff; allowed when running',
    })
  })
})

describe('NIC requests', () => {
  it('attach: posts the spec to the VM’s NICs with the header', async () => {
    const { vmsApi, request } = await apiWithFetch(202, makeTask({ kind: 'vm.nic.attach' }))
    await vmsApi.attachNic('vm-1', { network: 'default', portgroup: 'vlan10', model: 'virtio' })
    const req = request()
    expect(req.method).toBe('POST')
    expect(new URL(req.url).pathname).toBe('/api/v1/vms/vm-1/nics')
    expect(req.headers.get('X-Requested-By')).toBe('web')
    expect(await req.json()).toEqual({ network: 'default', portgroup: 'vlan10', model: 'virtio' })
  })

  it('update and detach: name the NIC by its MAC as one path segment', async () => {
    let { vmsApi, request } = await apiWithFetch(202, makeTask({ kind: 'vm.nic.update' }))
    await vmsApi.updateNic('vm-1', '52:54:00:aa:bb:cc', { linkUp: false })
    let req = request()
    expect(req.method).toBe('PATCH')
    expect(decodeURIComponent(new URL(req.url).pathname)).toBe('/api/v1/vms/vm-1/nics/52:54:00:aa:bb:cc')
    expect(req.headers.get('X-Requested-By')).toBe('web')
    expect(await req.json()).toEqual({ linkUp: false })
    ;({ vmsApi, request } = await apiWithFetch(202, makeTask({ kind: 'vm.nic.detach' })))
    await vmsApi.detachNic('vm-1', '52:54:00:aa:bb:cc')
    req = request()
    expect(req.method).toBe('DELETE')
    expect(decodeURIComponent(new URL(req.url).pathname)).toBe('/api/v1/vms/vm-1/nics/52:54:00:aa:bb:cc')
  })

  it('NIC kinds: GET /nic-kinds; a kind NIC posts its kind and params, no network or bridge', async () => {
    const list = { items: [{ name: 'macvtap', description: 'macvtap', plugin: 'org.virtumancer.example.macvtap', paramsSchema: {} }] }
    let { vmsApi, request } = await apiWithFetch(200, list)
    await expect(vmsApi.nicKinds()).resolves.toEqual(list)
    let req = request()
    expect(req.method).toBe('GET')
    expect(new URL(req.url).pathname).toBe('/api/v1/nic-kinds')
    ;({ vmsApi, request } = await apiWithFetch(202, makeTask({ kind: 'vm.nic.attach' })))
    await vmsApi.attachNic('vm-1', { kind: 'macvtap', params: { dev: 'eth0', mode: 'vepa' }, model: 'virtio' })
    req = request()
    expect(await req.json()).toEqual({ kind: 'macvtap', params: { dev: 'eth0', mode: 'vepa' }, model: 'virtio' })
  })

  it('a 422 becomes an ApiError with the server’s message', async () => {
    const { vmsApi } = await apiWithFetch(422, { code: 'invalid_request', message: "network 'default' has no portgroup 'x'" })
    await expect(vmsApi.attachNic('vm-1', { network: 'default', portgroup: 'x' })).rejects.toMatchObject({
      status: 422,
      code: 'invalid_request',
      message: "network 'default' has no portgroup 'x'",
    })
  })
})
