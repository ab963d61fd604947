import { describe, expect, it } from 'vitest'
import { isBulkParent, taskKindLabel, taskStateTone } from './format'

describe('task format', () => {
  it('labels kinds without a table', () => {
    expect(taskKindLabel('vm.forceOff')).toBe('Force off')
    expect(taskKindLabel('vm.autostartOn')).toBe('Autostart on')
    expect(taskKindLabel('bulk.vm.shutdown')).toBe('Shutdown (bulk)')
    expect(taskKindLabel('odd')).toBe('Odd')
  })
  it('colours states and recognises bulk parents', () => {
    expect(taskStateTone('failed')).toBe('danger')
    expect(taskStateTone('succeeded')).toBe('success')
    expect(taskStateTone('running')).toBe('info')
    expect(taskStateTone('cancelled')).toBe('warning')
    expect(new Set((['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const).map(taskStateTone)).size).toBe(5)
    expect(isBulkParent({ kind: 'bulk.vm.start', parentId: null })).toBe(true)
    expect(isBulkParent({ kind: 'vm.start', parentId: 'p' })).toBe(false)
  })
})
