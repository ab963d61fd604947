// The server's power-action rules (`GET /api/v1/power-actions`): for each action the power
// states it is allowed in, whether it needs a persistent VM and whether it is destructive.
// They do not change while the server runs, so they are fetched once and kept here; buttons
// are enabled from them, never from a table of our own.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { PowerAction, PowerActionRule } from '@/api/types'
import { errorMessage } from '@/api/client'
import { vmsApi } from './api'

export const usePowerRulesStore = defineStore('powerRules', () => {
  /** `null` until loaded. */
  const rules = ref<PowerActionRule[] | null>(null)
  const error = ref<string | null>(null)
  let inflight: Promise<void> | null = null

  /** Loads the rules unless they are loaded or loading; a failed load is retried on the next call. */
  function ensure(): Promise<void> {
    if (rules.value) return Promise.resolve()
    if (inflight) return inflight
    inflight = vmsApi
      .powerRules()
      .then((r) => {
        rules.value = r
        error.value = null
      })
      .catch((e: unknown) => {
        error.value = errorMessage(e)
      })
      .finally(() => {
        inflight = null
      })
    return inflight
  }

  function rule(action: PowerAction): PowerActionRule | null {
    return rules.value?.find((r) => r.action === action) ?? null
  }

  return { rules, error, ensure, rule }
})

/** The rules store, loading the rules on first use. */
export function usePowerRules() {
  const store = usePowerRulesStore()
  void store.ensure()
  return store
}
