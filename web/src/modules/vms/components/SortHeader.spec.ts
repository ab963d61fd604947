import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import type { VmSortKey } from '@/api/types'
import SortHeader from './SortHeader.vue'
import { SORT_KEYS, type SortColumn } from '../sorting'

function header(sortKey: SortColumn, current: VmSortKey) {
  const w = mount(SortHeader, { props: { label: sortKey, sortKey, current }, attachTo: document.createElement('tr') })
  return { w, th: w.get('th'), button: w.get(`[data-testid="sort-${sortKey}"]`) }
}

describe('SortHeader', () => {
  // column, first click's order and its direction, then the reverse.
  const cases: [SortColumn, VmSortKey, string, VmSortKey, string][] = [
    ['name', 'name', 'ascending', 'nameDesc', 'descending'],
    ['host', 'host', 'ascending', 'hostDesc', 'descending'],
    ['state', 'state', 'ascending', 'stateDesc', 'descending'],
    ['memory', 'memory', 'descending', 'memoryAsc', 'ascending'],
    ['created', 'created', 'descending', 'createdAsc', 'ascending'],
  ]

  it.each(cases)('%s sorts both ways and says which way it sorts', async (column, first, firstDir, reverse, reverseDir) => {
    const other: VmSortKey = column === 'name' ? 'host' : 'name'
    const idle = header(column, other)
    expect(idle.th.attributes('aria-sort')).toBe('none')
    await idle.button.trigger('click')
    expect(idle.w.emitted('sort')![0]).toEqual([first])

    const once = header(column, first)
    expect(once.th.attributes('aria-sort')).toBe(firstDir)
    expect(once.button.text()).toContain(firstDir === 'ascending' ? '▲' : '▼')
    await once.button.trigger('click')
    expect(once.w.emitted('sort')![0]).toEqual([reverse])

    const twice = header(column, reverse)
    expect(twice.th.attributes('aria-sort')).toBe(reverseDir)
    expect(twice.button.text()).toContain(reverseDir === 'ascending' ? '▲' : '▼')
    await twice.button.trigger('click')
    expect(twice.w.emitted('sort')![0]).toEqual([first])
  })

  it('offers every order the API accepts, once', () => {
    expect([...SORT_KEYS].sort()).toEqual(
      ['name', 'nameDesc', 'host', 'hostDesc', 'state', 'stateDesc', 'created', 'createdAsc', 'memory', 'memoryAsc'].sort(),
    )
  })
})
