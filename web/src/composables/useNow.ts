import { onScopeDispose, ref, getCurrentScope } from 'vue'

/** The current time (epoch ms), updated every `intervalMs` while the caller's scope lives: for relative times. */
export function useNow(intervalMs = 10_000) {
  const now = ref(Date.now())
  const timer = setInterval(() => (now.value = Date.now()), intervalMs)
  if (getCurrentScope()) onScopeDispose(() => clearInterval(timer))
  return now
}
