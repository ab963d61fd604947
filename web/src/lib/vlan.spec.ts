import { describe, expect, it } from 'vitest'
import { isTrunk, vlanText } from './vlan'

const v = (vlanTags: number[], trunk = false, nativeVlan: number | null = null) => ({ vlanTags, trunk, nativeVlan })

describe('vlanText', () => {
  it('names trunks, access VLANs and a lone native VLAN', () => {
    expect(vlanText(v([10, 20, 30], true, 10), '—')).toBe('trunk 10,20,30 (native 10)')
    expect(vlanText(v([5, 6]), '—')).toBe('trunk 5,6')
    expect(vlanText(v([], true), '—')).toBe('trunk')
    expect(vlanText(v([10]), '—')).toBe('VLAN 10')
    expect(vlanText(v([], false, 7), '—')).toBe('native VLAN 7')
  })
  it('says `none` without any VLAN, and a missing native VLAN is none', () => {
    expect(vlanText(v([]), '—')).toBe('—')
    expect(vlanText(v([]), 'no VLAN')).toBe('no VLAN')
    expect(vlanText({ vlanTags: [10], trunk: false }, '—')).toBe('VLAN 10')
    expect(isTrunk(v([10]))).toBe(false)
    expect(isTrunk(v([], true))).toBe(true)
  })
})
