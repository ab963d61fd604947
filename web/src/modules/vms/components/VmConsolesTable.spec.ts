import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import type { ConsoleInventory } from '@/api/types'
import VmConsolesTable from './VmConsolesTable.vue'

describe('VmConsolesTable', () => {
  it('lists serial ports and consoles with their device, port and host end, as text', () => {
    const consoles: ConsoleInventory[] = [
      { kind: 'serial', targetType: 'isa-serial', port: 0, sourceType: 'pty', source: null },
      { kind: 'console', targetType: null, port: null, sourceType: 'unix', source: '/run/<b>&"</b>.sock' },
    ]
    const w = mount(VmConsolesTable, { props: { consoles } })
    const rows = w.findAll('[data-testid="vm-console-row"]').map((r) => r.findAll('td').map((c) => c.text()))
    expect(rows).toEqual([
      ['Serial port', 'isa-serial', '0', 'pty'],
      ['Console', '—', '—', 'unix/run/<b>&"</b>.sock'],
    ])
    expect(w.find('b').exists()).toBe(false)
  })

  it('says when there is none', () => {
    expect(mount(VmConsolesTable, { props: { consoles: [] } }).text()).toBe('No serial ports or consoles.')
  })
})
