import { describe, expect, it } from 'vitest'
import { mount, RouterLinkStub } from '@vue/test-utils'
import { makeVm } from '../testing'
import DiscoveredVmsTable from './DiscoveredVmsTable.vue'

describe('DiscoveredVmsTable', () => {
  it('shows XML metacharacters and unicode literally, never as markup', () => {
    const name = `<script>alert("x")</script>&amp;'ü🚀`
    const vm = makeVm({ name, title: '<b>bold</b> ✓' })
    const w = mount(DiscoveredVmsTable, {
      props: { items: [vm], selected: new Set<string>(), sort: 'name' },
      global: { stubs: { RouterLink: RouterLinkStub } },
    })
    const row = w.findAll('tbody tr').find((tr) => tr.attributes('data-testid') === `discovered-row-${name}`)!
    expect(row).toBeTruthy()
    expect(row.get('[data-testid="vm-name"]').text()).toBe(name)
    expect(row.text()).toContain('<b>bold</b> ✓')
    expect(w.find('script').exists()).toBe(false)
    expect(w.find('b').exists()).toBe(false)
  })

  it('emits toggle and toggleAll', async () => {
    const a = makeVm({ name: 'a' })
    const b = makeVm({ name: 'b' })
    const w = mount(DiscoveredVmsTable, {
      props: { items: [a, b], selected: new Set([a.id]), sort: 'name' },
      global: { stubs: { RouterLink: RouterLinkStub } },
    })
    await w.get('[data-testid="discovered-select-b"]').setValue(true)
    expect(w.emitted('toggle')![0]).toEqual([b])
    const all = w.get('[data-testid="discovered-select-all"]')
    expect((all.element as HTMLInputElement).indeterminate).toBe(true)
    await all.setValue(true)
    expect(w.emitted('toggleAll')![0]).toEqual([true])
  })
})
