import { describe, expect, it } from 'vitest'
import { formatBytes, formatDateTime, formatDuration, formatGiB, formatMhz, formatPercent, formatRate, formatRelative, formatUsedOfTotal, ratio, yesNo } from './format'

describe('formatGiB', () => {
  it('converts bytes to GiB (binary units)', () => {
    expect(formatGiB(17179869184)).toBe('16 GiB')
    expect(formatGiB(1610612736)).toBe('1.5 GiB')
    expect(formatGiB(8 * 1024 ** 3 + 512 * 1024 ** 2)).toBe('8.5 GiB')
    expect(formatGiB(0)).toBe('0 GiB')
  })
  it('rounds to the requested digits and trims trailing zeros', () => {
    expect(formatGiB(1073741824 * 3.14159, 2)).toBe('3.14 GiB')
    expect(formatGiB(1000 * 1024 ** 3 * 1.04)).toBe('1040 GiB')
    expect(formatGiB(1024 ** 3 * 100)).toBe('100 GiB')
  })
  it('renders a dash for missing or invalid values', () => {
    expect(formatGiB(null)).toBe('—')
    expect(formatGiB(undefined)).toBe('—')
    expect(formatGiB(Number.NaN)).toBe('—')
    expect(formatGiB(-1)).toBe('—')
  })
})

describe('other helpers', () => {
  it('formats MHz', () => {
    expect(formatMhz(800)).toBe('800 MHz')
    expect(formatMhz(2400)).toBe('2.4 GHz')
    expect(formatMhz(3000)).toBe('3 GHz')
  })
  it('formats yes/no and durations', () => {
    expect(yesNo(true)).toBe('Yes')
    expect(yesNo(false)).toBe('No')
    expect(formatDuration(59)).toBe('59s')
    expect(formatDuration(3725)).toBe('1h 2m')
    expect(formatDuration(90061)).toBe('1d 1h')
  })
  it('formats date-times and tolerates null', () => {
    expect(formatDateTime(null)).toBe('—')
    expect(formatDateTime('2026-01-02T03:04:05Z')).toContain('2026')
  })
  it('formats relative times', () => {
    const now = Date.parse('2026-01-01T12:00:00Z')
    expect(formatRelative(null, now)).toBe('—')
    expect(formatRelative('2026-01-01T11:59:58Z', now)).toBe('just now')
    expect(formatRelative('2026-01-01T11:59:30Z', now)).toBe('30 s ago')
    expect(formatRelative('2026-01-01T11:55:00Z', now)).toBe('5 min ago')
    expect(formatRelative('2026-01-01T09:00:00Z', now)).toBe('3 h ago')
    expect(formatRelative('2025-12-30T12:00:00Z', now)).toBe('2 d ago')
    expect(formatRelative('2026-01-01T12:10:00Z', now)).toBe('in 10 min')
  })
})

describe('usage formatting', () => {
  it('formatPercent: one decimal below 10, whole numbers above, a dash when not reported', () => {
    expect(formatPercent(0)).toBe('0 %')
    expect(formatPercent(5.25)).toBe('5.3 %')
    expect(formatPercent(9.96)).toBe('10 %')
    expect(formatPercent(42.4)).toBe('42 %')
    expect(formatPercent(100)).toBe('100 %')
    expect(formatPercent(-0.1)).toBe('0 %')
    expect(formatPercent(null)).toBe('—')
    expect(formatPercent(undefined)).toBe('—')
    expect(formatPercent(Number.NaN)).toBe('—')
  })
  it('formatRate: binary units per second', () => {
    expect(formatRate(0)).toBe('0 B/s')
    expect(formatRate(1536)).toBe('1.5 KiB/s')
    expect(formatRate(10.6)).toBe('11 B/s')
    expect(formatRate(3 * 1024 ** 2)).toBe('3 MiB/s')
    expect(formatRate(null)).toBe('—')
  })
  it('formatUsedOfTotal shows what is known', () => {
    expect(formatUsedOfTotal(1024 ** 3, 4 * 1024 ** 3)).toBe('1 GiB / 4 GiB')
    expect(formatUsedOfTotal(null, 4 * 1024 ** 3)).toBe('— / 4 GiB')
    expect(formatUsedOfTotal(512 * 1024 ** 2, null)).toBe('512 MiB')
    expect(formatUsedOfTotal(null, undefined)).toBe('—')
    expect(formatBytes(2 * 1024 ** 3)).toBe('2 GiB')
  })
  it('ratio is null when either side is unknown or the total is not positive', () => {
    expect(ratio(1, 4)).toBe(0.25)
    expect(ratio(6, 4)).toBe(1.5)
    expect(ratio(null, 4)).toBeNull()
    expect(ratio(1, 0)).toBeNull()
    expect(ratio(1, undefined)).toBeNull()
  })
})
