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

test('portgroups: add, edit and remove a portgroup of an Open vSwitch network made in the UI, a bad VLAN refused in the dialog', async ({ page, request }) => {
  await deleteTestHosts(request)
  const hostName = uniqueName('e2e-netpg')
  const created = await request.post('/api/v1/hosts', { data: { name: hostName, uri: 'test:///default' } })
  expect(created.status()).toBe(201)
  const host = (await created.json()) as Host
  const netName = uniqueName('e2e-ovs')
  const onServer = async () =>
    ((await (await request.get(`/api/v1/networks?hostId=${host.id}`)).json()) as NetworkList).items.find((n) => n.name === netName)
  const portgroupsOnServer = async () => (await onServer())?.portgroups ?? null

  try {
    await expect
      .poll(async () => ((await (await request.get(`/api/v1/hosts/${host.id}`)).json()) as Host).state, { timeout: 30_000 })
      .toBe('connected')
    await page.goto('/networks')
    await expect(page.getByTestId('event-status')).toHaveAttribute('data-status', 'open')
    await expect(page.locator(`[data-testid="network-row-default"][data-host-id="${host.id}"]`)).toBeVisible({ timeout: 30_000 })

    // An Open vSwitch network without portgroups, from the New network dialog.
    await page.getByTestId('networks-new').click()
    const createModal = page.getByTestId('network-create-modal')
    await expect(createModal).toBeVisible()
    await page.getByTestId('network-create-host').selectOption(host.id)
    await page.getByTestId('network-create-name').fill(netName)
    await page.getByTestId('network-create-kind-openvswitch').check()
    // The bridge must be an interface of the host: the test driver's only one is eth1 (it does not
    // check the interface is an Open vSwitch bridge).
    await page.getByTestId('network-create-bridge').fill('eth1')
    await expect(page.getByTestId('network-create-submit')).toBeEnabled()
    await page.getByTestId('network-create-submit').click()
    await expect(createModal).toBeHidden({ timeout: 30_000 })
    const row = page.locator(`[data-testid="network-row-${netName}"][data-host-id="${host.id}"]`)
    await expect(row.getByTestId('network-kind')).toHaveText('Open vSwitch')
    await expect.poll(portgroupsOnServer).toEqual([])

    // Its portgroups, under the row.
    await row.getByTestId('network-expand').click()
    const panel = page.locator(`[data-testid="network-portgroups-${netName}"][data-host-id="${host.id}"]`)
    await expect(panel.getByTestId('network-portgroups-none')).toBeVisible()

    // Add: VLAN 4095 is refused in the dialog, VLAN 10 as the default is added.
    await panel.getByTestId('portgroup-add').click()
    const modal = page.getByTestId('portgroup-modal')
    await expect(modal).toBeVisible()
    await expect(modal).toContainText(`Add portgroup to ${netName}`)
    await page.getByTestId('portgroup-form-name').fill('vlan10')
    await page.getByTestId('portgroup-form-vlans').fill('4095')
    await expect(modal).toContainText('VLAN 4095 is reserved; use 1–4094')
    await expect(page.getByTestId('portgroup-form-vlans')).toHaveAttribute('aria-invalid', 'true')
    const submit = page.getByTestId('portgroup-form-submit')
    await expect(submit).toBeDisabled()
    await page.getByTestId('portgroup-form-vlans').fill('10')
    await expect(modal).not.toContainText('VLAN 4095')
    await page.getByTestId('portgroup-form-default').check()
    await expect(submit).toBeEnabled()
    await submit.click()
    await expect(modal).toBeHidden({ timeout: 30_000 })
    const vlan10 = panel.locator('[data-testid="network-portgroup"][data-portgroup="vlan10"]')
    await expect(vlan10.getByTestId('portgroup-vlan')).toHaveText('VLAN 10')
    await expect(vlan10.getByTestId('portgroup-default')).toBeVisible()
    await expect(row.getByTestId('network-portgroup-count')).toHaveText('1 portgroup')
    await expect.poll(portgroupsOnServer).toEqual([{ name: 'vlan10', isDefault: true, vlanTags: [10], trunk: false, nativeVlan: null }])

    // Edit: a trunk of 10 and 20 with native 20, no longer the default; the name stays.
    await vlan10.getByTestId('portgroup-edit').click()
    await expect(modal).toContainText(`Edit portgroup vlan10 of ${netName}`)
    await expect(page.getByTestId('portgroup-form-name')).toHaveValue('vlan10')
    await expect(page.getByTestId('portgroup-form-name')).toHaveAttribute('readonly', '')
    await expect(page.getByTestId('portgroup-form-vlans')).toHaveValue('10')
    await page.getByTestId('portgroup-form-vlans').fill('10, 20')
    await page.getByTestId('portgroup-form-trunk').check()
    await page.getByTestId('portgroup-form-native').selectOption('20')
    await page.getByTestId('portgroup-form-default').uncheck()
    await expect(submit).toBeEnabled()
    await submit.click()
    await expect(modal).toBeHidden({ timeout: 30_000 })
    await expect(vlan10.getByTestId('portgroup-vlan')).toHaveText('trunk 10,20 (native 20)')
    await expect(vlan10.getByTestId('portgroup-default')).toHaveCount(0)
    await expect.poll(portgroupsOnServer).toEqual([{ name: 'vlan10', isDefault: false, vlanTags: [10, 20], trunk: true, nativeVlan: 20 }])

    // Remove, after the confirmation.
    await vlan10.getByTestId('portgroup-remove').click()
    await expect(page.getByTestId('portgroup-remove-message')).toContainText(`Remove portgroup "vlan10" from network "${netName}"`)
    await page.getByTestId('portgroup-remove-confirm').click()
    await expect(page.getByTestId('portgroup-remove-dialog')).toBeHidden({ timeout: 30_000 })
    await expect(vlan10).toHaveCount(0)
    await expect(panel.getByTestId('network-portgroups-none')).toBeVisible()
    await expect.poll(portgroupsOnServer).toEqual([])

    await row.getByTestId('network-delete').click()
    await page.getByTestId('network-delete-confirm').click()
    await expect(row).toHaveCount(0)
    await expect.poll(onServer).toBeUndefined()
  } finally {
    const r = await request.delete(`/api/v1/hosts/${host.id}`)
    expect([204, 404]).toContain(r.status())
  }
})
