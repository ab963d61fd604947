// Server state for tasks: the paged, filtered history (`GET /api/v1/tasks`) for the Tasks page
// and the children of a bulk task, both kept live by `taskUpdated` events; and the binding of
// the event stream to the app-wide task store (the drawer). Nothing polls.
import { computed, getCurrentScope, onScopeDispose, reactive, ref } from 'vue'
import type { EventStream } from '@/api/events'
import type { Task, TaskListQuery, TaskState } from '@/api/types'
import { errorMessage } from '@/api/client'
import { getEventStream } from '@/composables/useEventStream'
import { debounce } from '@/lib/debounce'
import { isNewerTask, sortTasks, useTaskStore } from '@/stores/tasks'
import { tasksApi, type TasksApi } from './api'

/** What a query needs from the event stream (an `EventStream`, or a fake in tests). */
export type TaskEventSource = Pick<EventStream, 'on' | 'onOpen'>

export const TASK_STATES: readonly TaskState[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled']
export const TASK_PER_PAGE_OPTIONS = [25, 50, 100, 200] as const
export const TASK_DEBOUNCE_MS = 300

export interface TaskListFilter {
  state: TaskState | null
  /** Tasks acting on this VM (bulk children included). */
  vmId: string | null
  /** Only the children of this bulk task. */
  parentId: string | null
  page: number
  perPage: number
}

export function defaultTaskFilter(over: Partial<TaskListFilter> = {}): TaskListFilter {
  return { state: null, vmId: null, parentId: null, page: 1, perPage: 50, ...over }
}

/**
 * The query string of a filter. Without a VM or parent the server lists top-level tasks (a bulk
 * parent stands for its children); with a VM it includes the VM's bulk children, as they are
 * that VM's history too.
 */
export function toTaskQuery(f: TaskListFilter): TaskListQuery {
  const q: TaskListQuery = { page: f.page, perPage: f.perPage }
  if (f.state) q.state = f.state
  if (f.parentId) q.parentId = f.parentId
  if (f.vmId) {
    q.vmId = f.vmId
    q.includeChildren = true
  }
  return q
}

/** Whether a task belongs in a list with these filters (paging aside). */
export function taskMatches(t: Task, f: Pick<TaskListFilter, 'state' | 'vmId' | 'parentId'>): boolean {
  if (f.parentId && t.parentId !== f.parentId) return false
  if (f.vmId && t.vmId !== f.vmId) return false
  if (!f.parentId && !f.vmId && t.parentId) return false
  return !f.state || t.state === f.state
}

export interface TaskListState {
  items: Task[]
  total: number
  loaded: boolean
  loading: boolean
  error: string | null
}

export interface TaskListQueryOptions {
  api?: Pick<TasksApi, 'list'>
  /** Event stream to follow; `null` for none. */
  stream?: TaskEventSource | null
  debounceMs?: number
  filter?: Partial<TaskListFilter>
}

export function createTaskListQuery(opts: TaskListQueryOptions = {}) {
  const source = opts.api ?? tasksApi
  const filter = reactive(defaultTaskFilter(opts.filter)) as TaskListFilter
  const state = reactive<TaskListState>({ items: [], total: 0, loaded: false, loading: false, error: null })
  let seq = 0
  // Tasks that arrived while a request was in flight: re-applied to its (possibly older) answer.
  let arrived: Task[] | null = null

  function mergeInto(items: Task[], t: Task): Task[] {
    const i = items.findIndex((x) => x.id === t.id)
    if (i === -1 || !isNewerTask(t, items[i]!)) return items
    const next = [...items]
    next[i] = t
    return next
  }

  async function refetch(): Promise<void> {
    const mine = ++seq
    arrived = []
    state.loading = true
    try {
      const res = await source.list(toTaskQuery(filter))
      if (mine !== seq) return
      if (res.items.length === 0 && res.total > 0 && filter.page > 1) {
        filter.page = Math.max(1, Math.ceil(res.total / filter.perPage))
        await refetch()
        return
      }
      let items = res.items
      for (const t of arrived ?? []) items = mergeInto(items, t)
      state.items = items
      state.total = res.total
      state.loaded = true
      state.error = null
    } catch (e) {
      if (mine === seq) state.error = errorMessage(e)
    } finally {
      if (mine === seq) {
        state.loading = false
        arrived = null
      }
    }
  }

  const later = debounce(() => void refetch(), opts.debounceMs ?? TASK_DEBOUNCE_MS)

  /**
   * Feeds one task event: a shown task is updated in place (never to an older copy); a new
   * task that belongs on the first page, or a shown one that left the state filter, refetches.
   */
  function handleTask(t: Task) {
    arrived?.push(t)
    const held = state.items.find((x) => x.id === t.id)
    if (held) {
      if (!isNewerTask(t, held)) return
      state.items = mergeInto(state.items, t)
      if (!taskMatches(t, filter)) later.trigger()
      return
    }
    if (filter.page === 1 && taskMatches(t, filter)) later.trigger()
  }

  const offs: (() => void)[] = []
  if (opts.stream) {
    offs.push(
      opts.stream.on('taskUpdated', (ev) => handleTask(ev.task)),
      opts.stream.onOpen(() => void refetch()),
    )
  }

  return {
    filter,
    state,
    refetch,
    handleTask,
    /** Changes the filter and refetches; any change other than `page` goes back to page 1. */
    setFilter(patch: Partial<TaskListFilter>) {
      Object.assign(filter, patch)
      if (!('page' in patch)) filter.page = 1
      return refetch()
    },
    dispose() {
      later.cancel()
      offs.forEach((off) => off())
    },
  }
}

export type TaskListQueryCore = ReturnType<typeof createTaskListQuery>

function useQuery(q: TaskListQueryCore) {
  void q.refetch()
  if (getCurrentScope()) onScopeDispose(q.dispose)
  return {
    filter: q.filter,
    items: computed(() => q.state.items),
    total: computed(() => q.state.total),
    loaded: computed(() => q.state.loaded),
    loading: computed(() => q.state.loading),
    error: computed(() => q.state.error),
    setFilter: q.setFilter,
    refetch: q.refetch,
  }
}

/** A live page of the task history; disposed with the component. */
export function useTaskList(initial: Partial<TaskListFilter> = {}) {
  return useQuery(createTaskListQuery({ stream: getEventStream(), filter: initial }))
}

/** The children of one bulk task (one per VM), live and paged. */
export function useTaskChildren(parentId: string) {
  return useQuery(createTaskListQuery({ stream: getEventStream(), filter: { parentId, perPage: 100 } }))
}

// ---- the app-wide task store ------------------------------------------------------------------

/** What the binding needs from the task store. */
export interface TaskSink {
  upsert(task: Task): void
  readonly unfinishedMine: readonly Task[]
}

/**
 * Feeds `taskUpdated` events into the task store. After every reconnect the unfinished tasks
 * started here are read again, as their last events may have been missed. Returns the unbinder.
 */
export function bindTaskStore(store: TaskSink, stream: TaskEventSource, source: Pick<TasksApi, 'get'> = tasksApi): () => void {
  const offs = [
    stream.on('taskUpdated', (ev) => store.upsert(ev.task)),
    stream.onOpen(() => {
      for (const t of [...store.unfinishedMine]) {
        source.get(t.id).then(
          (fresh) => store.upsert(fresh),
          () => {
            /* gone or unreachable: the next event or reconnect tells */
          },
        )
      }
    }),
  ]
  return () => offs.forEach((off) => off())
}

// ---- recent tasks (dashboard) ---------------------------------------------------------------

/**
 * Pure: the `n` newest top-level tasks from a fetched page and the live ones of the task store
 * (events since the page was read). The newest copy of each task wins; newest created first.
 */
export function recentTasks(fetched: readonly Task[], live: readonly Task[], n: number): Task[] {
  const byId = new Map<string, Task>()
  for (const t of [...fetched, ...live]) {
    if (t.parentId) continue
    const held = byId.get(t.id)
    if (!held || isNewerTask(t, held)) byId.set(t.id, t)
  }
  return sortTasks([...byId.values()]).slice(0, n)
}

/**
 * The newest top-level tasks: one page read on mount and after every reconnect, then kept live
 * from the task store (which every `taskUpdated` event reaches).
 */
export function useRecentTasks(n = 10, source: Pick<TasksApi, 'list'> = tasksApi, stream: TaskEventSource = getEventStream()) {
  const store = useTaskStore()
  const fetched = ref<Task[]>([])
  const loaded = ref(false)
  const error = ref<string | null>(null)
  let seq = 0
  async function refetch() {
    const mine = ++seq
    try {
      const res = await source.list({ perPage: n })
      if (mine !== seq) return
      fetched.value = res.items
      loaded.value = true
      error.value = null
    } catch (e) {
      if (mine === seq) error.value = errorMessage(e)
    }
  }
  void refetch()
  const off = stream.onOpen(() => void refetch())
  if (getCurrentScope()) onScopeDispose(off)
  return {
    items: computed(() => recentTasks(fetched.value, store.tasks, n)),
    loaded: computed(() => loaded.value),
    error: computed(() => error.value),
    refetch,
  }
}
