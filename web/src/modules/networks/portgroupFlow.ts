// What the portgroup controls of the Networks page do: "Add portgroup" and "Edit" open the one
// portgroup dialog (the server's refusal is shown in it, the input kept), "Remove" opens a
// confirmation that lists the VMs using the portgroup when the server refuses and then offers to
// remove it anyway. Every answer is the network as it is now, shown in its row at once (the list
// also refetches on events); a network or portgroup gone meanwhile refetches the list.
import { computed, reactive } from 'vue'
import type { Host, Network } from '@/api/types'
import { errorMessage, isApiError } from '@/api/client'
import { useToastStore } from '@/stores/toasts'
import { addPortgroup, editPortgroup, removePortgroup, type CanRun } from './actions'
import type { NetworkListPatch } from './actionFlow'
import { groupNetworkUsers, type NetworkUser } from './format'
import type { PortgroupForm } from './spec'

export type PortgroupFlowAction = 'add' | 'edit' | 'remove'

/** The request running for a network's portgroups. */
export interface PortgroupPending {
  action: PortgroupFlowAction
  portgroup: string
}

/** State of the portgroup dialog (add, or edit `portgroup`). */
export interface PortgroupDialogState {
  open: boolean
  /** The network as it was when the dialog opened (the list's copy is used while it has one). */
  network: Network | null
  /** The portgroup edited; `null` when adding one. */
  portgroup: string | null
  /** The server's refusal of the last save, shown in the dialog. */
  error: { code: string; message: string } | null
}

/** State of the remove confirmation. */
export interface PortgroupRemoveState {
  open: boolean
  network: Network | null
  portgroup: string | null
  /** The VMs using the portgroup, once the server refused to remove it (`null` before). */
  users: NetworkUser[] | null
}

const keyOf = (n: Pick<Network, 'hostId' | 'name'>) => `${n.hostId}/${n.name}`
const GONE = new Set(['network_not_found', 'portgroup_not_found', 'host_not_found'])

export interface PortgroupFlowOptions {
  /** The list the page shows: answers replace the network in it. */
  list: Pick<NetworkListPatch, 'upsert' | 'refetch'>
  /** The networks now (to follow a network changed by events while its dialog is open). */
  networks: () => readonly Network[]
  hostOf: (hostId: string) => Pick<Host, 'state'> | null | undefined
  /** Another request (start, stop, delete…) runs for the network. */
  networkBusy?: (n: Network) => boolean
}

export function usePortgroupFlow(opts: PortgroupFlowOptions) {
  const toasts = useToastStore()
  const pending = reactive(new Map<string, PortgroupPending>())
  const dialog = reactive<PortgroupDialogState>({ open: false, network: null, portgroup: null, error: null })
  const removeDialog = reactive<PortgroupRemoveState>({ open: false, network: null, portgroup: null, users: null })

  const current = (n: Network): Network => opts.networks().find((x) => x.hostId === n.hostId && x.name === n.name) ?? n
  const contextOf = (n: Network) => ({
    host: opts.hostOf(n.hostId),
    busy: pending.has(keyOf(n)) || (opts.networkBusy?.(n) ?? false),
  })
  const pendingOf = (n: Network): PortgroupPending | null => pending.get(keyOf(n)) ?? null
  const canAdd = (n: Network): CanRun => addPortgroup.canRun(n, contextOf(n))
  const canEdit = (n: Network): CanRun => editPortgroup.canRun(n, contextOf(n))
  const canRemove = (n: Network): CanRun => removePortgroup.canRun(n, contextOf(n))

  /** The network of the open dialog, as the list has it now. */
  const dialogNetwork = computed(() => (dialog.network ? current(dialog.network) : null))
  const dialogBusy = computed(() => (dialog.network ? pending.has(keyOf(dialog.network)) : false))

  function gone(e: unknown) {
    if (isApiError(e) && GONE.has(e.code)) void opts.list.refetch()
  }

  function askAdd(n: Network) {
    if (!canAdd(n).ok) return
    Object.assign(dialog, { open: true, network: n, portgroup: null, error: null })
  }

  function askEdit(n: Network, portgroup: string) {
    if (!canEdit(n).ok) return
    Object.assign(dialog, { open: true, network: n, portgroup, error: null })
  }

  function closeDialog() {
    if (dialogBusy.value) return
    Object.assign(dialog, { open: false, network: null, portgroup: null, error: null })
  }

  /** Whether the dialog's form can be sent now (the host, a running request, every rule). */
  function canSave(form: PortgroupForm): CanRun {
    const n = dialogNetwork.value
    if (!n) return { ok: false, reason: 'No network' }
    const ctx = contextOf(n)
    return dialog.portgroup === null ? addPortgroup.canSubmit(form, n, ctx) : editPortgroup.canSubmit(form, dialog.portgroup, n, ctx)
  }

  /** The dialog's save: adds or replaces the portgroup; a refusal stays in the dialog. */
  async function save(form: PortgroupForm): Promise<void> {
    const n = dialogNetwork.value
    if (!n || !canSave(form).ok) return
    const editing = dialog.portgroup
    const name = editing ?? form.name.trim()
    const k = keyOf(n)
    pending.set(k, { action: editing === null ? 'add' : 'edit', portgroup: name })
    dialog.error = null
    try {
      const net = editing === null ? await addPortgroup.run(n, form) : await editPortgroup.run(n, editing, form)
      opts.list.upsert(net)
      pending.delete(k)
      closeDialog()
      toasts.success(editing === null ? 'Portgroup added' : 'Portgroup changed', `${name} on ${net.name}`)
    } catch (e) {
      dialog.error = isApiError(e) ? { code: e.code, message: e.message } : { code: 'error', message: errorMessage(e) }
      gone(e)
    } finally {
      pending.delete(k)
    }
  }

  /** Forget the last refusal (the input changed). */
  function clearError() {
    dialog.error = null
  }

  function askRemove(n: Network, portgroup: string) {
    if (!canRemove(n).ok) return
    Object.assign(removeDialog, { open: true, network: n, portgroup, users: null })
  }

  function resetRemove() {
    Object.assign(removeDialog, { open: false, network: null, portgroup: null, users: null })
  }

  const removing = computed(() => (removeDialog.network ? pendingOf(removeDialog.network)?.action === 'remove' : false))

  function closeRemove() {
    if (removing.value) return
    resetRemove()
  }

  /**
   * The confirmation's button: removes without force first; when VM NICs use the portgroup the
   * server refuses with their VMs, which the dialog then lists, and confirming again forces it.
   */
  async function confirmRemove(): Promise<void> {
    const n = removeDialog.network
    const pg = removeDialog.portgroup
    if (!n || pg === null) return
    const k = keyOf(n)
    if (pending.has(k)) return
    const force = removeDialog.users !== null
    pending.set(k, { action: 'remove', portgroup: pg })
    try {
      const net = await removePortgroup.run(n, pg, force)
      opts.list.upsert(net)
      resetRemove()
      toasts.success('Portgroup removed', `${pg} from ${n.name} on ${n.hostName}`)
    } catch (e) {
      const users = force ? null : removePortgroup.usersOfRefusal(e)
      if (users) {
        removeDialog.users = groupNetworkUsers(users)
      } else {
        resetRemove()
        toasts.error(`Could not remove portgroup ${pg}`, errorMessage(e))
        gone(e)
      }
    } finally {
      pending.delete(k)
    }
  }

  return {
    canAdd,
    canEdit,
    canRemove,
    pendingOf,
    dialog,
    dialogNetwork,
    dialogBusy,
    askAdd,
    askEdit,
    closeDialog,
    canSave,
    save,
    clearError,
    removeDialog,
    removing,
    askRemove,
    closeRemove,
    confirmRemove,
  }
}

export type PortgroupFlow = ReturnType<typeof usePortgroupFlow>
