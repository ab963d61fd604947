import { describe, expect, it } from 'vitest'
import { ApiError, isApiError, unwrap } from './client'

const res = (status: number) => new Response(null, { status: status === 204 ? 204 : status })

describe('unwrap', () => {
  it('returns data on 2xx', async () => {
    await expect(unwrap(Promise.resolve({ data: [1, 2], response: res(200) }))).resolves.toEqual([1, 2])
  })

  it('throws a typed ApiError with code, message and details on non-2xx', async () => {
    const body = { code: 'host_name_taken', message: 'A host named "a" already exists', details: { name: 'a' } }
    const err = await unwrap(Promise.resolve({ error: body, response: res(409) })).catch((e: unknown) => e)
    expect(isApiError(err)).toBe(true)
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({ status: 409, code: 'host_name_taken', message: body.message, details: { name: 'a' } })
  })

  it('wraps non-JSON error bodies and network failures', async () => {
    const text = await unwrap(Promise.resolve({ error: 'Bad Gateway', response: res(502) })).catch((e: unknown) => e)
    expect(text).toMatchObject({ status: 502, code: 'http_error', message: 'Bad Gateway' })
    const net = await unwrap(Promise.reject(new TypeError('Failed to fetch'))).catch((e: unknown) => e)
    expect(net).toMatchObject({ status: 0, code: 'network_error', message: 'Network error: Failed to fetch' })
  })
})
