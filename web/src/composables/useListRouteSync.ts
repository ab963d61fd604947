import { ref, watch } from 'vue'
import { useRoute, useRouter, type LocationQueryRaw } from 'vue-router'

/**
 * Keeps a list page's filters in the URL. `write(query)` replaces the URL without remounting;
 * `key` changes when the URL is changed from elsewhere (a link, back/forward), so the page can
 * remount its list with the new initial filters.
 */
export function useListRouteSync(keyOf: (q: LocationQueryRaw) => string) {
  const route = useRoute()
  const router = useRouter()
  const key = ref(0)
  let written = keyOf(route.query)
  watch(
    () => route.query,
    (q) => {
      if (keyOf(q) !== written) {
        written = keyOf(q)
        key.value++
      }
    },
  )
  function write(query: LocationQueryRaw) {
    written = keyOf(query)
    void router.replace({ query })
  }
  return { key, write, route }
}
