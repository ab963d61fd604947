import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { ApiError } from '@/api/client'
import { vmsApi } from './api'
import { usePowerRulesStore } from './powerRules'
import { POWER_RULES } from './testing'

beforeEach(() => setActivePinia(createPinia()))

describe('power rules store', () => {
  it('fetches the rules once, however many controls ask', async () => {
    const spy = vi.spyOn(vmsApi, 'powerRules').mockResolvedValue(POWER_RULES)
    const s = usePowerRulesStore()
    await Promise.all([s.ensure(), s.ensure(), s.ensure()])
    await s.ensure()
    expect(spy).toHaveBeenCalledTimes(1)
    expect(s.rule('reset')).toMatchObject({ destructive: true })
    expect(s.rule('start')?.allowedStates).toEqual(['shutoff', 'crashed'])
  })

  it('keeps the error and retries on the next use', async () => {
    const spy = vi
      .spyOn(vmsApi, 'powerRules')
      .mockRejectedValueOnce(new ApiError(500, { code: 'internal', message: 'internal error' }))
      .mockResolvedValueOnce(POWER_RULES)
    const s = usePowerRulesStore()
    await s.ensure()
    expect(s.rules).toBeNull()
    expect(s.error).toBe('internal error')
    await s.ensure()
    expect(spy).toHaveBeenCalledTimes(2)
    expect(s.rules).toHaveLength(9)
    expect(s.error).toBeNull()
  })
})
