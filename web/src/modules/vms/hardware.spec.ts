import { describe, expect, it } from 'vitest'
import { hardwareItems, topologyText } from './hardware'

const none = { cpuTopology: null, onPoweroff: null, onReboot: null, onCrash: null, video: null, tpm: null, hostDevices: [] }

describe('hardwareItems', () => {
  it('names every part, with host devices and lifecycle actions', () => {
    const items = hardwareItems({
      cpuMode: 'host-passthrough',
      cpuModel: null,
      hardware: {
        cpuTopology: { sockets: 1, dies: null, cores: 4, threads: 2 },
        onPoweroff: 'destroy',
        onReboot: 'restart',
        onCrash: null,
        video: 'virtio',
        tpm: 'tpm-crb, emulator 2.0',
        hostDevices: [
          { kind: 'pci', managed: true, source: '0000:03:00.1' },
          { kind: 'mdev', managed: false, source: null },
        ],
      },
    })
    expect(Object.fromEntries(items.map((i) => [i.label, i.value]))).toEqual({
      'CPU mode': 'host-passthrough',
      'CPU model': '—',
      'CPU topology': '1 socket × 4 cores × 2 threads',
      'On power off / reboot / crash': 'destroy / restart / default',
      Video: 'virtio',
      TPM: 'tpm-crb, emulator 2.0',
      'Host devices': 'pci 0000:03:00.1 (managed), mdev (unnamed)',
    })
  })

  it('says none where the VM has none', () => {
    const values = hardwareItems({ cpuMode: null, cpuModel: null, hardware: none }).map((i) => i.value)
    expect(values).toEqual(['—', '—', '—', 'default / default / default', 'none', 'none', 'none'])
  })

  it('names dies only when set', () => {
    expect(topologyText({ sockets: 2, dies: 2, cores: 1, threads: 1 })).toBe('2 sockets × 2 dies × 1 core × 1 thread')
  })
})
