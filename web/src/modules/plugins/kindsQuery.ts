import { computed, getCurrentScope, onScopeDispose, reactive, watch } from 'vue'
import type { EventStream } from '@/api/events'
import { latestWins } from '@/lib/latestWins'

/** A list of the kinds enabled plugins add (NIC kinds, network kinds). */
export interface KindsState<T> {
  items: T[]
  loaded: boolean
  loading: boolean
  error: string | null
}

export interface KindsQueryOptions {
  stream?: Pick<EventStream, 'onOpen'> | null
  /** Whether the kinds are wanted now (a reconnect refetches only then). */
  enabled?: () => boolean
}

/**
 * The kinds plugins add, read with `fetch`. No event announces a plugin being enabled or disabled,
 * so the list is refetched when it may matter (each time a dialog that offers the kinds opens) and
 * after every (re)connect of the event stream while it is wanted. An answer overtaken by a later
 * request is dropped.
 */
export function createKindsQuery<T>(fetch: () => Promise<{ items: T[] }>, opts: KindsQueryOptions = {}) {
  const state = reactive({ items: [], loaded: false, loading: false, error: null }) as KindsState<T>
  const refetch = latestWins(state, fetch, (list) => {
    state.items = list.items
  })
  const off = opts.stream?.onOpen(() => {
    if (opts.enabled?.() ?? true) void refetch()
  })
  return { state, refetch, dispose: () => off?.() }
}

export type KindsQuery<T> = ReturnType<typeof createKindsQuery<T>>

/** `q`'s kinds for a component: fetched whenever `enabled()` turns true, released with its scope. */
export function useKindsQuery<T>(q: KindsQuery<T>, enabled: () => boolean) {
  watch(
    enabled,
    (on) => {
      if (on) void q.refetch()
    },
    { immediate: true },
  )
  if (getCurrentScope()) onScopeDispose(q.dispose)
  return {
    items: computed(() => q.state.items),
    loaded: computed(() => q.state.loaded),
    loading: computed(() => q.state.loading),
    error: computed(() => q.state.error),
    /** Asks again (only while enabled). */
    refetch: async () => {
      if (enabled()) await q.refetch()
    },
  }
}
