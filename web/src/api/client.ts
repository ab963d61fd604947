import createClient from 'openapi-fetch'
import type { paths } from './generated/schema.gen'
import type { ApiErrorBody } from './types'

/** Same-origin client; the dev server proxies /api to the Rust server. */
export const api = createClient<paths>({
  baseUrl: typeof window !== 'undefined' ? window.location.origin : 'http://localhost',
})

/**
 * Headers of requests that change something: the server records `X-Requested-By` in the task
 * history (with the client address), so tasks started from this UI say "web".
 */
export const WEB_REQUEST_HEADERS = { 'X-Requested-By': 'web' } as const

/**
 * Thrown for every non-2xx response (and for network failures, with code `network_error`).
 * Carries the server's `ApiError` body: `code`, `message`, optional `details`.
 */
/** Server error codes (generated `ErrorCode`) plus the two the client itself produces. */
export type ApiErrorCode = ApiErrorBody['code'] | 'network_error' | 'http_error'

export class ApiError extends Error {
  readonly code: ApiErrorCode
  /** Free-form per-code details, e.g. `{ hostKey: { keyType, fingerprint } }` for `host_key_unverified`. */
  readonly details: Record<string, unknown> | null
  readonly status: number

  constructor(status: number, body: { code: string; message: string; details?: unknown }) {
    super(body.message)
    this.name = 'ApiError'
    this.status = status
    this.code = body.code as ApiErrorCode
    this.details =
      typeof body.details === 'object' && body.details !== null ? (body.details as Record<string, unknown>) : null
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError
}

function isApiErrorBody(v: unknown): v is ApiErrorBody {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as Record<string, unknown>).code === 'string' &&
    typeof (v as Record<string, unknown>).message === 'string'
  )
}

/** Turns any thrown value or error body into an ApiError. */
export function toApiError(status: number, body: unknown): ApiError {
  if (isApiErrorBody(body)) return new ApiError(status, body)
  const text = typeof body === 'string' && body.trim() !== '' ? body.trim() : `HTTP ${status}`
  return new ApiError(status, { code: status === 0 ? 'network_error' : 'http_error', message: text })
}

type FetchResult<T> = { data?: T; error?: unknown; response: Response }

/**
 * Awaits an openapi-fetch call and returns its data, or throws an ApiError.
 * Usage: `await unwrap(api.GET('/api/v1/hosts'))`.
 */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>
  try {
    result = await call
  } catch (e) {
    throw toApiError(0, e instanceof Error ? `Network error: ${e.message}` : 'Network error')
  }
  if (!result.response.ok || result.error !== undefined) {
    throw toApiError(result.response.status, result.error)
  }
  return result.data as T
}

/** Human readable message for any caught value. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message
  return String(e)
}
