// Deleting a network (`DELETE …/networks/{name}`): refused while VM NICs use it unless forced.
import { isApiError } from '@/api/client'
import type { Network } from '@/api/types'
import { networksApi } from '../api'
import { commonChecks, type CanRun, type NetworkActionContext } from './types'

export function canRun(_n: Pick<Network, 'name'>, ctx: NetworkActionContext = {}): CanRun {
  return commonChecks(ctx)
}

/** Deletes the network (the caller confirms first); `force` also when VM NICs use it. Throws ApiError. */
export async function run(n: Pick<Network, 'hostId' | 'name'>, force = false): Promise<void> {
  await networksApi.remove(n.hostId, n.name, force)
}

/**
 * Pure: when `e` is the 409 `network_in_use` refusal, the VMs using the network (`details.users`,
 * a VM name per NIC; empty if the server sent none); otherwise `null`.
 */
export function usersOfRefusal(e: unknown): string[] | null {
  if (!isApiError(e) || e.code !== 'network_in_use') return null
  const users = e.details?.users
  return Array.isArray(users) ? users.filter((u): u is string => typeof u === 'string') : []
}
