import { onBeforeUnmount, ref } from 'vue'
import type { Health } from '@/api/types'
import { errorMessage } from '@/api/client'
import { systemApi } from './api'

/** Server health; refreshed every `intervalMs` while the component is mounted. */
export function useHealth(intervalMs = 30_000) {
  const health = ref<Health | null>(null)
  const error = ref<string | null>(null)

  async function refetch() {
    try {
      health.value = await systemApi.health()
      error.value = null
    } catch (e) {
      error.value = errorMessage(e)
    }
  }
  void refetch()
  const timer = setInterval(() => void refetch(), intervalMs)
  onBeforeUnmount(() => clearInterval(timer))
  return { health, error, refetch }
}
