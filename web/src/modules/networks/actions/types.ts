/** Result of an action's `canRun`: when `ok` is false, `reason` explains why (used as a tooltip). */
export type CanRun = { ok: true } | { ok: false; reason: string }

export const yes: CanRun = { ok: true }
export const no = (reason: string): CanRun => ({ ok: false, reason })

/** What decides whether an action can run on a network, besides the network itself. */
export interface NetworkActionContext {
  /** The network's host, when known (the host list may still be loading: then the server decides). */
  host?: { state: string } | null
  /** A request for this network is running. */
  busy?: boolean
}

/** Shared checks: a request already running, a host known not to be connected. */
export function commonChecks(ctx: NetworkActionContext): CanRun {
  if (ctx.busy) return no('A request for this network is running')
  if (ctx.host && ctx.host.state !== 'connected') return no('Host is not connected')
  return yes
}
