// What every NIC action needs: a managed VM that still exists, on a connected host, with no
// request for the same NIC running; and, for an existing NIC, its MAC (the server names it so).
import type { Host, NicInventory, Vm } from '@/api/types'
import { no, yes, type CanRun } from './types'

export type NicVm = Pick<Vm, 'managed' | 'goneAt'>

/** What decides whether a NIC action can run, besides the VM and the NIC. */
export interface NicContext {
  /** The VM's host (unknown while the host list loads). */
  host: Pick<Host, 'state'> | null | undefined
  /** A request of this action (or on this NIC) is running. */
  busy?: boolean
}

/** The checks every NIC action shares. */
export function nicVmCheck(vm: NicVm, ctx: NicContext): CanRun {
  if (!vm.managed) return no('Import the VM first')
  if (vm.goneAt) return no('The VM no longer exists on its host')
  if (!ctx.host) return no('Unknown host')
  if (ctx.host.state !== 'connected') return no('Host is not connected')
  if (ctx.busy) return no('A request for this NIC is running')
  return yes
}

/** The shared checks, then a NIC that has a MAC. */
export function existingNicCheck(vm: NicVm, nic: Pick<NicInventory, 'mac'>, ctx: NicContext): CanRun {
  const c = nicVmCheck(vm, ctx)
  if (!c.ok) return c
  return nic.mac ? yes : no('This NIC has no MAC address to name it by')
}
