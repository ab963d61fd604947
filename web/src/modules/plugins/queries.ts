import { ref } from 'vue'
import type { PluginInfo } from '@/api/types'
import { errorMessage } from '@/api/client'
import { pluginsApi } from './api'

/** Installed plugins (static while the server runs: fetched on use, no events). */
export function usePlugins() {
  const plugins = ref<PluginInfo[]>([])
  const loading = ref(false)
  const error = ref<string | null>(null)

  async function refetch() {
    loading.value = true
    try {
      plugins.value = await pluginsApi.list()
      error.value = null
    } catch (e) {
      error.value = errorMessage(e)
    } finally {
      loading.value = false
    }
  }
  void refetch()
  return { plugins, loading, error, refetch }
}
