import { EventStream, eventsUrl } from '@/api/events'
import type { Topic } from '@/api/types'
import { useEventConnectionStore } from '@/stores/eventConnection'

/** Topics the app subscribes to: host lifecycle, VM/network/pool inventory changes and tasks. */
export const EVENT_TOPICS: readonly Topic[] = ['hosts', 'inventory', 'tasks']

/**
 * The topics while live usage is wanted (`stats` makes the server sample every second, so it is
 * added only while a page shows live numbers; see the stats store).
 */
export const EVENT_TOPICS_WITH_STATS: readonly Topic[] = [...EVENT_TOPICS, 'stats']

/** URL of the app's event WebSocket (all topics the UI needs). */
export function appEventsUrl(loc: Pick<Location, 'protocol' | 'host'> = window.location): string {
  return eventsUrl([...EVENT_TOPICS], loc)
}

let stream: EventStream | null = null

/** The app-wide event stream (one WebSocket for all topics). */
export function getEventStream(): EventStream {
  if (!stream) stream = new EventStream({ url: (topics) => eventsUrl([...topics]), topics: EVENT_TOPICS })
  return stream
}

/** Starts the stream and mirrors its status into the eventConnection store. Call once (App). */
export function startEventStream(): EventStream {
  const s = getEventStream()
  const store = useEventConnectionStore()
  s.onStatus((status) => store.update(status, { attempts: s.attempts, nextRetryAt: s.nextRetryAt }))
  s.start()
  store.update(s.status, { attempts: s.attempts, nextRetryAt: s.nextRetryAt })
  return s
}
