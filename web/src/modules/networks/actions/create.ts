// Creating a network on a host (`POST /api/v1/hosts/{id}/networks`) from the "New network" form.
import type { Network, NetworkSpec } from '@/api/types'
import { networksApi } from '../api'
import type { NetworkKindChoice } from '../pluginKind'
import { firstError, validateNetworkForm, type NetworkForm } from '../spec'
import { no, yes, type CanRun } from './types'

/**
 * Whether the form can be sent: not while it is being sent, and only when every rule holds
 * (`kinds`: the network kinds plugins add, for a form of kind `plugin`).
 */
export function canRun(form: NetworkForm, ctx: { busy?: boolean; kinds?: readonly NetworkKindChoice[] } = {}): CanRun {
  if (ctx.busy) return no('The network is being created')
  const message = firstError(validateNetworkForm(form, ctx.kinds ?? []))
  return message === null ? yes : no(message)
}

/** Sends the body; resolves with the network as the host reports it. Throws ApiError. */
export function run(hostId: string, spec: NetworkSpec): Promise<Network> {
  return networksApi.create(hostId, spec)
}
