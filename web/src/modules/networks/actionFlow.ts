// What the network controls of the Networks page do when clicked: decide whether the action is
// possible, ask first where it must (stopping cuts the link of the VM NICs on the network;
// deleting names the network and its host, and lists the VMs using it when the server refuses),
// send it, show the answer in the row at once (the list also refetches on events) and report
// refusals (409/404 messages) as error toasts.
import { reactive } from 'vue'
import type { Network, NetworkAction } from '@/api/types'
import { errorMessage, isApiError } from '@/api/client'
import { useConfirm } from '@/composables/useConfirm'
import { useToastStore } from '@/stores/toasts'
import { networkLifecycle, removeNetwork, type CanRun } from './actions'
import { groupNetworkUsers, stopConfirmMessage, type NetworkUser } from './format'

/** What the flow changes in the list it shows (`useNetworkList()`). */
export interface NetworkListPatch {
  upsert(n: Network): void
  remove(hostId: string, name: string): void
  refetch(): Promise<void>
}

/** State of the one delete dialog the view renders (`NetworkDeleteModal`). */
export interface DeleteDialogState {
  open: boolean
  network: Network | null
  /** The VMs using the network, once the server refused to delete it (`null` before). */
  users: NetworkUser[] | null
}

export type NetworkFlowAction = NetworkAction | 'delete'

/** Error toast titles, by action. */
const FAILED: Record<NetworkFlowAction, (name: string) => string> = {
  start: (name) => `Could not start ${name}`,
  stop: (name) => `Could not stop ${name}`,
  autostartOn: (name) => `Could not turn on autostart of ${name}`,
  autostartOff: (name) => `Could not turn off autostart of ${name}`,
  delete: (name) => `Could not delete ${name}`,
}

const keyOf = (n: Pick<Network, 'hostId' | 'name'>) => `${n.hostId}/${n.name}`

export function useNetworkFlow(list: NetworkListPatch, hostOf: (hostId: string) => { state: string } | null | undefined) {
  const toasts = useToastStore()
  const { confirm } = useConfirm()
  /** The request running for each network (by host and name). */
  const pending = reactive(new Map<string, NetworkFlowAction>())
  const deleteDialog = reactive<DeleteDialogState>({ open: false, network: null, users: null })

  const pendingOf = (n: Network): NetworkFlowAction | null => pending.get(keyOf(n)) ?? null
  const contextOf = (n: Network) => ({ host: hostOf(n.hostId), busy: pending.has(keyOf(n)) })
  const can = (action: NetworkAction, n: Network): CanRun => networkLifecycle.canRun(action, n, contextOf(n))
  const canDelete = (n: Network): CanRun => removeNetwork.canRun(n, contextOf(n))

  function report(action: NetworkFlowAction, n: Network, e: unknown) {
    toasts.error(FAILED[action](n.name), errorMessage(e))
    // Gone meanwhile: show the list as it is now.
    if (isApiError(e) && (e.code === 'network_not_found' || e.code === 'host_not_found')) void list.refetch()
  }

  /** Runs a lifecycle action on one network; stopping asks first. */
  async function run(n: Network, action: NetworkAction): Promise<void> {
    if (!can(action, n).ok) return
    if (action === 'stop') {
      const ok = await confirm({
        title: `Stop ${n.name}`,
        message: stopConfirmMessage(n),
        confirmLabel: 'Stop',
        danger: n.usedBy > 0,
      })
      if (!ok) return
    }
    const k = keyOf(n)
    if (pending.has(k)) return
    pending.set(k, action)
    try {
      list.upsert(await networkLifecycle.run(n, action))
    } catch (e) {
      report(action, n, e)
    } finally {
      pending.delete(k)
    }
  }

  /** Opens the delete dialog for one network. */
  function askDelete(n: Network) {
    if (!canDelete(n).ok) return
    Object.assign(deleteDialog, { open: true, network: n, users: null })
  }

  function resetDialog() {
    Object.assign(deleteDialog, { open: false, network: null, users: null })
  }

  /** Closes the delete dialog (not while its request runs). */
  function closeDelete() {
    const n = deleteDialog.network
    if (n && pending.has(keyOf(n))) return
    resetDialog()
  }

  /**
   * The dialog's confirm: deletes without force first; when VM NICs use the network the server
   * refuses with their VMs, which the dialog then lists, and confirming again forces the delete.
   */
  async function confirmDelete(): Promise<void> {
    const n = deleteDialog.network
    if (!n) return
    const k = keyOf(n)
    if (pending.has(k)) return
    const force = deleteDialog.users !== null
    pending.set(k, 'delete')
    try {
      await removeNetwork.run(n, force)
      list.remove(n.hostId, n.name)
      resetDialog()
      toasts.success('Network deleted', `${n.name} on ${n.hostName}`)
    } catch (e) {
      const users = force ? null : removeNetwork.usersOfRefusal(e)
      if (users) {
        deleteDialog.users = groupNetworkUsers(users)
      } else {
        resetDialog()
        report('delete', n, e)
      }
    } finally {
      pending.delete(k)
    }
  }

  return { can, canDelete, pendingOf, run, askDelete, closeDelete, confirmDelete, deleteDialog }
}

export type NetworkFlow = ReturnType<typeof useNetworkFlow>
