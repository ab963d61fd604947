import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { EventStreamStatus } from '@/api/events'

/** Live status of the server event WebSocket, shown in the top bar. */
export const useEventConnectionStore = defineStore('eventConnection', () => {
  const status = ref<EventStreamStatus>('idle')
  const lastOpenedAt = ref<Date | null>(null)
  const nextRetryAt = ref<number | null>(null)
  const attempts = ref(0)

  function update(s: EventStreamStatus, info: { attempts: number; nextRetryAt: number | null }) {
    status.value = s
    attempts.value = info.attempts
    nextRetryAt.value = info.nextRetryAt
    if (s === 'open') lastOpenedAt.value = new Date()
  }

  return { status, lastOpenedAt, nextRetryAt, attempts, update }
})
