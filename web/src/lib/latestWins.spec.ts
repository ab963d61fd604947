import { describe, expect, it } from 'vitest'
import { reactive } from 'vue'
import { LOAD_AGAIN, latestWins, type LoadState } from './latestWins'

function deferred<T>() {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

describe('latestWins', () => {
  it('drops an answer overtaken by a later call, and only the newest call ends loading', async () => {
    const state = reactive({ value: 0, loaded: false, loading: false, error: null as string | null })
    const calls = [deferred<number>(), deferred<number>()]
    let n = 0
    const refetch = latestWins(state, () => calls[n++]!.promise, (v) => {
      state.value = v
    })
    const first = refetch()
    const second = refetch()
    calls[1]!.resolve(2)
    await second
    expect(state).toMatchObject({ value: 2, loaded: true, loading: false, error: null })
    calls[0]!.resolve(1)
    await first
    expect(state.value).toBe(2)
  })

  it('reports only the newest call failing, and keeps what was loaded', async () => {
    const state: LoadState & { value: number } = reactive({ value: 0, loaded: false, loading: false, error: null })
    const calls = [deferred<number>(), deferred<number>(), deferred<number>()]
    let n = 0
    const refetch = latestWins(state, () => calls[n++]!.promise, (v) => {
      state.value = v
    })
    const ok = refetch()
    calls[0]!.resolve(7)
    await ok
    const stale = refetch()
    const newest = refetch()
    calls[1]!.reject(new Error('stale failure'))
    await stale
    expect(state).toMatchObject({ error: null, loading: true })
    calls[2]!.reject(new Error('server down'))
    await newest
    expect(state).toMatchObject({ value: 7, loaded: true, loading: false, error: 'server down' })
  })

  it('loads again at once when the answer asks for it', async () => {
    const state = reactive({ page: 3, loaded: false, loading: false, error: null as string | null })
    const asked: number[] = []
    const refetch = latestWins(state, async () => {
      asked.push(state.page)
      return state.page
    }, (page) => {
      if (page > 1) {
        state.page = 1
        return LOAD_AGAIN
      }
    })
    await refetch()
    expect(asked).toEqual([3, 1])
    expect(state).toMatchObject({ page: 1, loaded: true, loading: false })
  })
})
