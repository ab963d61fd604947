// Server state for plugins: `GET /api/v1/plugins` (built-ins and WASM plugins together). The
// server sends no events for plugins yet, so nothing follows them live and nothing polls: the list
// is fetched whenever the page is shown (mounted, re-activated, or the browser tab becomes visible
// again), after every action (whose answer also shows at once), and on the Refresh button.
import { computed, getCurrentInstance, getCurrentScope, onActivated, onScopeDispose, reactive } from 'vue'
import type { PluginEntry } from '@/api/types'
import { latestWins } from '@/lib/latestWins'
import { pluginsApi, type PluginsApi } from './api'

export interface PluginListState {
  items: PluginEntry[]
  loaded: boolean
  loading: boolean
  error: string | null
}

/** Pure: the list with `p` replacing the plugin of the same kind (or added at the end). */
export function upsertPlugin(list: readonly PluginEntry[], p: PluginEntry): PluginEntry[] {
  const i = list.findIndex((x) => x.kind === p.kind)
  if (i === -1) return [...list, p]
  const next = [...list]
  next[i] = p
  return next
}

/** Pure: the list without the plugin `kind`. */
export function removePlugin(list: readonly PluginEntry[], kind: string): PluginEntry[] {
  return list.filter((x) => x.kind !== kind)
}

export function createPluginsQuery(opts: { api?: Pick<PluginsApi, 'list'> } = {}) {
  const source = opts.api ?? pluginsApi
  const state = reactive<PluginListState>({ items: [], loaded: false, loading: false, error: null })
  const refetch = latestWins(state, () => source.list(), (items) => {
    state.items = items
  })

  /** A list answer started before a local change would undo it: ask again, the newest wins. */
  function afterLocalChange() {
    if (state.loading) void refetch()
  }

  return {
    state,
    refetch,
    /** Shows a plugin as an action answered with it, before the refetch. */
    upsert(p: PluginEntry) {
      state.items = upsertPlugin(state.items, p)
      afterLocalChange()
    },
    /** Drops a removed plugin, before the refetch. */
    remove(kind: string) {
      state.items = removePlugin(state.items, kind)
      afterLocalChange()
    },
  }
}

export type PluginsQuery = ReturnType<typeof createPluginsQuery>

/** What tells the query the tab became visible again (the document, or a fake in tests). */
export interface VisibilitySource {
  readonly visibilityState: DocumentVisibilityState
  addEventListener(type: 'visibilitychange', h: () => void): void
  removeEventListener(type: 'visibilitychange', h: () => void): void
}

/**
 * Every plugin, fetched now, whenever the component is re-activated (keep-alive) or the tab
 * becomes visible again; the listener goes with the component.
 */
export function usePlugins(vis: VisibilitySource | null = typeof document !== 'undefined' ? document : null) {
  const q = createPluginsQuery()
  void q.refetch()
  const onVisibility = () => {
    if (vis?.visibilityState === 'visible') void q.refetch()
  }
  vis?.addEventListener('visibilitychange', onVisibility)
  if (getCurrentScope()) onScopeDispose(() => vis?.removeEventListener('visibilitychange', onVisibility))
  if (getCurrentInstance()) {
    // Under <KeepAlive> the first activation is the mount, which already fetched.
    let first = true
    onActivated(() => {
      if (!first) void q.refetch()
      first = false
    })
  }
  return {
    plugins: computed(() => q.state.items),
    loaded: computed(() => q.state.loaded),
    loading: computed(() => q.state.loading),
    error: computed(() => q.state.error),
    refetch: q.refetch,
    upsert: q.upsert,
    remove: q.remove,
  }
}

export type PluginList = ReturnType<typeof usePlugins>
