import { getCurrentScope, onScopeDispose } from 'vue'
import { useStatsStore, type StatsStore } from '@/stores/stats'

/**
 * Live usage for the calling component: holds the `stats` subscription while its scope lives
 * (the server samples every second only while someone holds it) and returns the stats store.
 * Call it in components that show live numbers, not in every row: one holder per view is enough.
 */
export function useLiveStats(store: StatsStore = useStatsStore()): StatsStore {
  const release = store.acquire()
  if (getCurrentScope()) onScopeDispose(release)
  return store
}
