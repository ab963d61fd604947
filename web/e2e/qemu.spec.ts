import { expect, test } from '@playwright/test'
import type { Host, TaskList } from '../src/api/types'
import { defineTinyGuest, readyCount, removeTinyGuest, testbedRunning, testbedTcpUri, tinyGuestNamed, uniqueName, deleteHostsWithUri, discoveredVm, expectDrawerTask } from './testbed'

// A real QEMU guest on the testbed's libvirtd (scripts/testbed/libvirtd.sh, started by
// scripts/test-all.sh; skipped without it). A tiny guest (scripts/testbed/tiny-guest.sh) is defined
// behind Virtumancer's back, the host is added over qemu+tcp and the VM imported through the API;
// then the VM list starts it from the row's power menu, shows it running with a live CPU number
// and shuts it down (ACPI, confirmed in the dialog). States, samples and tasks arrive over the
// WebSocket; waits use expect() polling, never sleeps. The guest, its files and the host are
// removed at the end whatever happens.

test.skip(!testbedRunning(), 'no libvirt testbed: `virsh -c qemu:///system version` failed')

test('a real QEMU guest: start from the row menu, live state and CPU, shut down from the UI', async ({ page, request }) => {
  test.setTimeout(300_000)
  const uri = testbedTcpUri()
  const name = uniqueName('vt-e2e')
  const guest = tinyGuestNamed(name)
  let host: Host | undefined

  try {
    await defineTinyGuest(guest)
    await deleteHostsWithUri(request, uri)
    const created = await request.post('/api/v1/hosts', { data: { name: uniqueName('e2e-qemu'), uri } })
    expect(created.status(), await created.text()).toBe(201)
    host = (await created.json()) as Host

    const vm = await discoveredVm(request, host.id, name)
    const imported = await request.post('/api/v1/vms/import', { data: { vmIds: [vm.id] } })
    expect(imported.status(), await imported.text()).toBe(200)

    await page.goto(`/vms?hostId=${host.id}`)
    await expect(page.getByTestId('event-status')).toHaveAttribute('data-status', 'open')
    const row = page.getByTestId(`vm-row-${name}`)
    const badge = row.getByTestId('vm-state-badge')
    const usage = row.getByTestId('vm-usage')
    await expect(badge).toHaveText('shutoff')
    await expect(usage.getByTestId('vm-usage-off')).toBeVisible()

    // Start from the row's power menu: the task succeeds and the badge turns "running" live.
    await row.getByTestId('vm-power-menu').click()
    const menu = page.getByTestId(`vm-power-menu-list-${name}`)
    await expect(menu.getByTestId('vm-power-menu-shutdown')).toBeDisabled()
    await menu.getByTestId('vm-power-menu-start').click()
    await expectDrawerTask(page, 'vm.start', name, 'succeeded', 60_000)
    await expect(badge).toHaveText('running')

    // Live samples of the running guest: its CPU share as a number ("0.8 %", "12 %").
    await expect(usage).toHaveAttribute('data-live', 'true', { timeout: 30_000 })
    await expect(usage).toHaveAttribute('data-state', 'running')
    await expect(usage.getByTestId('vm-usage-cpu')).toHaveText(/^\d+(\.\d+)?\s*%$/, { timeout: 30_000 })

    // The guest obeys the ACPI power button once it said "ready" on its serial console.
    await expect.poll(() => readyCount(guest), { timeout: 120_000, message: `${name} got ready` }).toBeGreaterThan(0)

    // Shut down from the row's power menu, confirmed in its dialog.
    await row.getByTestId('vm-power-menu').click()
    await menu.getByTestId('vm-power-menu-shutdown').click()
    const dialog = page.getByTestId('shutdown-dialog')
    await expect(dialog).toBeVisible()
    await expect(dialog).toContainText(`"${name}"`)
    await page.getByTestId('shutdown-confirm').click()
    await expect(dialog).toBeHidden()
    await expectDrawerTask(page, 'vm.shutdown', name, 'succeeded', 60_000)
    await expect(badge).toHaveText('shutoff')
    await expect(usage.getByTestId('vm-usage-off')).toBeVisible()

    const tasks = (await (await request.get(`/api/v1/tasks?vmId=${vm.id}`)).json()) as TaskList
    expect(tasks.items.map((t) => [t.kind, t.state])).toEqual([
      ['vm.shutdown', 'succeeded'],
      ['vm.start', 'succeeded'],
    ])
  } finally {
    await removeTinyGuest(guest)
    if (host) {
      const r = await request.delete(`/api/v1/hosts/${host.id}`)
      expect([204, 404]).toContain(r.status())
    }
  }
})
