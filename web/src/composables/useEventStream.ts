import { EventStream, eventsUrl } from '@/api/events'
import { useEventConnectionStore } from '@/stores/eventConnection'

let stream: EventStream | null = null

/** The app-wide event stream (one WebSocket for all topics). */
export function getEventStream(): EventStream {
  if (!stream) stream = new EventStream({ url: eventsUrl(['hosts']) })
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
