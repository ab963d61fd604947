import { expect, test, type APIRequestContext } from '@playwright/test'
import type { Host, NetworkList } from '../src/api/types'

// Runs against the same real server as the other specs (started with no hosts), serially. It adds
// its own test:///default host, whose libvirt test driver has one network, "default" (NAT), and
// deletes the host at the end; it does not rely on hosts left by other tests. Waits use expect()
// polling — never fixed sleeps.

const uniqueName = (prefix: string) => `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`

/** Only one host may use test:///default at a time: delete any leftover one first. */
async function deleteTestHosts(request: APIRequestContext) {
  const hosts = (await (await request.get('/api/v1/hosts')).json()) as Host[]
  for (const h of hosts.filter((h) => h.uri === 'test:///default')) {
    const r = await request.delete(`/api/v1/hosts/${h.id}`)
    expect([204, 404]).toContain(r.status())
  }
}

test('networks page: the test host’s default network, the text filter, the host page link, stop and start', async ({ page, request }) => {
  await deleteTestHosts(request)
  // Open the page (and its event WebSocket) before the host exists: the network can only arrive
  // through the event-driven refetch, never through the first page load.
  await page.goto('/networks')
  await expect(page.getByTestId('event-status')).toHaveAttribute('data-status', 'open')
  await expect(page.getByTestId('networks-table').or(page.getByTestId('networks-empty'))).toBeVisible()

  const hostName = uniqueName('e2e-net')
  const created = await request.post('/api/v1/hosts', { data: { name: hostName, uri: 'test:///default' } })
  expect(created.status()).toBe(201)
  const host = (await created.json()) as Host

  try {
    const row = page.locator(`[data-testid="network-row-default"][data-host-id="${host.id}"]`)
    await expect(row).toBeVisible({ timeout: 30_000 })
    await expect(row.getByTestId('network-host-link')).toHaveText(hostName)
    await expect(row.getByTestId('network-kind')).toHaveText('NAT')

    const listed = (await (await request.get(`/api/v1/networks?hostId=${host.id}`)).json()) as NetworkList
    expect(listed.items.map((n) => n.name)).toEqual(['default'])

    const search = page.getByTestId('networks-search')
    await search.fill(`no-such-network-${Date.now().toString(36)}`)
    await expect(row).toHaveCount(0)
    await expect(page.getByTestId('networks-empty')).toBeVisible()
    await search.fill(hostName)
    await expect(row).toBeVisible()

    // The host page links to its networks (?hostId=), which the filter then shows.
    await page.goto(`/hosts/${host.id}`)
    await page.getByTestId('host-networks-link').click()
    await expect(page).toHaveURL(new RegExp(`/networks\\?hostId=${host.id}$`))
    await expect(page.getByTestId('networks-host-filter')).toHaveValue(host.id)
    await expect(row).toBeVisible()

    // Stop the network from its row (after the confirmation), then start it again.
    const state = row.getByTestId('network-state')
    const activeOnServer = async () =>
      ((await (await request.get(`/api/v1/networks?hostId=${host.id}`)).json()) as NetworkList).items.find((n) => n.name === 'default')?.active
    await expect(state).toHaveText('active')
    await row.getByTestId('network-stop').click()
    await expect(page.getByTestId('confirm-message')).toContainText('Stop network "default"')
    await page.getByTestId('confirm-accept').click()
    await expect(state).toHaveText('inactive')
    await expect(row.getByTestId('network-stop')).toHaveCount(0)
    await expect(row.getByTestId('network-start')).toBeEnabled()
    await expect.poll(activeOnServer).toBe(false)

    await row.getByTestId('network-start').click()
    await expect(state).toHaveText('active')
    await expect(row.getByTestId('network-stop')).toBeEnabled()
    await expect.poll(activeOnServer).toBe(true)
  } finally {
    const r = await request.delete(`/api/v1/hosts/${host.id}`)
    expect([204, 404]).toContain(r.status())
  }
})
