import { afterEach, describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import { defineComponent, h, nextTick, type PropType, withDirectives } from 'vue'
import { useNearViewport } from './nearViewport'

/** An IntersectionObserver the test drives: `fire` reports an element entering or leaving. */
class FakeObserver {
  static last: FakeObserver | null = null
  observed = new Set<Element>()
  disconnected = false
  constructor(
    private readonly callback: IntersectionObserverCallback,
    readonly options?: IntersectionObserverInit,
  ) {
    FakeObserver.last = this
  }
  observe(el: Element) {
    this.observed.add(el)
  }
  unobserve(el: Element) {
    this.observed.delete(el)
  }
  disconnect() {
    this.disconnected = true
    this.observed.clear()
  }
  fire(el: Element, isIntersecting: boolean) {
    if (!this.observed.has(el)) throw new Error('not observed')
    this.callback([{ target: el, isIntersecting } as IntersectionObserverEntry], this as unknown as IntersectionObserver)
  }
}

let revealRow: (key: string) => void = () => {}

const Rows = defineComponent({
  props: { keys: { type: Array as PropType<string[]>, required: true } },
  setup(props) {
    const { isNear, reveal, vNear } = useNearViewport('100px')
    revealRow = reveal
    return () =>
      h(
        'div',
        props.keys.map((k) => withDirectives(h('p', { key: k, 'data-key': k }, isNear(k) ? 'near' : 'far'), [[vNear, k]])),
      )
  },
})

const states = (w: ReturnType<typeof mount>) => w.findAll('p').map((p) => `${p.attributes('data-key')}:${p.text()}`)
const row = (w: ReturnType<typeof mount>, k: string) => w.get(`[data-key="${k}"]`).element

afterEach(() => {
  vi.unstubAllGlobals()
  FakeObserver.last = null
})

describe('useNearViewport', () => {
  it('renders the costly part only of rows the observer reports near, and drops it when they leave', async () => {
    vi.stubGlobal('IntersectionObserver', FakeObserver)
    const w = mount(Rows, { props: { keys: ['a', 'b', 'c'] } })
    const io = FakeObserver.last!
    expect(io.options?.rootMargin).toBe('100px 0px')
    expect(io.observed.size).toBe(3)
    expect(states(w)).toEqual(['a:far', 'b:far', 'c:far'])

    io.fire(row(w, 'b'), true)
    await nextTick()
    expect(states(w)).toEqual(['a:far', 'b:near', 'c:far'])

    io.fire(row(w, 'c'), true)
    io.fire(row(w, 'b'), false)
    await nextTick()
    expect(states(w)).toEqual(['a:far', 'b:far', 'c:near'])
  })

  it('stops watching rows that go, and everything when the list goes', async () => {
    vi.stubGlobal('IntersectionObserver', FakeObserver)
    const w = mount(Rows, { props: { keys: ['a', 'b'] } })
    const io = FakeObserver.last!
    const b = row(w, 'b')
    io.fire(b, true)
    await w.setProps({ keys: ['a'] })
    expect(io.observed.has(b)).toBe(false)
    expect(io.observed.size).toBe(1)
    // A row that comes back starts far until the observer says otherwise.
    await w.setProps({ keys: ['a', 'b'] })
    expect(states(w)).toEqual(['a:far', 'b:far'])
    w.unmount()
    expect(io.disconnected).toBe(true)
  })

  it('renders a revealed row at once, until the observer reports it away', async () => {
    vi.stubGlobal('IntersectionObserver', FakeObserver)
    const w = mount(Rows, { props: { keys: ['a', 'b'] } })
    const io = FakeObserver.last!
    revealRow('b')
    await nextTick()
    expect(states(w)).toEqual(['a:far', 'b:near'])
    io.fire(row(w, 'b'), true)
    io.fire(row(w, 'b'), false)
    await nextTick()
    expect(states(w)).toEqual(['a:far', 'b:far'])
  })

  it('treats every row as near where there is no IntersectionObserver', () => {
    vi.stubGlobal('IntersectionObserver', undefined)
    const w = mount(Rows, { props: { keys: ['a', 'b'] } })
    expect(states(w)).toEqual(['a:near', 'b:near'])
  })
})
