import { expect, test } from '@playwright/test'
import type { Host, NetworkList } from '../src/api/types'
import { uniqueName, deleteTestHosts } from './testbed'

// Runs against the same real server as the other specs (started with no hosts), serially. It adds
// its own test:///default host, whose libvirt test driver has one network, "default" (NAT), and
// deletes the host at the end; it does not rely on hosts left by other tests. Waits use expect()
// polling — never fixed sleeps.

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

test('new network: create an isolated network with a subnet and DHCP from the dialog, then delete it from its row', async ({ page, request }) => {
  await deleteTestHosts(request)
  const hostName = uniqueName('e2e-netnew')
  const created = await request.post('/api/v1/hosts', { data: { name: hostName, uri: 'test:///default' } })
  expect(created.status()).toBe(201)
  const host = (await created.json()) as Host
  const netName = uniqueName('e2e-iso')
  const onServer = async () =>
    ((await (await request.get(`/api/v1/networks?hostId=${host.id}`)).json()) as NetworkList).items.find((n) => n.name === netName)

  try {
    await expect
      .poll(async () => ((await (await request.get(`/api/v1/hosts/${host.id}`)).json()) as Host).state, { timeout: 30_000 })
      .toBe('connected')
    await page.goto('/networks')
    await expect(page.getByTestId('event-status')).toHaveAttribute('data-status', 'open')
    // The host's own network has arrived: the page knows the host is connected.
    await expect(page.locator(`[data-testid="network-row-default"][data-host-id="${host.id}"]`)).toBeVisible({ timeout: 30_000 })

    await page.getByTestId('networks-new').click()
    const modal = page.getByTestId('network-create-modal')
    await expect(modal).toBeVisible()
    await page.getByTestId('network-create-host').selectOption(host.id)
    await page.getByTestId('network-create-name').fill(netName)
    await page.getByTestId('network-create-kind-isolated').check()
    await expect(page.getByTestId('network-create-ipv4-toggle')).toBeChecked()
    await page.getByTestId('network-create-address').fill('192.168.231.1')
    await page.getByTestId('network-create-prefix').fill('24')
    await page.getByTestId('network-create-dhcp-start').fill('192.168.231.100')
    await page.getByTestId('network-create-dhcp-end').fill('192.168.231.200')
    await expect(page.getByTestId('network-create-start')).toBeChecked()
    const submit = page.getByTestId('network-create-submit')
    await expect(submit).toBeEnabled()
    await submit.click()
    await expect(modal).toBeHidden({ timeout: 30_000 })

    const row = page.locator(`[data-testid="network-row-${netName}"][data-host-id="${host.id}"]`)
    await expect(row).toBeVisible()
    await expect(row.getByTestId('network-kind')).toHaveText('Isolated')
    await expect(row.getByTestId('network-state')).toHaveText('active')
    await expect(row.getByTestId('network-ip-ranges')).toContainText('192.168.231.1/24')
    const made = await onServer()
    expect(made?.forwardMode).toBe('isolated')
    expect(made?.active).toBe(true)
    expect(made?.ipRanges.join(' ')).toContain('192.168.231.100')

    await row.getByTestId('network-delete').click()
    await expect(page.getByTestId('network-delete-message')).toContainText(`Delete network "${netName}"`)
    await page.getByTestId('network-delete-confirm').click()
    await expect(row).toHaveCount(0)
    await expect.poll(onServer).toBeUndefined()
  } finally {
    const r = await request.delete(`/api/v1/hosts/${host.id}`)
    expect([204, 404]).toContain(r.status())
  }
})
