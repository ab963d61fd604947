import { watch } from 'vue'
import type { VmListFilter } from './queries'

/**
 * Reports a list's filter (for the page's URL) once per change. Returns the function to call
 * after changing it; a page the list moved to by itself (its page vanished, after an import
 * say) is reported too. Call it in a component's setup.
 */
export function reportFilterChanges(filter: VmListFilter, report: (f: VmListFilter) => void): () => void {
  let reported = ''
  function now() {
    const current = JSON.stringify(filter)
    if (current === reported) return
    reported = current
    report({ ...filter })
  }
  watch(() => filter.page, now)
  return now
}
