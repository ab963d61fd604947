import { expect, test } from '@playwright/test'
import type { Host, VmList } from '../src/api/types'
import { uniqueName, deleteTestHosts } from './testbed'
import { formatPercent } from '../src/lib/format'

// Runs against the same real server as hosts.spec.ts (started by the Makefile with no hosts),
// after it, serially. It adds its own test:///default host and deletes it at the end; it does
// not rely on hosts left by other tests. Waits use expect() polling — never fixed sleeps.

test('discover the test VM, import it, and see its hardware', async ({ page, request }) => {
  await deleteTestHosts(request)
  // Open the page (and its event WebSocket) before the host exists: the VM can only arrive
  // through the inventoryChanged-driven refetch, never through the first page load.
  await page.goto('/discovered')
  await expect(page.getByTestId('event-status')).toHaveAttribute('data-status', 'open')
  await expect(page.getByTestId('discovered-table').or(page.getByTestId('discovered-empty'))).toBeVisible()

  const hostName = uniqueName('e2e-inv')
  const created = await request.post('/api/v1/hosts', { data: { name: hostName, uri: 'test:///default' } })
  expect(created.status()).toBe(201)
  const host = (await created.json()) as Host

  try {
    const row = page.getByTestId('discovered-row-test')
    await expect(row).toBeVisible({ timeout: 30_000 })
    await expect(row).toContainText(hostName)
    await expect(row.getByTestId('vm-state-badge')).toHaveText('running')
    await expect(page.getByTestId('nav-discovered-count')).not.toBeEmpty()

    await page.getByTestId('discovered-select-test').check()
    await expect(page.getByTestId('discovered-selection-count')).toContainText('1 selected')
    await page.getByTestId('discovered-import-selected').click()
    await expect(page.getByTestId('toast-success')).toContainText('1 imported')
    await expect(row).toHaveCount(0)

    const discovered = (await (await request.get(`/api/v1/discovered-vms?hostId=${host.id}`)).json()) as VmList
    expect(discovered.items.some((v) => v.name === 'test')).toBe(false)

    await page.goto(`/vms?hostId=${host.id}`)
    const vmRow = page.getByTestId('vm-row-test')
    await expect(page.getByTestId('vms-table')).toBeVisible()
    await expect(vmRow).toBeVisible()

    // The view toggle switches to cards and is remembered across reloads.
    await page.getByTestId('vms-view-cards').click()
    await expect(page.getByTestId('vm-card-test')).toBeVisible()
    await page.reload()
    await expect(page.getByTestId('vm-card-test')).toBeVisible()
    await page.getByTestId('vms-view-table').click()
    await expect(vmRow).toBeVisible()

    await vmRow.click()
    await expect(page).toHaveURL(/\/vms\/[0-9a-f-]+$/)
    await expect(page.getByTestId('vm-detail-name')).toHaveText('test')
    await expect(page.getByTestId('vm-managed-badge')).toHaveText('managed')
    await expect(page.getByTestId('vm-disks-table')).toContainText('/guest/diskimage1')
    await expect(page.getByTestId('vm-nics-table').getByTestId('vm-nic-source').first()).toHaveText('default')
    // Hardware: test:///default's lifecycle actions, and the devices it does not have.
    await expect(page.getByTestId('vm-hw-lifecycle')).toHaveText('destroy / restart / destroy')
    await expect(page.getByTestId('vm-hw-hostdevs')).toHaveText('none')
    await expect(page.getByTestId('vm-consoles-table')).toHaveCount(0)
    // Drift (F10): the record matches the host; a resync keeps it so.
    await expect(page.getByTestId('vm-drift-status')).toHaveText('In sync with the host')
    await page.getByTestId('vm-resync').click()
    await expect(page.getByTestId('vm-drift-status')).toHaveText('In sync with the host')
    await expect(page.getByTestId('vm-host-link')).toHaveText(hostName)

    // The host's page says when its inventory last synced; a resync that finds nothing to
    // change still moves that time on, live.
    await page.getByTestId('vm-host-link').click()
    // It counts the host's VM and what it holds: test:///default's VM runs with 2 vCPUs.
    const facts = ((await (await request.get(`/api/v1/hosts/${host.id}`)).json()) as Host).facts
    await expect(page.getByTestId('host-inventory').getByTestId('host-vm-total')).toHaveText('1 VM')
    await expect(page.getByTestId('host-alloc-vcpus-text')).toHaveText(`2 vCPUs on ${facts?.cpuCount} CPUs (${formatPercent((2 / (facts?.cpuCount ?? 1)) * 100)})`)
    await expect(page.getByTestId('host-alloc-memory-defined')).toHaveText('Held by 1 active VM · 2 GiB given to all 1')
    const sync = page.getByTestId('host-inventory').getByTestId('host-sync-status')
    await expect(sync).toHaveAttribute('data-sync', 'synced')
    const before = await sync.locator('time').getAttribute('datetime')
    expect(before).toBe(((await (await request.get(`/api/v1/hosts/${host.id}`)).json()) as Host).lastSyncedAt)
    await page.getByTestId('host-resync').click()
    await expect(sync.locator('time')).not.toHaveAttribute('datetime', before!, { timeout: 30_000 })
    const after = ((await (await request.get(`/api/v1/hosts/${host.id}`)).json()) as Host).lastSyncedAt!
    expect(Date.parse(after)).toBeGreaterThan(Date.parse(before!))
    await expect(sync.locator('time')).toHaveAttribute('datetime', after)
  } finally {
    // Delete our host (tolerate it being gone already).
    const r = await request.delete(`/api/v1/hosts/${host.id}`)
    expect([204, 404]).toContain(r.status())
  }
  const after = (await (await request.get('/api/v1/hosts')).json()) as Host[]
  expect(after.some((h) => h.id === host.id)).toBe(false)
})
