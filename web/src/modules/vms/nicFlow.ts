// What the NIC controls of the VM page do when clicked: decide whether the action is possible
// (managed VM, connected host, no request for the NIC running), open the Add / Change dialogs,
// ask before removing, send the quick actions (link switch, remove) and report their refusals
// (409/404/422 messages) as error toasts. Tasks then show in the task drawer; the NIC list
// follows from the VM's `inventoryChanged` events once the host has done it.
import { reactive } from 'vue'
import type { Host, Network, NicInventory, NicKindInfo, Vm } from '@/api/types'
import { errorMessage } from '@/api/client'
import { useConfirm } from '@/composables/useConfirm'
import { useToastStore } from '@/stores/toasts'
import { attachNic, detachNic, nicLink, updateNic, type CanRun } from './actions'
import { detachNicMessage } from './format'

export type NicHost = Pick<Host, 'state'>

/** The networks of the VM's host, as the page's query holds them (the dialogs offer them). */
export interface NicNetworks {
  items: readonly Network[]
  loading: boolean
  error: string | null
}

/** The NIC kinds enabled plugins add, as the NIC section's query holds them (the Add dialog offers them). */
export interface NicKinds {
  items: readonly NicKindInfo[]
  loading: boolean
  error: string | null
}
export type NicFlowAction = 'link' | 'detach'

/** The dialogs the NIC section renders: at most one open. */
export interface NicDialogs {
  add: boolean
  /** The NIC being changed (its MAC), or null. */
  change: string | null
}

export function useNicFlow(vm: () => Vm, host: () => NicHost | null | undefined) {
  const toasts = useToastStore()
  const { confirm } = useConfirm()
  /** The quick request running for each NIC (by MAC). */
  const pending = reactive(new Map<string, NicFlowAction>())
  const dialogs = reactive<NicDialogs>({ add: false, change: null })

  const ctx = (nic?: NicInventory) => ({ host: host(), busy: nic?.mac ? pending.has(nic.mac) : false })
  const canAdd = (): CanRun => attachNic.canRun(vm(), ctx())
  const canChange = (nic: NicInventory): CanRun => updateNic.canRun(vm(), nic, ctx(nic))
  const canLink = (nic: NicInventory): CanRun => nicLink.canRun(vm(), nic, ctx(nic))
  const canDetach = (nic: NicInventory): CanRun => detachNic.canRun(vm(), nic, ctx(nic))
  const pendingOf = (nic: NicInventory): NicFlowAction | null => (nic.mac ? (pending.get(nic.mac) ?? null) : null)

  function openAdd() {
    if (canAdd().ok) Object.assign(dialogs, { add: true, change: null })
  }
  function openChange(nic: NicInventory) {
    if (canChange(nic).ok && nic.mac) Object.assign(dialogs, { add: false, change: nic.mac })
  }
  function closeDialogs() {
    Object.assign(dialogs, { add: false, change: null })
  }

  async function send(nic: NicInventory, action: NicFlowAction, failed: string, call: (mac: string) => Promise<unknown>) {
    const mac = nic.mac
    if (!mac || pending.has(mac)) return
    pending.set(mac, action)
    try {
      await call(mac)
    } catch (e) {
      toasts.error(failed, errorMessage(e))
    } finally {
      pending.delete(mac)
    }
  }

  /** Disconnects a NIC whose link is up, connects one that is down: at once, no question. */
  async function toggleLink(nic: NicInventory): Promise<void> {
    if (!canLink(nic).ok) return
    const verb = nicLink.linkActionOf(nic)
    await send(nic, 'link', `Could not ${verb} ${nic.mac} of ${vm().name}`, (mac) => nicLink.run(vm().id, { ...nic, mac }))
  }

  /** Removes a NIC after a confirmation naming it and the VM. */
  async function remove(nic: NicInventory): Promise<void> {
    if (!canDetach(nic).ok) return
    const v = vm()
    const ok = await confirm({ title: `Remove NIC from ${v.name}`, message: detachNicMessage(v.name, nic), confirmLabel: 'Remove', danger: true })
    if (!ok) return
    await send(nic, 'detach', `Could not remove ${nic.mac} from ${v.name}`, (mac) => detachNic.run(v.id, mac))
  }

  return { canAdd, canChange, canLink, canDetach, pendingOf, dialogs, openAdd, openChange, closeDialogs, toggleLink, remove }
}

export type NicFlow = ReturnType<typeof useNicFlow>
