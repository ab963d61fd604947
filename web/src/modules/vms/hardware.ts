// The rows of a VM page's Hardware section: CPU, topology, lifecycle actions, video, TPM and
// host devices, as text. Pure.
import type { VmDetail } from '@/api/types'

type Item = { label: string; value: string; testid: string }

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`

/** "2 sockets × 4 cores × 2 threads" (dies named only when set). */
export function topologyText(t: NonNullable<VmDetail['hardware']['cpuTopology']>): string {
  const parts = [plural(t.sockets, 'socket')]
  if (t.dies !== null && t.dies !== undefined) parts.push(plural(t.dies, 'die'))
  parts.push(plural(t.cores, 'core'), plural(t.threads, 'thread'))
  return parts.join(' × ')
}

export function hardwareItems(d: Pick<VmDetail, 'cpuMode' | 'cpuModel' | 'hardware'>): Item[] {
  const h = d.hardware
  const action = (a: string | null | undefined) => a ?? 'default'
  return [
    { label: 'CPU mode', value: d.cpuMode ?? '—', testid: 'vm-hw-cpu-mode' },
    { label: 'CPU model', value: d.cpuModel ?? '—', testid: 'vm-hw-cpu-model' },
    { label: 'CPU topology', value: h.cpuTopology ? topologyText(h.cpuTopology) : '—', testid: 'vm-hw-topology' },
    {
      label: 'On power off / reboot / crash',
      value: `${action(h.onPoweroff)} / ${action(h.onReboot)} / ${action(h.onCrash)}`,
      testid: 'vm-hw-lifecycle',
    },
    { label: 'Video', value: h.video ?? 'none', testid: 'vm-hw-video' },
    { label: 'TPM', value: h.tpm ?? 'none', testid: 'vm-hw-tpm' },
    {
      label: 'Host devices',
      value: h.hostDevices.length ? h.hostDevices.map((x) => `${x.kind} ${x.source ?? '(unnamed)'}${x.managed ? ' (managed)' : ''}`).join(', ') : 'none',
      testid: 'vm-hw-hostdevs',
    },
  ]
}
