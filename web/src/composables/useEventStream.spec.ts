import { describe, expect, it } from 'vitest'
import { appEventsUrl, EVENT_TOPICS, EVENT_TOPICS_WITH_STATS } from './useEventStream'

describe('app event stream', () => {
  it('subscribes to hosts, inventory and tasks', () => {
    expect(EVENT_TOPICS).toEqual(['hosts', 'inventory', 'tasks'])
    expect(appEventsUrl({ protocol: 'http:', host: 'localhost:8080' })).toBe(
      'ws://localhost:8080/api/v1/events?topics=hosts%2Cinventory%2Ctasks',
    )
  })
  it('adds `stats` only for live usage', () => {
    expect(EVENT_TOPICS_WITH_STATS).toEqual(['hosts', 'inventory', 'tasks', 'stats'])
  })
})
