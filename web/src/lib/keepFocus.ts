import { nextTick } from 'vue'

/**
 * Runs `work` and then gives the focus back to what had it when `work` started, if the focus
 * was lost meanwhile (a button disabled while busy drops it to the page). Focus the user moved
 * elsewhere stays there.
 */
export async function keepFocus<T>(work: () => Promise<T>): Promise<T> {
  const had = document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null
  try {
    return await work()
  } finally {
    await nextTick()
    const now = document.activeElement
    if (had?.isConnected && (now === null || now === document.body)) had.focus()
  }
}
