import { useRouter } from 'vue-router'

/**
 * Links to VM pages for lists of hundreds of rows: a plain `<a href>` per row instead of a
 * `RouterLink` component (each of which sets up reactive state and resolves its route on
 * mount: about a tenth of a 500-row table's render). `go` handles a plain left click in the
 * app; modified and middle clicks are left to the browser (new tab, new window).
 */
export function useVmLink() {
  const router = useRouter()
  return {
    href: (id: string) => router.resolve({ name: 'vm', params: { id } }).href,
    go(e: MouseEvent, id: string) {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
      e.preventDefault()
      void router.push({ name: 'vm', params: { id } })
    },
  }
}
