// Test fixtures for tasks (imported by *.spec.ts only).
import type { Task, TaskList } from '@/api/types'

let n = 0
export function makeTask(over: Partial<Task> = {}): Task {
  n++
  return {
    id: `20000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    kind: 'vm.pause',
    vmId: '10000000-0000-4000-8000-000000000001',
    hostId: 'host-a',
    targetName: 'test',
    parentId: null,
    requestedBy: 'web (127.0.0.1)',
    state: 'queued',
    progress: 0,
    message: null,
    error: null,
    createdAt: '2026-01-01T00:00:00.000001Z',
    startedAt: null,
    finishedAt: null,
    ...over,
  }
}

export const taskPage = (items: Task[], total = items.length, page = 1, perPage = 50): TaskList => ({ items, total, page, perPage })
