export interface Debounced {
  /** (Re)starts the timer; the function runs once `ms` after the last trigger. */
  trigger(): void
  cancel(): void
  readonly pending: boolean
}

export function debounce(fn: () => void, ms: number): Debounced {
  let timer: ReturnType<typeof setTimeout> | null = null
  return {
    trigger() {
      if (timer !== null) clearTimeout(timer)
      timer = setTimeout(() => {
        timer = null
        fn()
      }, ms)
    },
    cancel() {
      if (timer !== null) clearTimeout(timer)
      timer = null
    },
    get pending() {
      return timer !== null
    },
  }
}
