import { afterEach, describe, expect, it, vi } from 'vitest'
import { makeTask } from './testing'

afterEach(() => {
  vi.unstubAllGlobals()
  vi.resetModules()
})

/** The tasks API with `fetch` stubbed (the client captures `fetch` when it is created). */
async function apiWithFetch(status: number, body: unknown) {
  const fetchMock = vi.fn(async (_req: Request) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }))
  vi.stubGlobal('fetch', fetchMock)
  vi.resetModules()
  const { tasksApi } = await import('./api')
  return { tasksApi, request: () => fetchMock.mock.calls[0]![0] }
}

describe('cancel task request', () => {
  it('posts to /tasks/{id}/cancel without a body, naming the web UI as requester', async () => {
    const task = makeTask({ state: 'running' })
    const { tasksApi, request } = await apiWithFetch(202, task)
    await expect(tasksApi.cancel(task.id)).resolves.toEqual(task)
    const req = request()
    expect(req.method).toBe('POST')
    expect(new URL(req.url).pathname).toBe(`/api/v1/tasks/${task.id}/cancel`)
    expect(req.headers.get('X-Requested-By')).toBe('web')
    expect(await req.text()).toBe('')
  })

  it('turns 409 (already ended) and 404 (unknown) into ApiErrors with the server message', async () => {
    const ended = await apiWithFetch(409, { code: 'action_not_allowed', message: 'task t is succeeded and cannot be cancelled' })
    await expect(ended.tasksApi.cancel('t')).rejects.toMatchObject({
      status: 409,
      code: 'action_not_allowed',
      message: 'task t is succeeded and cannot be cancelled',
    })
    const unknown = await apiWithFetch(404, { code: 'task_not_found', message: 'no task t' })
    await expect(unknown.tasksApi.cancel('t')).rejects.toMatchObject({ status: 404, code: 'task_not_found', message: 'no task t' })
  })
})
