// Changing a portgroup of a network (`PUT …/portgroups/{portgroup}`): its VLANs and whether it is
// the default; its name stays.
import type { Network } from '@/api/types'
import { networksApi } from '../api'
import { buildPortgroupSpec, firstError, validatePortgroupForm, type PortgroupForm } from '../spec'
import { commonChecks, no, yes, type CanRun, type NetworkActionContext } from './types'

/** Whether "Edit" is offered on a portgroup of the network. */
export function canRun(_n: Pick<Network, 'name'>, ctx: NetworkActionContext = {}): CanRun {
  return commonChecks(ctx)
}

/** Whether the dialog's form can be sent for portgroup `portgroup`: the button's checks, then every rule. */
export function canSubmit(
  form: PortgroupForm,
  portgroup: string,
  n: Pick<Network, 'name' | 'virtualportType' | 'portgroups'>,
  ctx: NetworkActionContext = {},
): CanRun {
  const common = canRun(n, ctx)
  if (!common.ok) return common
  const message = firstError(validatePortgroupForm(form, n, portgroup))
  return message === null ? yes : no(message)
}

/** Sends the portgroup's new settings under its own name; resolves with the network now. Throws ApiError. */
export function run(n: Pick<Network, 'hostId' | 'name'>, portgroup: string, form: PortgroupForm): Promise<Network> {
  return networksApi.replacePortgroup(n.hostId, n.name, { ...buildPortgroupSpec(form), name: portgroup })
}
