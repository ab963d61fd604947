import { describe, expect, it } from 'vitest'
import { areaPath, linePath, medianStep, niceCeil, segments, seriesMax } from './chart'

const box = { width: 100, height: 10 }

describe('linePath', () => {
  it('draws one line over evenly spread values, scaled to the box (y top-down)', () => {
    expect(linePath([0, 5, 10], { ...box, yDomain: [0, 10] })).toBe('M0,10L50,5L100,0')
  })

  it('nulls, undefined and NaN make gaps: each run starts with M', () => {
    const d = linePath([0, 10, null, 10, 0, Number.NaN, undefined, 5], { ...box, yDomain: [0, 10] })
    expect(d).toBe('M0,10L14.29,0M42.86,0L57.14,10M100,5h0')
    expect(d.match(/M/g)).toHaveLength(3)
  })

  it('a lone point is a zero-length line (drawn as a dot)', () => {
    expect(linePath([null, 4, null], { ...box, yDomain: [0, 8] })).toBe('M50,5h0')
  })

  it('is empty without values or with only gaps', () => {
    expect(linePath([], box)).toBe('')
    expect(linePath([null, null], box)).toBe('')
  })

  it('places values by their x over a domain and breaks where x jumps beyond maxGap', () => {
    const xs = [0, 10, 20, 60, 70]
    const d = linePath([1, 1, 1, 1, 1], { ...box, xs, xDomain: [0, 100], yDomain: [0, 2], maxGap: 15 })
    expect(d).toBe('M0,5L10,5L20,5M60,5L70,5')
  })

  it('clamps values outside the y domain into the box', () => {
    expect(linePath([-5, 150], { ...box, yDomain: [0, 100] })).toBe('M0,10L100,0')
  })

  it('scales to a round value above the largest when no y domain is given', () => {
    // max 7 → scale 0..10
    expect(linePath([0, 7], box)).toBe('M0,10L100,3')
  })
})

describe('areaPath and segments', () => {
  it('closes each run of two or more points down to the bottom; lone points have no area', () => {
    expect(areaPath([10, 10, null, 5, null, 10, 0], { ...box, yDomain: [0, 10] })).toBe(
      'M0,10L0,0L16.67,0L16.67,10Z' + 'M83.33,10L83.33,0L100,10L100,10Z',
    )
  })
  it('segments returns the runs in pixels', () => {
    expect(segments([1, null, 1], { ...box, yDomain: [0, 1] })).toEqual([[[0, 0]], [[100, 0]]])
  })
})

describe('scales', () => {
  it('niceCeil rounds up to 1, 2, 2.5, 5 × 10ⁿ, and to binary steps from 1024', () => {
    expect(niceCeil(0)).toBe(1)
    expect(niceCeil(-3)).toBe(1)
    expect(niceCeil(Number.NaN)).toBe(1)
    expect(niceCeil(0.3)).toBe(0.5)
    expect(niceCeil(7)).toBe(10)
    expect(niceCeil(12)).toBe(20)
    expect(niceCeil(25)).toBe(25)
    expect(niceCeil(480)).toBe(500)
    expect(niceCeil(1024)).toBe(1024)
    expect(niceCeil(3000)).toBe(3072)
    expect(niceCeil(5 * 1024 ** 2)).toBe(6 * 1024 ** 2)
  })
  it('seriesMax ignores gaps; medianStep is the typical spacing', () => {
    expect(seriesMax([1, null, 7], [Number.NaN, 3])).toBe(7)
    expect(seriesMax([null])).toBe(0)
    expect(medianStep([0, 1000, 2000, 3000, 60_000])).toBe(1000)
    expect(medianStep([5])).toBe(0)
  })
})
