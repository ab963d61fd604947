// The real libvirtd testbed (scripts/testbed/libvirtd.sh) seen from the browser tests: whether it
// is there, and a tiny QEMU guest (scripts/testbed/tiny-guest.sh) defined behind Virtumancer's
// back. Everything goes through virsh on qemu:///system, as the Rust testbed tests do.
import { execFile, execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { expect, type APIRequestContext, type Page } from '@playwright/test'
import type { Host, Task, Vm, VmList } from '../src/api/types'

const run = promisify(execFile)
const SYSTEM = 'qemu:///system'
const SCRIPTS = resolve(import.meta.dirname, '../../scripts/testbed')

/** The URI Virtumancer reaches the testbed's libvirtd by (qemu+tcp on loopback). */
export const testbedTcpUri = () => `qemu+tcp://127.0.0.1:${process.env.VM_TEST_TCP_PORT ?? 16599}/system`

/** True when the testbed's libvirtd answers (`virsh -c qemu:///system version`). */
export function testbedRunning(): boolean {
  try {
    execFileSync('virsh', ['-c', SYSTEM, 'version'], { stdio: 'ignore', timeout: 15_000 })
    return true
  } catch {
    return false
  }
}

const virsh = (...args: string[]) => run('virsh', ['-c', SYSTEM, ...args], { timeout: 60_000 })
const tinyGuest = async (...args: string[]) =>
  (await run('bash', [join(SCRIPTS, 'tiny-guest.sh'), ...args], { timeout: 600_000, maxBuffer: 16 << 20 })).stdout

export interface TinyGuest {
  name: string
  disk: string
  serialLog: string
  /** libvirt's log of the guest's QEMU process. */
  qemuLog: string
}

/** The guest `name` and its files (nothing is created yet). */
export const tinyGuestNamed = (name: string): TinyGuest => ({
  name,
  disk: `/var/lib/libvirt/images/${name}.qcow2`,
  serialLog: `/var/log/libvirt/qemu/${name}-serial.log`,
  qemuLog: `/var/log/libvirt/qemu/${name}.log`,
})

/** Builds (cached) and defines the tiny guest, shut off, with its own qcow2 disk. */
export async function defineTinyGuest(guest: TinyGuest): Promise<void> {
  const { name } = guest
  await tinyGuest('build')
  await tinyGuest('disk', guest.disk)
  const xml = await tinyGuest('xml', name, guest.disk)
  const dir = mkdtempSync(join(tmpdir(), 'virtumancer-e2e-'))
  try {
    const file = join(dir, `${name}.xml`)
    writeFileSync(file, xml)
    await virsh('define', file)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** How often the guest's serial console said "tiny-guest: ready" (it then obeys ACPI shutdown). */
export function readyCount(guest: TinyGuest): number {
  try {
    return readFileSync(guest.serialLog, 'utf8').split('tiny-guest: ready').length - 1
  } catch {
    return 0
  }
}

/** Destroys and undefines the guest and removes its disk and logs; errors are ignored. */
export async function removeTinyGuest(guest: TinyGuest): Promise<void> {
  await virsh('destroy', guest.name).catch(() => undefined)
  await virsh('undefine', guest.name).catch(() => undefined)
  for (const f of [guest.disk, guest.serialLog, guest.qemuLog]) rmSync(f, { force: true })
}

/** The Open vSwitch bridge the testbed provides for OVS networks (scripts/testbed). */
export const testbedOvsBridge = () => process.env.VM_TEST_OVS_BRIDGE ?? 'vmtestovs0'

/** Stops and undefines the libvirt network `name` behind Virtumancer's back; errors are ignored (a safety net for cleanups). */
export async function removeTestbedNetwork(name: string): Promise<void> {
  await virsh('net-destroy', name).catch(() => undefined)
  await virsh('net-undefine', name).catch(() => undefined)
}

/** A name no earlier run used. */
export const uniqueName = (prefix: string) => `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`

/** A URI may belong to only one host: delete any leftover one using `uri` first. */
export async function deleteHostsWithUri(request: APIRequestContext, uri: string) {
  const hosts = (await (await request.get('/api/v1/hosts')).json()) as Host[]
  for (const h of hosts.filter((h) => h.uri === uri)) {
    const r = await request.delete(`/api/v1/hosts/${h.id}`)
    expect([204, 404]).toContain(r.status())
  }
}

/** Only one host may use test:///default at a time: delete any leftover one first. */
export const deleteTestHosts = (request: APIRequestContext) => deleteHostsWithUri(request, 'test:///default')

/** The discovered VM `name` of a host, once the host's first sync found it (shut off). */
export async function discoveredVm(request: APIRequestContext, hostId: string, name: string): Promise<Vm> {
  let vm: Vm | undefined
  await expect
    .poll(
      async () => {
        const list = (await (await request.get(`/api/v1/discovered-vms?hostId=${hostId}`)).json()) as VmList
        vm = list.items.find((v) => v.name === name)
        return vm?.state
      },
      { timeout: 60_000 },
    )
    .toBe('shutoff')
  return vm!
}

/** The drawer entry of our task of `kind` on `target` reaches `state` (succeeded ones hide after 5 s). */
export async function expectDrawerTask(page: Page, kind: string, target: string, state: Task['state'], timeout = 30_000) {
  const item = page
    .getByTestId('task-drawer')
    .locator(`[data-testid="task-drawer-item"][data-kind="${kind}"]`)
    .filter({ has: page.getByTestId('task-target').getByText(target, { exact: true }) })
    .first()
  await expect(item).toHaveAttribute('data-state', state, { timeout })
}
