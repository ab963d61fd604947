import { describe, expect, it } from 'vitest'
import type { DiskInventory, NicInventory } from '@/api/types'
import { formatBytes, formatCurrentMax, formatDiskSource, formatNicSource, formatPluginParams, formatVcpus, formatVlan, powerStateLabel } from './format'

const disk = (over: Partial<DiskInventory> = {}): DiskInventory => ({
  device: 'disk',
  kind: 'file',
  target: 'vda',
  readonly: false,
  shareable: false,
  ...over,
})
const nic = (over: Partial<NicInventory> = {}): NicInventory => ({ kind: 'network', trunk: false, vlanTags: [], ...over })

describe('formatBytes', () => {
  it('picks the largest binary unit', () => {
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(1536)).toBe('1.5 KiB')
    expect(formatBytes(512 * 1024 ** 2)).toBe('512 MiB')
    expect(formatBytes(2 * 1024 ** 3)).toBe('2 GiB')
    expect(formatBytes(8589934592)).toBe('8 GiB')
    expect(formatBytes(1.25 * 1024 ** 4)).toBe('1.3 TiB')
  })
  it('steps up when rounding reaches 1024', () => {
    expect(formatBytes(1099506450432)).toBe('1 TiB')
    expect(formatBytes(1024 ** 3 - 1)).toBe('1 GiB')
  })
  it('shows a dash for missing or invalid values', () => {
    expect(formatBytes(null)).toBe('—')
    expect(formatBytes(undefined)).toBe('—')
    expect(formatBytes(-1)).toBe('—')
    expect(formatBytes(Number.NaN)).toBe('—')
  })
  it('current / max pairs', () => {
    expect(formatCurrentMax(2 * 1024 ** 3, 8 * 1024 ** 3)).toBe('2 GiB / 8 GiB')
    expect(formatCurrentMax(1024 ** 3, 1024 ** 3)).toBe('1 GiB')
    expect(formatVcpus(2, 4)).toBe('2 / 4')
    expect(formatVcpus(4, 4)).toBe('4')
  })
})

describe('formatVlan', () => {
  it('renders tags, native and trunk', () => {
    expect(formatVlan(nic({ vlanTags: [10, 20, 30], trunk: true, nativeVlan: 30 }))).toBe('10,20,30 (native 30, trunk)')
    expect(formatVlan(nic({ vlanTags: [10, 20], trunk: true }))).toBe('10,20 (trunk)')
    expect(formatVlan(nic({ vlanTags: [100] }))).toBe('100')
    expect(formatVlan(nic())).toBe('—')
    expect(formatVlan(nic({ vlanTags: [5], nativeVlan: null }))).toBe('5')
  })
})

describe('formatDiskSource', () => {
  it('path, pool/volume, network, empty cdrom', () => {
    expect(formatDiskSource(disk({ sourcePath: '/guest/diskimage1' }))).toBe('/guest/diskimage1')
    expect(formatDiskSource(disk({ sourcePath: '/var/lib/libvirt/images/a.qcow2', pool: 'default' }))).toBe(
      '/var/lib/libvirt/images/a.qcow2 (pool default)',
    )
    expect(formatDiskSource(disk({ kind: 'volume', pool: 'fast', volume: 'db.qcow2' }))).toBe('fast/db.qcow2')
    expect(formatDiskSource(disk({ kind: 'network', protocol: 'rbd', remoteName: 'pool/img' }))).toBe('rbd: pool/img')
    expect(formatDiskSource(disk({ device: 'cdrom', target: 'sda' }))).toBe('empty')
    expect(formatDiskSource(disk())).toBe('—')
  })
})

describe('formatNicSource / labels', () => {
  it('network, bridge, direct', () => {
    expect(formatNicSource(nic({ network: 'default' }))).toBe('default')
    expect(formatNicSource(nic({ kind: 'bridge', bridge: 'br0' }))).toBe('br0')
    expect(formatNicSource(nic({ kind: 'direct', sourceDev: 'eth0', sourceMode: 'vepa' }))).toBe('eth0 (vepa)')
    expect(formatNicSource(nic({ kind: 'user' }))).toBe('—')
    expect(powerStateLabel('shuttingDown')).toBe('shutting down')
  })
})

describe('formatPluginParams', () => {
  it('the values in the plugin’s order, empty ones left out', () => {
    expect(formatPluginParams({ params: { dev: 'eth0', mode: 'bridge' } })).toBe('eth0 · bridge')
    expect(formatPluginParams({ params: { dev: 'eth0', mode: '' } })).toBe('eth0')
    expect(formatPluginParams({ params: {} })).toBe('')
  })
})
