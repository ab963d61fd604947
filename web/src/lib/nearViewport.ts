import { onBeforeUnmount, shallowReactive, type Directive } from 'vue'

/**
 * Which items of a long list are on screen or close to it, so that a list of hundreds renders
 * its costly parts (live usage charts, menus) only where they can be seen. Every row stays in
 * the DOM (find in page, keyboard order and screen readers see them all); only what a row
 * marks as deferred waits until the row comes within `margin` of the viewport, and goes again
 * when it leaves.
 *
 * `v-near="key"` on a row's element tracks it; `isNear(key)` is reactive per key, so a row
 * that scrolls into view re-renders alone. `reveal(key)` renders a row now, before the
 * observer says so (a keyboard user tabbing onto a far row's stand-in); it goes again once it
 * is reported away. Where the browser has no IntersectionObserver (a test DOM) every row
 * counts as near.
 */
export interface NearViewport {
  isNear(key: string): boolean
  reveal(key: string): void
  vNear: Directive<HTMLElement, string>
}

export function useNearViewport(margin = '600px'): NearViewport {
  const near = shallowReactive(new Set<string>())
  if (typeof IntersectionObserver === 'undefined') {
    return { isNear: () => true, reveal: () => {}, vNear: {} }
  }
  const keys = new WeakMap<Element, string>()
  const observer = new IntersectionObserver(
    (entries) => {
      for (const e of entries) {
        const key = keys.get(e.target)
        if (key === undefined) continue
        if (e.isIntersecting) near.add(key)
        else near.delete(key)
      }
    },
    { rootMargin: `${margin} 0px` },
  )
  const track = (el: HTMLElement, key: string) => {
    keys.set(el, key)
    observer.observe(el)
  }
  const untrack = (el: HTMLElement) => {
    observer.unobserve(el)
    const key = keys.get(el)
    keys.delete(el)
    if (key !== undefined) near.delete(key)
  }
  onBeforeUnmount(() => observer.disconnect())
  return {
    isNear: (key) => near.has(key),
    reveal: (key) => near.add(key),
    vNear: {
      mounted: (el, { value }) => track(el, value),
      updated: (el, { value, oldValue }) => {
        if (value === oldValue) return
        untrack(el)
        track(el, value)
      },
      beforeUnmount: (el) => untrack(el),
    },
  }
}
