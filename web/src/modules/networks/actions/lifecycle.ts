// Start, stop and the autostart switch of one network (`POST …/networks/{name}/actions/{action}`).
import type { Network, NetworkAction } from '@/api/types'
import { networksApi } from '../api'
import { commonChecks, no, yes, type CanRun, type NetworkActionContext } from './types'

type NetworkState = Pick<Network, 'active' | 'autostart'>

/** Pure: the power action a network offers now: Start when inactive, Stop when active. */
export function powerActionOf(n: Pick<Network, 'active'>): 'start' | 'stop' {
  return n.active ? 'stop' : 'start'
}

/** Pure: what the autostart switch sends: on when off, off when on. */
export function autostartActionOf(n: Pick<Network, 'autostart'>): 'autostartOn' | 'autostartOff' {
  return n.autostart ? 'autostartOff' : 'autostartOn'
}

/** Pure: the lifecycle actions a network offers now, in button order. */
export function availableActions(n: NetworkState): NetworkAction[] {
  return [powerActionOf(n), autostartActionOf(n)]
}

/**
 * Whether `action` may run on `n`: not on an already active / inactive network or an autostart
 * already so, not while a request for it runs, not on a host known to be disconnected. The server
 * checks again (409 `action_not_allowed`, `host_not_connected`); this only disables buttons.
 */
export function canRun(action: NetworkAction, n: NetworkState, ctx: NetworkActionContext = {}): CanRun {
  const common = commonChecks(ctx)
  if (!common.ok) return common
  switch (action) {
    case 'start':
      return n.active ? no('Already active') : yes
    case 'stop':
      return n.active ? yes : no('Not active')
    case 'autostartOn':
      return n.autostart ? no('Autostart is already on') : yes
    case 'autostartOff':
      return n.autostart ? yes : no('Autostart is already off')
  }
}

/** Sends the action; resolves with the network as the host now reports it. Throws ApiError. */
export function run(n: Pick<Network, 'hostId' | 'name'>, action: NetworkAction): Promise<Network> {
  return networksApi.action(n.hostId, n.name, action)
}
