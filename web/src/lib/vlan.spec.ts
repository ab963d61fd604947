import { describe, expect, it } from 'vitest'
import { isTrunk, nativeVlanOptions, parseVlanTags, vlanErrors, vlanTagsText, vlanText } from './vlan'

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

describe('VLAN rules', () => {
  it('parses comma-separated tags and names the first item that is no number', () => {
    expect(parseVlanTags('')).toEqual({ tags: [], error: null })
    expect(parseVlanTags(' 10, 20,30 ,')).toEqual({ tags: [10, 20, 30], error: null })
    expect(parseVlanTags('10, x2, -3')).toEqual({ tags: [10], error: "'x2' is not a VLAN number" })
    expect(vlanTagsText([10, 20])).toBe('10, 20')
  })

  it('checks the server’s rules, by field', () => {
    expect(vlanErrors([], false, null)).toEqual({})
    expect(vlanErrors([10], false, null)).toEqual({})
    expect(vlanErrors([10, 20], true, 20)).toEqual({})
    expect(vlanErrors([4095], false, null)).toEqual({ vlanTags: 'VLAN 4095 is reserved; use 1–4094' })
    expect(vlanErrors([0], false, null).vlanTags).toBe('VLAN 0 is reserved; use 1–4094')
    expect(vlanErrors([5000], false, null).vlanTags).toBe('VLAN 5000 does not exist; use 1–4094')
    expect(vlanErrors([10, 10], true, null).vlanTags).toBe('VLAN 10 is listed twice')
    expect(vlanErrors([], true, null)).toEqual({ trunk: 'A trunk needs VLAN tags' })
    expect(vlanErrors([10, 20], false, null)).toEqual({ trunk: 'Several VLAN tags make a trunk: tick Trunk' })
    expect(vlanErrors([10], false, 10)).toEqual({ nativeVlan: 'Only a trunk has a native VLAN' })
    expect(vlanErrors([10, 20], true, 30)).toEqual({ nativeVlan: 'Native VLAN 30 must be one of the tags' })
  })

  it('offers the valid tags typed as native VLANs, and keeps a chosen one that is no longer a tag', () => {
    expect(nativeVlanOptions('10, 20, 20, 5000', '').map((o) => o.label)).toEqual(['None', '10', '20'])
    expect(nativeVlanOptions('10', '30')).toEqual([
      { value: '', label: 'None' },
      { value: '10', label: '10' },
      { value: '30', label: '30 (not a tag)' },
    ])
  })
})
