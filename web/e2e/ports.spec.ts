import { expect, test } from '@playwright/test'
import type { Host, PortList } from '../src/api/types'
import { uniqueName, deleteTestHosts } from './testbed'

// Runs against the same real server as the other specs (started with no hosts), serially. It adds
// its own test:///default host, whose libvirt test driver has one VM, "test", with one NIC
// (aa:bb:cc:dd:ee:ff) on the "default" network, whose DHCP lease for it is 192.168.122.3, and
// deletes the host at the end; it does not rely on hosts left by other tests. Waits use expect()
// polling — never fixed sleeps.

test('ports page: the test VM’s NIC on its host with its leased address, found by MAC, and the empty state', async ({ page, request }) => {
  await deleteTestHosts(request)
  const hostName = uniqueName('e2e-ports')
  const created = await request.post('/api/v1/hosts', { data: { name: hostName, uri: 'test:///default' } })
  expect(created.status()).toBe(201)
  const host = (await created.json()) as Host

  try {
    // The host's VM inventory has arrived on the server.
    await expect
      .poll(async () => ((await (await request.get(`/api/v1/ports?hostId=${host.id}`)).json()) as PortList).total, { timeout: 30_000 })
      .toBeGreaterThan(0)

    await page.goto('/ports')
    await expect(page.getByTestId('event-status')).toHaveAttribute('data-status', 'open')
    await expect(page.getByTestId('ports-table')).toBeVisible()

    // Filter by our host.
    await page.getByTestId('ports-host-filter').selectOption(host.id)
    await expect(page).toHaveURL(new RegExp(`/ports\\?hostId=${host.id}$`))
    const rows = page.getByTestId('port-row')
    const row = page.locator(`[data-testid="port-row"][data-host-id="${host.id}"]`).filter({ hasText: 'aa:bb:cc:dd:ee:ff' })
    await expect(row).toBeVisible({ timeout: 30_000 })
    await expect(page.locator(`[data-testid="port-row"]:not([data-host-id="${host.id}"])`)).toHaveCount(0)
    await expect(row.getByTestId('port-vm-link')).toHaveText('test')
    await expect(row.getByTestId('port-host-link')).toHaveText(hostName)
    await expect(row.getByTestId('port-mac')).toHaveText('aa:bb:cc:dd:ee:ff')
    await expect(row.getByTestId('port-attachment')).toHaveText('default')
    // The running VM's address, from the test driver's DHCP lease on "default".
    const lease = row.locator('[data-testid="port-address"]', { hasText: '192.168.122.3/24' })
    await expect(lease.getByTestId('port-address-value')).toHaveText('192.168.122.3/24')
    await expect(lease.getByTestId('port-address-source')).toHaveText('lease')
    await expect(lease).toHaveAttribute('data-source', 'lease')

    // Search by the end of the MAC: still there.
    const search = page.getByTestId('ports-search')
    await search.fill('ee:ff')
    await expect(page).toHaveURL(/[?&]q=ee(%3A|:)ff(&|$)/)
    await expect(row).toBeVisible()
    await expect(row.getByTestId('port-mac')).toHaveText('aa:bb:cc:dd:ee:ff')

    // A search nothing matches: the empty state.
    await search.fill('zz-nothing')
    await expect(page.getByTestId('ports-empty')).toBeVisible()
    await expect(page.getByTestId('ports-empty')).toContainText('No ports match these filters.')
    await expect(rows).toHaveCount(0)
  } finally {
    const r = await request.delete(`/api/v1/hosts/${host.id}`)
    expect([204, 404]).toContain(r.status())
  }
})
