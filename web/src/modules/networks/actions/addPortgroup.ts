// Adding a portgroup to an existing network (`POST …/networks/{name}/portgroups`) from the
// portgroup dialog.
import type { Network } from '@/api/types'
import { networksApi } from '../api'
import { buildPortgroupSpec, firstError, validatePortgroupForm, type PortgroupForm } from '../spec'
import { commonChecks, yes, no, type CanRun, type NetworkActionContext } from './types'

/** Whether "Add portgroup" is offered on the network: not while a request for it runs, not on a disconnected host. */
export function canRun(_n: Pick<Network, 'name'>, ctx: NetworkActionContext = {}): CanRun {
  return commonChecks(ctx)
}

/** Whether the dialog's form can be sent: the button's checks, then every rule of the portgroup. */
export function canSubmit(form: PortgroupForm, n: Pick<Network, 'name' | 'virtualportType' | 'portgroups'>, ctx: NetworkActionContext = {}): CanRun {
  const common = canRun(n, ctx)
  if (!common.ok) return common
  const message = firstError(validatePortgroupForm(form, n, null))
  return message === null ? yes : no(message)
}

/** Sends the portgroup; resolves with the network now. Throws ApiError. */
export function run(n: Pick<Network, 'hostId' | 'name'>, form: PortgroupForm): Promise<Network> {
  return networksApi.addPortgroup(n.hostId, n.name, buildPortgroupSpec(form))
}
