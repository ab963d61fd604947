import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { Host, PowerAction, PowerActionRule, Vm } from '@/api/types'
import { useTaskStore } from '@/stores/tasks'
import { makeTask } from '@/modules/tasks/testing'
import { vmsApi } from '../api'
import { makeVm, POWER_RULES } from '../testing'
import * as bulk from './bulkPower'
import { canRun, confirmKind, run, type PowerContext } from './power'

const ALL = POWER_RULES.map((r) => r.action)
const connected: Pick<Host, 'state' | 'facts'> = { state: 'connected', facts: null }
const ctx = (over: Partial<PowerContext> = {}): PowerContext => ({ rules: POWER_RULES, host: connected, ...over })
/** The actions enabled for a VM, in the rules' order. */
const enabled = (vm: Vm, c: PowerContext = ctx()) => ALL.filter((a) => canRun(a, vm, c).ok)

beforeEach(() => setActivePinia(createPinia()))

describe('power canRun (rules → enabled buttons)', () => {
  it('enables exactly what the rules allow in each state', () => {
    const managed = (state: Vm['state']) => makeVm({ managed: true, state })
    expect(enabled(managed('running'))).toEqual(['shutdown', 'reboot', 'forceOff', 'reset', 'pause', 'autostartOn'])
    expect(enabled(managed('paused'))).toEqual(['forceOff', 'reset', 'resume', 'autostartOn'])
    expect(enabled(managed('shutoff'))).toEqual(['start', 'autostartOn'])
    expect(enabled(managed('crashed'))).toEqual(['start', 'forceOff', 'autostartOn'])
  })

  it('offers to switch autostart only to what it is not', () => {
    const off = makeVm({ managed: true, state: 'shutoff', autostart: false })
    const on = makeVm({ managed: true, state: 'shutoff', autostart: true })
    expect(enabled(off)).toEqual(['start', 'autostartOn'])
    expect(enabled(on)).toEqual(['start', 'autostartOff'])
    expect(canRun('autostartOn', on, ctx())).toEqual({ ok: false, reason: 'Already starts when its host boots' })
    expect(canRun('autostartOff', off, ctx())).toEqual({ ok: false, reason: 'Already does not start when its host boots' })
  })

  it('follows the rules it is given, not a table of its own', () => {
    const rules: PowerActionRule[] = [{ action: 'pause', allowedStates: ['shutoff'], needsPersistent: false, destructive: false }]
    const vm = makeVm({ managed: true, state: 'shutoff' })
    expect(enabled(vm, ctx({ rules }))).toEqual(['pause'])
    expect(canRun('start', vm, ctx({ rules }))).toEqual({ ok: false, reason: 'The server does not offer this action' })
  })

  it('says why when disabled', () => {
    const vm = makeVm({ managed: true, state: 'shutoff' })
    expect(canRun('pause', vm, ctx())).toEqual({ ok: false, reason: 'Not while shutoff; allowed when running' })
    expect(canRun('forceOff', vm, ctx())).toMatchObject({ reason: 'Not while shutoff; allowed when running, paused, shutting down, crashed, suspended' })
    expect(canRun('start', makeVm({ managed: false, state: 'shutoff' }), ctx())).toEqual({ ok: false, reason: 'Import the VM first' })
    expect(canRun('start', makeVm({ managed: true, state: 'shutoff', goneAt: '2026-01-01T00:00:00Z' }), ctx()).ok).toBe(false)
    expect(canRun('start', vm, ctx({ rules: null }))).toEqual({ ok: false, reason: 'Loading…' })
    expect(canRun('start', vm, ctx({ rules: null, rulesError: 'boom' }))).toEqual({ ok: false, reason: 'Power rules unavailable: boom' })
    expect(canRun('start', vm, ctx({ host: null }))).toEqual({ ok: false, reason: 'Unknown host' })
    expect(canRun('start', vm, ctx({ host: { state: 'disconnected', facts: null } }))).toEqual({ ok: false, reason: 'Host is not connected' })
  })

  it('disables what the host driver cannot do (facts.powerActions), allows all when it does not say', () => {
    const vm = makeVm({ managed: true, state: 'running' })
    const facts = { powerActions: ['pause', 'resume'] as PowerAction[] } as Host['facts']
    expect(enabled(vm, ctx({ host: { state: 'connected', facts } }))).toEqual(['pause'])
    expect(canRun('reset', vm, ctx({ host: { state: 'connected', facts } }))).toEqual({ ok: false, reason: 'The host’s driver cannot reset' })
  })

  it('autostart needs a persistent VM; a running task blocks every action', () => {
    const transient = makeVm({ managed: true, state: 'running', persistent: false })
    expect(canRun('autostartOn', transient, ctx()).ok).toBe(false)
    expect(enabled({ ...transient, autostart: true })).not.toContain('autostartOff')
    const vm = makeVm({ managed: true, state: 'running' })
    expect(enabled(vm, ctx({ busy: { kind: 'vm.shutdown' } }))).toEqual([])
    expect(canRun('pause', vm, ctx({ busy: { kind: 'vm.shutdown' } }))).toEqual({ ok: false, reason: 'A task is running on this VM (vm.shutdown)' })
  })

  it('confirmKind: shutdown has its dialog, destructive rules and reboot confirm', () => {
    const rule = (a: PowerAction) => POWER_RULES.find((r) => r.action === a)!
    expect(confirmKind('shutdown', rule('shutdown'))).toBe('shutdownDialog')
    expect(confirmKind('forceOff', rule('forceOff'))).toBe('confirm')
    expect(confirmKind('reset', rule('reset'))).toBe('confirm')
    expect(confirmKind('reboot', rule('reboot'))).toBe('confirm')
    expect(confirmKind('pause', rule('pause'))).toBe('none')
    expect(confirmKind('pause', { destructive: true })).toBe('confirm')
  })
})

describe('power run', () => {
  it('posts the action and tracks its task for the drawer', async () => {
    const task = makeTask({ kind: 'vm.shutdown' })
    const spy = vi.spyOn(vmsApi, 'powerAction').mockResolvedValue(task)
    await run('vm-1', 'shutdown', { forceAfterSecs: 30 })
    expect(spy).toHaveBeenCalledWith('vm-1', 'shutdown', { forceAfterSecs: 30 })
    expect(useTaskStore().drawer.map((t) => t.id)).toEqual([task.id])
  })
})

describe('bulk power', () => {
  const ctxOf = () => ctx()

  it('splits a selection by the rules and is enabled when one VM allows it', () => {
    const on = makeVm({ managed: true, state: 'running' })
    const off = makeVm({ managed: true, state: 'shutoff' })
    const s = bulk.split('forceOff', [on, off], ctxOf)
    expect(s.eligible).toEqual([on])
    expect(s.skipped.map((x) => x.vm)).toEqual([off])
    expect(bulk.canRun('forceOff', [on, off], ctxOf)).toEqual({ ok: true })
    expect(bulk.canRun('resume', [on, off], ctxOf)).toMatchObject({ ok: false, reason: expect.stringContaining('None of the 2 selected VMs') })
    expect(bulk.canRun('resume', [], ctxOf)).toEqual({ ok: false, reason: 'Select VMs first' })
  })

  it('run posts the ids and tracks the parent with its number of children', async () => {
    const parent = makeTask({ kind: 'bulk.vm.forceOff', vmId: null, targetName: '2 VMs' })
    const children = [makeTask({ parentId: parent.id }), makeTask({ parentId: parent.id })]
    const spy = vi.spyOn(vmsApi, 'bulkPowerAction').mockResolvedValue({ parent, tasks: children, notFound: [] })
    await bulk.run('forceOff', ['a', 'b', 'a'])
    expect(spy).toHaveBeenCalledWith('forceOff', ['a', 'b'], {})
    const store = useTaskStore()
    expect(store.drawer.map((t) => t.id)).toEqual([parent.id])
    expect(store.trackedInfo(parent.id)).toEqual({ children: 2 })
    expect(store.get(children[0]!.id)).not.toBeNull()
  })
})
