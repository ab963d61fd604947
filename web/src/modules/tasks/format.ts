// Display helpers for tasks. Pure functions; every output is plain text.
import type { Task, TaskState } from '@/api/types'

export type TaskTone = 'success' | 'warning' | 'neutral' | 'danger' | 'info'

export function taskStateTone(s: TaskState): TaskTone {
  switch (s) {
    case 'succeeded':
      return 'success'
    case 'failed':
      return 'danger'
    case 'running':
      return 'info'
    case 'cancelled':
      return 'warning'
    default:
      return 'neutral'
  }
}

/** A bulk request's parent task (`bulk.vm.start`…): it has children, one per VM. */
export function isBulkParent(t: Pick<Task, 'kind' | 'parentId'>): boolean {
  return !t.parentId && t.kind.startsWith('bulk.')
}

/** "forceOff" → "force off". */
function words(camel: string): string {
  return camel.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase()
}

/**
 * What a task does, for people: `vm.forceOff` → "Force off", `bulk.vm.shutdown` → "Shutdown
 * (bulk)". Works for kinds added later without a table.
 */
export function taskKindLabel(kind: string): string {
  const parts = kind.split('.')
  const bulk = parts[0] === 'bulk'
  const verb = words(parts[parts.length - 1] ?? kind)
  const text = verb.charAt(0).toUpperCase() + verb.slice(1)
  return bulk ? `${text} (bulk)` : text
}
