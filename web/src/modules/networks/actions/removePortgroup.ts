// Removing a portgroup of a network (`DELETE …/portgroups/{portgroup}`): refused while VM NICs use
// it (by name, or as the default) unless forced.
import { isApiError } from '@/api/client'
import type { Network } from '@/api/types'
import { networksApi } from '../api'
import { commonChecks, type CanRun, type NetworkActionContext } from './types'

export function canRun(_n: Pick<Network, 'name'>, ctx: NetworkActionContext = {}): CanRun {
  return commonChecks(ctx)
}

/** Removes the portgroup (the caller confirms first); `force` also when VM NICs use it. Throws ApiError. */
export function run(n: Pick<Network, 'hostId' | 'name'>, portgroup: string, force = false): Promise<Network> {
  return networksApi.removePortgroup(n.hostId, n.name, portgroup, force)
}

/**
 * Pure: when `e` is the 409 `portgroup_in_use` refusal, the VMs using the portgroup
 * (`details.users`; empty if the server sent none); otherwise `null`.
 */
export function usersOfRefusal(e: unknown): string[] | null {
  if (!isApiError(e) || e.code !== 'portgroup_in_use') return null
  const users = e.details?.users
  return Array.isArray(users) ? users.filter((u): u is string => typeof u === 'string') : []
}
