// @vitest-environment node
// Node's own fetch, FormData and File (jsdom's FormData cannot be read back from a Request).
import { afterEach, describe, expect, it, vi } from 'vitest'
import { makeWasm, MACVTAP_ID } from './testing'

afterEach(() => {
  vi.unstubAllGlobals()
  vi.resetModules()
})

/** The plugins API with `fetch` stubbed (the client captures `fetch` when it is created). */
async function apiWithFetch(status: number, body: unknown) {
  const fetchMock = vi.fn(
    async (_req: Request) =>
      new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }),
  )
  vi.stubGlobal('fetch', fetchMock)
  vi.resetModules()
  const mod = await import('./api')
  return { ...mod, request: () => fetchMock.mock.calls[0]![0] }
}

const MANIFEST = 'id = "org.virtumancer.example.macvtap"\nversion = "0.1.0"\n'
const WASM = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, 0xff, 0x80])

describe('install', () => {
  it('posts a multipart body with the manifest text and the component bytes, no JSON content type', async () => {
    const entry = makeWasm(MACVTAP_ID)
    const { pluginsApi, request } = await apiWithFetch(201, entry)
    const manifest = new File([MANIFEST], 'plugin.toml', { type: 'text/plain' })
    const component = new File([WASM], 'macvtap.wasm', { type: 'application/wasm' })
    await expect(pluginsApi.install({ manifest, component })).resolves.toEqual(entry)

    const req = request()
    expect(req.method).toBe('POST')
    expect(new URL(req.url).pathname).toBe('/api/v1/plugins')
    expect(req.headers.get('X-Requested-By')).toBe('web')
    expect(req.headers.get('content-type')).toMatch(/^multipart\/form-data; boundary=/)
    const form = await req.formData()
    expect([...form.keys()]).toEqual(['manifest', 'component'])
    const m = form.get('manifest') as File
    const c = form.get('component') as File
    expect(m.name).toBe('plugin.toml')
    expect(await m.text()).toBe(MANIFEST)
    expect(c.name).toBe('macvtap.wasm')
    expect(new Uint8Array(await c.arrayBuffer())).toEqual(WASM)
  })

  it('names blobs that are not files plugin.toml and plugin.wasm', async () => {
    const { installForm } = await apiWithFetch(201, {})
    const form = installForm({ manifest: new Blob([MANIFEST]), component: new Blob([WASM]) })
    expect((form.get('manifest') as File).name).toBe('plugin.toml')
    expect((form.get('component') as File).name).toBe('plugin.wasm')
  })

  it('refusals become ApiErrors with the server’s code and message', async () => {
    const files = { manifest: new Blob([MANIFEST]), component: new Blob([WASM]) }
    for (const [status, code, message] of [
      [409, 'plugin_exists', `plugin '${MACVTAP_ID}' is installed already; remove it or reload it`],
      [413, 'payload_too_large', 'the upload is larger than 64 MiB'],
      [422, 'invalid_plugin', 'manifest: unknown field `colour`'],
      [400, 'invalid_json', 'send both parts, `manifest` and `component`'],
    ] as const) {
      const { pluginsApi } = await apiWithFetch(status, { code, message })
      await expect(pluginsApi.install(files)).rejects.toMatchObject({ status, code, message })
    }
  })
})

describe('plugin requests', () => {
  const ODD = 'org.x/odd id?'
  const ODD_ENCODED = encodeURIComponent(ODD)

  it('actions post to the plugin’s action, its id one path segment', async () => {
    const entry = makeWasm(ODD, { state: 'disabled' })
    const { pluginsApi, request } = await apiWithFetch(200, entry)
    await expect(pluginsApi.action(ODD, 'disable')).resolves.toEqual(entry)
    expect(request().method).toBe('POST')
    expect(new URL(request().url).pathname).toBe(`/api/v1/plugins/${ODD_ENCODED}/actions/disable`)
    expect(request().headers.get('X-Requested-By')).toBe('web')
  })

  it('grants put {capabilities}; config puts the object as it is', async () => {
    const entry = makeWasm(MACVTAP_ID)
    let { pluginsApi, request } = await apiWithFetch(200, entry)
    await pluginsApi.setGrants(MACVTAP_ID, ['kv', 'clock'])
    expect(request().method).toBe('PUT')
    expect(new URL(request().url).pathname).toBe(`/api/v1/plugins/${MACVTAP_ID}/grants`)
    expect(request().headers.get('content-type')).toContain('application/json')
    expect(await request().json()).toEqual({ capabilities: ['kv', 'clock'] })
    ;({ pluginsApi, request } = await apiWithFetch(200, entry))
    await pluginsApi.setConfig(MACVTAP_ID, { mtu: 1500, mode: 'vepa', verbose: false })
    expect(request().method).toBe('PUT')
    expect(new URL(request().url).pathname).toBe(`/api/v1/plugins/${MACVTAP_ID}/config`)
    expect(await request().json()).toEqual({ mtu: 1500, mode: 'vepa', verbose: false })
  })

  it('remove deletes the plugin; list gets them all', async () => {
    let { pluginsApi, request } = await apiWithFetch(204, null)
    await expect(pluginsApi.remove(MACVTAP_ID)).resolves.toBeUndefined()
    expect(request().method).toBe('DELETE')
    expect(new URL(request().url).pathname).toBe(`/api/v1/plugins/${MACVTAP_ID}`)
    ;({ pluginsApi, request } = await apiWithFetch(200, [makeWasm('a')]))
    await expect(pluginsApi.list()).resolves.toHaveLength(1)
    expect(request().method).toBe('GET')
    expect(new URL(request().url).pathname).toBe('/api/v1/plugins')
  })

  it('a built-in answers 409 action_not_allowed; a plugin’s refusal of its configuration is a 422', async () => {
    let { pluginsApi } = await apiWithFetch(409, { code: 'action_not_allowed', message: "'libvirt' is a built-in plugin; it is part of the server" })
    await expect(pluginsApi.action('libvirt', 'reload')).rejects.toMatchObject({ status: 409, code: 'action_not_allowed' })
    ;({ pluginsApi } = await apiWithFetch(422, { code: 'invalid_request', message: 'mtu must be even' }))
    await expect(pluginsApi.setConfig('p', { mtu: 1 })).rejects.toMatchObject({ status: 422, message: 'mtu must be even' })
  })
})
