import { describe, expect, it } from 'vitest'
import { ApiError } from '@/api/client'
import { makeNetwork } from '../testing'
import { autostartActionOf, availableActions, canRun, powerActionOf } from './lifecycle'
import { canRun as canDelete, usersOfRefusal } from './remove'
import { usersOfRefusal as portgroupUsersOfRefusal } from './removePortgroup'

const reason = (c: { ok: boolean; reason?: string }) => (c.ok ? 'ok' : c.reason)

describe('which lifecycle actions a network offers', () => {
  it('Start when inactive, Stop when active; autostart switches to the other setting', () => {
    expect(availableActions({ active: false, autostart: false })).toEqual(['start', 'autostartOn'])
    expect(availableActions({ active: true, autostart: true })).toEqual(['stop', 'autostartOff'])
    expect(powerActionOf({ active: true })).toBe('stop')
    expect(powerActionOf({ active: false })).toBe('start')
    expect(autostartActionOf({ autostart: true })).toBe('autostartOff')
    expect(autostartActionOf({ autostart: false })).toBe('autostartOn')
  })

  it('refuses what the network’s state makes pointless, with a reason', () => {
    const on = { active: true, autostart: true }
    const off = { active: false, autostart: false }
    expect(reason(canRun('start', off))).toBe('ok')
    expect(reason(canRun('start', on))).toBe('Already active')
    expect(reason(canRun('stop', on))).toBe('ok')
    expect(reason(canRun('stop', off))).toBe('Not active')
    expect(reason(canRun('autostartOn', off))).toBe('ok')
    expect(reason(canRun('autostartOn', on))).toBe('Autostart is already on')
    expect(reason(canRun('autostartOff', on))).toBe('ok')
    expect(reason(canRun('autostartOff', off))).toBe('Autostart is already off')
  })

  it('nothing runs while a request for the network runs or on a host known to be disconnected', () => {
    const n = makeNetwork({ active: true })
    expect(reason(canRun('stop', n, { busy: true }))).toBe('A request for this network is running')
    expect(reason(canRun('stop', n, { host: { state: 'disconnected' } }))).toBe('Host is not connected')
    expect(reason(canRun('stop', n, { host: { state: 'connected' } }))).toBe('ok')
    // Host list not loaded yet: the server decides.
    expect(reason(canRun('stop', n, { host: null }))).toBe('ok')
    expect(reason(canDelete(n))).toBe('ok')
    expect(reason(canDelete(n, { busy: true }))).toBe('A request for this network is running')
    expect(reason(canDelete(n, { host: { state: 'error' } }))).toBe('Host is not connected')
  })
})

describe('usersOfRefusal', () => {
  it('reads details.users of a 409 network_in_use only', () => {
    const inUse = (details?: unknown) => new ApiError(409, { code: 'network_in_use', message: 'in use', details })
    expect(usersOfRefusal(inUse({ users: ['web01', 'db', 'web01'] }))).toEqual(['web01', 'db', 'web01'])
    expect(usersOfRefusal(inUse({ users: ['ok', 7, null] }))).toEqual(['ok'])
    expect(usersOfRefusal(inUse())).toEqual([])
    expect(usersOfRefusal(new ApiError(409, { code: 'host_not_connected', message: 'x', details: { users: ['a'] } }))).toBeNull()
    expect(usersOfRefusal(new Error('network_in_use'))).toBeNull()
  })
})

describe('portgroup usersOfRefusal', () => {
  it('reads details.users of a 409 portgroup_in_use only', () => {
    const inUse = (details?: unknown) => new ApiError(409, { code: 'portgroup_in_use', message: 'in use', details })
    expect(portgroupUsersOfRefusal(inUse({ users: ['web01', 'db'] }))).toEqual(['web01', 'db'])
    expect(portgroupUsersOfRefusal(inUse({ users: [1, 'x'] }))).toEqual(['x'])
    expect(portgroupUsersOfRefusal(inUse())).toEqual([])
    expect(portgroupUsersOfRefusal(new ApiError(409, { code: 'network_in_use', message: 'x', details: { users: ['a'] } }))).toBeNull()
    expect(portgroupUsersOfRefusal(new Error('portgroup_in_use'))).toBeNull()
  })
})
