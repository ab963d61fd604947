import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Task, TaskState } from '@/api/types'
import { timestampMicros } from '@/lib/time'

// Recent tasks as `taskUpdated` events and our own action responses report them, and which of
// them were started from this browser (shown in the task drawer). The Tasks page lists the
// server's history itself; this store only holds what arrived while the page is open.

/** How long a succeeded (or cancelled) task of ours stays in the drawer. */
export const AUTO_HIDE_MS = 5_000
/** Tasks held at most; the oldest finished ones that are not in the drawer go first. */
export const MAX_RECENT = 500

const TERMINAL: readonly TaskState[] = ['succeeded', 'failed', 'cancelled']

export function isTerminal(state: TaskState): boolean {
  return TERMINAL.includes(state)
}

/** Where a state lies in a task's life: queued → running → ended (no way back). */
function stateRank(state: TaskState): number {
  if (state === 'queued') return 0
  if (state === 'running') return 1
  return 2
}

/** Epoch microseconds of a timestamp, 0 when absent. */
function micros(iso: string | null | undefined): number {
  return iso ? timestampMicros(iso) || 0 : 0
}

/** The latest moment a copy of a task records (finished, else started, else created). */
function stamp(t: Task): number {
  return Math.max(micros(t.createdAt), micros(t.startedAt), micros(t.finishedAt))
}

/**
 * Pure: which of two copies of one task is newer. A task has no `updatedAt`; it only moves
 * forward (queued → running → ended, progress up), so its state, then its progress, then its
 * latest timestamp order the copies. On a tie the incoming copy wins (it was sent later).
 * This keeps an HTTP answer that arrives after the WebSocket already said "succeeded" from
 * turning the task back to "queued".
 */
export function isNewerTask(incoming: Task, held: Task): boolean {
  const rank = stateRank(incoming.state) - stateRank(held.state)
  if (rank !== 0) return rank > 0
  if (incoming.progress !== held.progress) return incoming.progress > held.progress
  return stamp(incoming) >= stamp(held)
}

/** Pure: the task list after merging one copy in by id (newest copy wins), newest created first. */
export function mergeTask(tasks: readonly Task[], task: Task): Task[] {
  const i = tasks.findIndex((t) => t.id === task.id)
  if (i === -1) return sortTasks([...tasks, task])
  const held = tasks[i]!
  if (!isNewerTask(task, held)) return [...tasks]
  const next = [...tasks]
  next[i] = task
  return next
}

/** Newest created first (ids break ties so the order is stable). */
export function sortTasks(tasks: readonly Task[]): Task[] {
  return [...tasks].sort((a, b) => micros(b.createdAt) - micros(a.createdAt) || (a.id < b.id ? -1 : 1))
}

export type DrawerRule = 'show' | 'autoHide' | 'keep'

/**
 * Pure: how the drawer treats a task of ours. Queued and running ones show; succeeded and
 * cancelled ones hide by themselves after `AUTO_HIDE_MS`; failed ones stay until dismissed.
 */
export function drawerRule(task: Pick<Task, 'state'>): DrawerRule {
  if (task.state === 'failed') return 'keep'
  if (task.state === 'succeeded' || task.state === 'cancelled') return 'autoHide'
  return 'show'
}

/** What the drawer knows about a task started here beyond the task itself. */
export interface TrackedTask {
  /** Number of VMs of a bulk request (its children), for the progress bar. */
  children?: number
}

export const useTaskStore = defineStore('tasks', () => {
  const tasks = ref<Task[]>([])
  /** Tasks started from this browser (top-level: a bulk parent stands for its children). */
  const mine = ref(new Map<string, TrackedTask>())
  /** Tasks of ours removed from the drawer (dismissed, or hidden after succeeding). */
  const hidden = ref(new Set<string>())
  const timers = new Map<string, ReturnType<typeof setTimeout>>()

  function hide(id: string) {
    const t = timers.get(id)
    if (t !== undefined) clearTimeout(t)
    timers.delete(id)
    hidden.value = new Set(hidden.value).add(id)
  }

  /** Starts the auto-hide timer of a task of ours once it succeeded. */
  function schedule(task: Task) {
    if (!mine.value.has(task.id) || hidden.value.has(task.id) || timers.has(task.id)) return
    if (drawerRule(task) !== 'autoHide') return
    timers.set(
      task.id,
      setTimeout(() => hide(task.id), AUTO_HIDE_MS),
    )
  }

  function trim() {
    if (tasks.value.length <= MAX_RECENT) return
    const drop = new Set<string>()
    let excess = tasks.value.length - MAX_RECENT
    for (let i = tasks.value.length - 1; i >= 0 && excess > 0; i--) {
      const t = tasks.value[i]!
      if (isTerminal(t.state) && (!mine.value.has(t.id) || hidden.value.has(t.id))) {
        drop.add(t.id)
        excess--
      }
    }
    tasks.value = tasks.value.filter((t) => !drop.has(t.id))
  }

  /** Merges one copy of a task (from an event or a response). */
  function upsert(task: Task) {
    tasks.value = mergeTask(tasks.value, task)
    const held = tasks.value.find((t) => t.id === task.id)
    if (held) schedule(held)
    trim()
  }

  /** Records a task this browser started and merges it. */
  function track(task: Task, info: TrackedTask = {}) {
    mine.value = new Map(mine.value).set(task.id, info)
    upsert(task)
  }

  function dismiss(id: string) {
    hide(id)
  }

  /** Tasks of ours the drawer shows, newest first. */
  const drawer = computed(() => tasks.value.filter((t) => mine.value.has(t.id) && !hidden.value.has(t.id)))

  /** The unfinished task acting on a VM, if the store knows one (the server runs one per VM). */
  function activeFor(vmId: string): Task | null {
    return tasks.value.find((t) => t.vmId === vmId && !isTerminal(t.state)) ?? null
  }

  /** Unfinished tasks of ours (refetched after a reconnect, as their events may be lost). */
  const unfinishedMine = computed(() => tasks.value.filter((t) => mine.value.has(t.id) && !isTerminal(t.state)))

  function get(id: string): Task | null {
    return tasks.value.find((t) => t.id === id) ?? null
  }

  function trackedInfo(id: string): TrackedTask | null {
    return mine.value.get(id) ?? null
  }

  return { tasks, drawer, unfinishedMine, upsert, track, dismiss, activeFor, get, trackedInfo }
})
