import { afterEach, describe, expect, it, vi } from 'vitest'
import { makePort, portPage } from './testing'

afterEach(() => {
  vi.unstubAllGlobals()
  vi.resetModules()
})

describe('portsApi.list', () => {
  it('gets /api/v1/ports with the filters as query parameters and answers with the page', async () => {
    const body = portPage([makePort()], 1)
    const fetchMock = vi.fn(async (_req: Request) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } }))
    vi.stubGlobal('fetch', fetchMock)
    vi.resetModules()
    const { portsApi } = await import('./api')
    await expect(portsApi.list({ hostId: 'h1', network: 'lan net', q: 'ee:ff', sort: 'mac', page: 2, perPage: 100 })).resolves.toEqual(body)
    const url = new URL(fetchMock.mock.calls[0]![0].url)
    expect(url.pathname).toBe('/api/v1/ports')
    expect(Object.fromEntries(url.searchParams)).toEqual({ hostId: 'h1', network: 'lan net', q: 'ee:ff', sort: 'mac', page: '2', perPage: '100' })
  })

  it('a 400 becomes an ApiError with the server’s code', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ code: 'invalid_query', message: 'perPage must be 1–500' }), { status: 400 })))
    vi.resetModules()
    const { portsApi } = await import('./api')
    await expect(portsApi.list({ perPage: 501 })).rejects.toMatchObject({ status: 400, code: 'invalid_query', message: 'perPage must be 1–500' })
  })
})
