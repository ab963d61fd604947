import { expect, test } from '@playwright/test'
import type { Host, NetworkList, Topology } from '../src/api/types'
import { uniqueName, deleteTestHosts } from './testbed'

// Runs against the same real server as the other specs (started with no hosts), serially. It adds
// its own test:///default host, whose libvirt test driver has one network, "default" (NAT), and
// one running VM, "test", with a NIC on it; it deletes the host at the end and does not rely on
// hosts left by other tests. Waits use expect() polling — never fixed sleeps.

test('topology: the test host, its default network and the VM test, connected in the diagram and the grid; live; click-through', async ({
  page,
  request,
}) => {
  await deleteTestHosts(request)
  const hostName = uniqueName('e2e-topo')
  const created = await request.post('/api/v1/hosts', { data: { name: hostName, uri: 'test:///default' } })
  expect(created.status()).toBe(201)
  const host = (await created.json()) as Host
  const networkActive = async () =>
    ((await (await request.get(`/api/v1/networks?hostId=${host.id}`)).json()) as NetworkList).items.find((n) => n.name === 'default')?.active
  const networkAction = (action: 'start' | 'stop') =>
    request.post(`/api/v1/hosts/${host.id}/networks/default/actions/${action}`, { headers: { 'X-Requested-By': 'web' } })

  try {
    // The host's networks and VMs have been synced: the VM test's NIC is on the network default.
    await expect
      .poll(
        async () => {
          const t = (await (await request.get(`/api/v1/topology?hostId=${host.id}`)).json()) as Topology
          const h = t.hosts[0]
          return !!h && h.networks.some((n) => n.name === 'default') && h.ports.some((p) => p.vmName === 'test' && p.network === 'default')
        },
        { timeout: 30_000 },
      )
      .toBe(true)

    await page.goto(`/topology?hostId=${host.id}`)
    await expect(page.getByTestId('event-status')).toHaveAttribute('data-status', 'open')
    await expect(page.getByTestId('topo-host-filter')).toHaveValue(host.id)
    await expect(page.getByTestId('topo-diagram')).toBeVisible()

    const inHost = `[data-testid="topo-node"][data-host-id="${host.id}"]`
    const hostNode = page.locator(`${inHost}[data-kind="host"]`)
    await expect(hostNode).toHaveAttribute('data-name', hostName)
    await expect(hostNode).toHaveAttribute('data-state', 'connected')
    // Only our host is drawn.
    await expect(page.locator(`[data-testid="topo-node"][data-kind="host"]`)).toHaveCount(1)

    const net = page.locator(`${inHost}[data-kind="network"][data-name="default"]`)
    await expect(net).toHaveAttribute('data-state', 'active')
    const vm = page.locator(`${inHost}[data-kind="vm"][data-name="test"]`)
    await expect(vm).toHaveCount(1)
    await expect(vm).toHaveAttribute('data-network', 'default')
    await expect(vm).toHaveAttribute('data-state', 'running')

    // Connected: host → network → VM (the network has no portgroups), each joined by an edge.
    const [hostId, netId, vmNodeId, vmId] = await Promise.all([
      hostNode.getAttribute('data-id'),
      net.getAttribute('data-id'),
      vm.getAttribute('data-id'),
      vm.getAttribute('data-vm-id'),
    ])
    await expect(net).toHaveAttribute('data-parent-id', hostId!)
    await expect(vm).toHaveAttribute('data-parent-id', netId!)
    await expect(page.locator(`[data-testid="topo-edge"][data-from="${hostId}"][data-to="${netId}"]`)).toHaveCount(1)
    await expect(page.locator(`[data-testid="topo-edge"][data-from="${netId}"][data-to="${vmNodeId}"]`)).toHaveCount(1)

    // Hovering the VM lights up its path.
    await vm.hover()
    await expect(net).toHaveAttribute('data-highlighted', 'true')
    await expect(hostNode).toHaveAttribute('data-highlighted', 'true')

    // Live: stopping the network (behind the page's back) greys it out through the event-driven refetch.
    expect((await networkAction('stop')).ok()).toBe(true)
    await expect.poll(networkActive).toBe(false)
    await expect(net).toHaveAttribute('data-state', 'inactive')
    expect((await networkAction('start')).ok()).toBe(true)
    await expect(net).toHaveAttribute('data-state', 'active')

    // Click-through: the VM node opens the VM's page.
    await vm.click()
    await expect(page).toHaveURL(new RegExp(`/vms/${vmId}$`))
    await expect(page.getByTestId('vm-detail-name')).toHaveText('test')

    // The grid shows the same: the host's card, its default network, the VM test on it.
    await page.goto(`/topology?hostId=${host.id}`)
    await page.getByTestId('topo-view-grid').click()
    await expect(page).toHaveURL(new RegExp(`/topology\\?hostId=${host.id}&view=grid$`))
    await expect(page.getByTestId('topo-diagram')).toHaveCount(0)
    const card = page.locator(`[data-testid="topo-host-card"][data-host-id="${host.id}"]`)
    await expect(card).toHaveAttribute('data-state', 'connected')
    await expect(card.getByTestId('topo-host-link')).toHaveText(hostName)
    const gridNet = card.locator('[data-testid="topo-grid-network"][data-name="default"]')
    await expect(gridNet.getByTestId('topo-grid-network-kind')).toHaveText('NAT')
    await expect(gridNet.getByTestId('topo-grid-network-state')).toHaveText('active')
    const chip = gridNet.locator('[data-testid="topo-grid-vm"][data-name="test"]')
    await expect(chip).toHaveAttribute('data-vm-id', vmId!)
    await chip.click()
    await expect(page).toHaveURL(new RegExp(`/vms/${vmId}$`))

    // Back in the grid (the view is in the URL), the network name opens the Networks page filtered to it.
    await page.goBack()
    await expect(page).toHaveURL(/view=grid/)
    await gridNet.getByTestId('topo-grid-network-link').click()
    await expect(page).toHaveURL(new RegExp(`/networks\\?hostId=${host.id}&q=default$`))
    await expect(page.locator(`[data-testid="network-row-default"][data-host-id="${host.id}"]`)).toBeVisible()
  } finally {
    const r = await request.delete(`/api/v1/hosts/${host.id}`)
    expect([204, 404]).toContain(r.status())
  }
})
