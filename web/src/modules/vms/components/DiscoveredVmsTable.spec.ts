import { describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { makeVm, vmRouter } from '../testing'
import DiscoveredVmsTable from './DiscoveredVmsTable.vue'

describe('DiscoveredVmsTable', () => {
  it('shows XML metacharacters and unicode literally, never as markup', () => {
    const name = `<script>alert("x")</script>&amp;'ü🚀`
    const vm = makeVm({ name, title: '<b>bold</b> ✓' })
    const w = mount(DiscoveredVmsTable, {
      props: { items: [vm], selected: new Set<string>(), sort: 'name' },
      global: { plugins: [vmRouter()] },
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
      global: { plugins: [vmRouter()] },
    })
    await w.get('[data-testid="discovered-select-b"]').setValue(true)
    expect(w.emitted('toggle')![0]).toEqual([b])
    const all = w.get('[data-testid="discovered-select-all"]')
    expect((all.element as HTMLInputElement).indeterminate).toBe(true)
    await all.setValue(true)
    expect(w.emitted('toggleAll')![0]).toEqual([true])
  })

  it('links each name to its VM: a plain click navigates in the app, a modified click is the browser\'s', async () => {
    const vm = makeVm({ name: 'linked' })
    const router = vmRouter()
    await router.push('/')
    const w = mount(DiscoveredVmsTable, {
      props: { items: [vm], selected: new Set<string>(), sort: 'name' },
      global: { plugins: [router] },
    })
    const a = w.get('[data-testid="vm-name"]')
    expect(a.attributes('href')).toBe(`/vms/${vm.id}`)
    const ctrl = new MouseEvent('click', { bubbles: true, cancelable: true, ctrlKey: true })
    a.element.dispatchEvent(ctrl)
    await flushPromises()
    expect(ctrl.defaultPrevented).toBe(false)
    expect(router.currentRoute.value.path).toBe('/')
    const plain = new MouseEvent('click', { bubbles: true, cancelable: true })
    a.element.dispatchEvent(plain)
    await flushPromises()
    expect(plain.defaultPrevented).toBe(true)
    expect(router.currentRoute.value.path).toBe(`/vms/${vm.id}`)
  })
})
