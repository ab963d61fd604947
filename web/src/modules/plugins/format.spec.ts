import { describe, expect, it } from 'vitest'
import { capabilityGrants, capabilityInfo, extensionPointLabel, formatMicros, limitsText, meanCallText } from './format'

describe('formatMicros', () => {
  it('µs below a millisecond, ms below a second, else s', () => {
    expect(formatMicros(0)).toBe('0 µs')
    expect(formatMicros(42)).toBe('42 µs')
    expect(formatMicros(999)).toBe('999 µs')
    expect(formatMicros(1000)).toBe('1 ms')
    expect(formatMicros(1234)).toBe('1.23 ms')
    expect(formatMicros(12_345)).toBe('12.3 ms')
    expect(formatMicros(123_456)).toBe('123 ms')
    expect(formatMicros(2_500_000)).toBe('2.5 s')
    expect(formatMicros(-1)).toBe('—')
  })

  it('the mean call time is a dash before the first call', () => {
    expect(meanCallText({ calls: 0, meanCallMicros: 0 })).toBe('—')
    expect(meanCallText({ calls: 3, meanCallMicros: 250 })).toBe('250 µs')
  })
})

describe('plugin wording', () => {
  it('limits in one line; none for a plugin that does not load', () => {
    expect(limitsText({ memoryMib: 64, callTimeoutMs: 1000, fuelMillions: 2000 })).toBe('64 MiB · 1,000 ms · 2,000 M fuel')
    expect(limitsText(null)).toBe('—')
  })

  it('requested capabilities with whether each is granted, in the manifest’s order', () => {
    expect(capabilityGrants({ capabilities: ['kv', 'clock', 'inventory-read'], granted: ['inventory-read', 'kv'] })).toEqual([
      { cap: 'kv', granted: true },
      { cap: 'clock', granted: false },
      { cap: 'inventory-read', granted: true },
    ])
  })

  it('explains each capability; an unknown one by its name', () => {
    expect(capabilityInfo('kv').description).toMatch(/own key-value store/)
    expect(capabilityInfo('inventory-read').description).toMatch(/Read-only queries of the inventory/)
    expect(capabilityInfo('clock').description).toMatch(/real wall and monotonic clocks/)
    expect(capabilityInfo('gpu')).toEqual({ label: 'gpu', description: expect.any(String) })
    expect(extensionPointLabel('networkDriver')).toBe('Network driver')
    expect(extensionPointLabel('hostHooks')).toBe('Host hooks')
    expect(extensionPointLabel('other')).toBe('other')
  })
})
