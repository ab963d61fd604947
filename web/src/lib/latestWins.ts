import { errorMessage } from '@/api/client'

/** What every query shows about its last load. */
export interface LoadState {
  loaded: boolean
  loading: boolean
  error: string | null
}

/** `apply` asks for this to load again at once (e.g. the page it got no longer exists). */
export const LOAD_AGAIN = Symbol('load again')

/**
 * A refetch for `state`: `load` asks the server, `apply` stores the answer. When calls overlap,
 * the newest wins: an answer that arrives after a later call started is dropped, and only the
 * newest call's end or failure touches `loading` and `error`.
 */
export function latestWins<T>(
  state: LoadState,
  load: () => Promise<T>,
  apply: (value: T) => void | typeof LOAD_AGAIN,
): () => Promise<void> {
  let seq = 0
  async function refetch(): Promise<void> {
    const mine = ++seq
    state.loading = true
    try {
      const value = await load()
      if (mine !== seq) return // a newer request was started; its answer wins
      if (apply(value) === LOAD_AGAIN) {
        await refetch()
        return
      }
      state.loaded = true
      state.error = null
    } catch (e) {
      if (mine === seq) state.error = errorMessage(e)
    } finally {
      if (mine === seq) state.loading = false
    }
  }
  return refetch
}
