import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { makeTask } from '@/modules/tasks/testing'
import { useTaskStore } from '@/stores/tasks'
import { vmsApi } from '../api'
import { defaultNicChangeForm } from '../nicChange'
import { defaultNicAddForm } from '../nicSpec'
import { makeNic, makeVm } from '../testing'
import * as attachNic from './attachNic'
import * as detachNic from './detachNic'
import * as nicLink from './nicLink'
import * as updateNic from './updateNic'

const connected = { state: 'connected' as const }
const managed = makeVm({ managed: true })
const reason = (c: { ok: boolean; reason?: string }) => (c.ok ? 'ok' : c.reason)

beforeEach(() => setActivePinia(createPinia()))

describe('NIC canRun (why a control is disabled)', () => {
  const nic = makeNic()
  const all = (vm = managed, ctx: Parameters<typeof detachNic.canRun>[2] = { host: connected }, n = nic) => [
    reason(attachNic.canRun(vm, ctx)),
    reason(updateNic.canRun(vm, n, ctx)),
    reason(nicLink.canRun(vm, n, ctx)),
    reason(detachNic.canRun(vm, n, ctx)),
  ]

  it('allows every action on a managed VM of a connected host', () => {
    expect(all()).toEqual(['ok', 'ok', 'ok', 'ok'])
  })

  it('says why not: VM not managed, VM gone, host unknown or not connected', () => {
    expect(all(makeVm({ managed: false }))).toEqual(Array(4).fill('Import the VM first'))
    expect(all(makeVm({ managed: true, goneAt: '2026-01-01T00:00:00Z' }))).toEqual(Array(4).fill('The VM no longer exists on its host'))
    expect(all(managed, { host: null })).toEqual(Array(4).fill('Unknown host'))
    expect(all(managed, { host: { state: 'disconnected' } })).toEqual(Array(4).fill('Host is not connected'))
    expect(all(managed, { host: { state: 'error' } })).toEqual(Array(4).fill('Host is not connected'))
  })

  it('a NIC with a request running, or without a MAC, cannot be acted on; adding another NIC still can', () => {
    expect(all(managed, { host: connected, busy: true })).toEqual(['ok', ...Array(3).fill('A request for this NIC is running')])
    expect(all(managed, { host: connected }, makeNic({ mac: null }))).toEqual(['ok', ...Array(3).fill('This NIC has no MAC address to name it by')])
  })

  it('the dialogs submit only valid forms, once', () => {
    const net = { name: 'default', portgroups: [] }
    const addCtx = { host: connected, networks: [net], nics: [nic] }
    const form = defaultNicAddForm([{ ...net, active: true }])
    expect(reason(attachNic.canSubmit(managed, form, addCtx))).toBe('ok')
    expect(reason(attachNic.canSubmit(managed, form, { ...addCtx, busy: true }))).toBe('The NIC is being added')
    expect(reason(attachNic.canSubmit(managed, { ...form, mac: 'nope' }, addCtx))).toBe("'nope' is not a MAC address (six hex pairs with ':')")
    expect(reason(attachNic.canSubmit(makeVm({ managed: false }), form, addCtx))).toBe('Import the VM first')

    const changeCtx = { host: connected, networks: [] }
    const same = defaultNicChangeForm(nic)
    expect(reason(updateNic.canSubmit(managed, nic, same, changeCtx))).toBe('Nothing changed')
    expect(reason(updateNic.canSubmit(managed, nic, { ...same, linkUp: false }, changeCtx))).toBe('ok')
    expect(reason(updateNic.canSubmit(managed, nic, { ...same, linkUp: false }, { ...changeCtx, busy: true }))).toBe('The change is being sent')
  })
})

describe('NIC run (request and task drawer)', () => {
  it('attach posts the body built from the form and tracks the task', async () => {
    const task = makeTask({ kind: 'vm.nic.attach' })
    const spy = vi.spyOn(vmsApi, 'attachNic').mockResolvedValue(task)
    const form = { ...defaultNicAddForm([{ name: 'lan', active: true }]), mac: '52:54:00:AA:00:01' }
    await expect(attachNic.run(managed.id, form)).resolves.toEqual(task)
    expect(spy).toHaveBeenCalledWith(managed.id, { network: 'lan', model: 'virtio', mac: '52:54:00:aa:00:01' })
    expect(useTaskStore().drawer).toEqual([task])
  })

  it('update sends only the change', async () => {
    const spy = vi.spyOn(vmsApi, 'updateNic').mockResolvedValue(makeTask({ kind: 'vm.nic.update' }))
    const nic = makeNic({ mac: '52:54:00:00:00:07', network: 'default' })
    await updateNic.run(managed.id, { ...nic, mac: '52:54:00:00:00:07' }, { ...defaultNicChangeForm(nic), network: 'lan' })
    expect(spy).toHaveBeenCalledWith(managed.id, '52:54:00:00:00:07', { network: 'lan', portgroup: '' })
    expect(useTaskStore().drawer).toHaveLength(1)
  })

  it('the link switch disconnects a NIC that is up and connects one that is down', async () => {
    const spy = vi.spyOn(vmsApi, 'updateNic').mockImplementation(async () => makeTask({ kind: 'vm.nic.update' }))
    expect(nicLink.linkActionOf({ linkState: null })).toBe('disconnect')
    expect(nicLink.linkActionOf({ linkState: 'up' })).toBe('disconnect')
    expect(nicLink.linkActionOf({ linkState: 'down' })).toBe('connect')
    await nicLink.run(managed.id, { mac: 'm1', linkState: 'up' })
    await nicLink.run(managed.id, { mac: 'm2', linkState: 'down' })
    expect(spy.mock.calls).toEqual([
      [managed.id, 'm1', { linkUp: false }],
      [managed.id, 'm2', { linkUp: true }],
    ])
    expect(useTaskStore().drawer).toHaveLength(2)
  })

  it('detach deletes the NIC by MAC; a refusal throws and tracks nothing', async () => {
    const spy = vi.spyOn(vmsApi, 'detachNic').mockResolvedValueOnce(makeTask({ kind: 'vm.nic.detach' }))
    await detachNic.run(managed.id, '52:54:00:00:00:01')
    expect(spy).toHaveBeenCalledWith(managed.id, '52:54:00:00:00:01')
    spy.mockRejectedValueOnce(new Error('nic_not_found'))
    await expect(detachNic.run(managed.id, '52:54:00:00:00:09')).rejects.toThrow('nic_not_found')
    expect(useTaskStore().drawer).toHaveLength(1)
  })
})
