import { expect, test } from '@playwright/test'
import type { Host, NetworkList, Topology, VmDetail } from '../src/api/types'
import {
  deleteHostsWithUri,
  defineTinyGuest,
  removeTestbedNetwork,
  removeTinyGuest,
  testbedOvsBridge,
  testbedRunning,
  testbedTcpUri,
  tinyGuestNamed,
  uniqueName,
  discoveredVm,
  expectDrawerTask,
} from './testbed'

// The networking acceptance test, on the real testbed's libvirtd (scripts/testbed/libvirtd.sh,
// with its Open vSwitch bridge; skipped without it). A tiny guest (scripts/testbed/tiny-guest.sh)
// is defined shut off behind Virtumancer's back, the host is added over qemu+tcp and the VM
// imported through the API. Then, all through the UI: the Networks page makes an Open vSwitch
// network on the testbed's bridge with two portgroups (vlan10, VLAN 10, the default; vlan20,
// VLAN 20); the VM page's Network card adds a NIC on vlan20 (a shut-off persistent VM: libvirt
// changes its stored configuration) and the task drawer shows the task succeed; the Topology page
// draws host → network → vlan20 → VM, and clicking the VM opens its page. Waits use expect()
// polling, never sleeps. The guest, the network (through the API, then virsh as a safety net)
// and the host are removed at the end whatever happens.

test.skip(!testbedRunning(), 'no libvirt testbed: `virsh -c qemu:///system version` failed')

test('Open vSwitch: a network with two portgroups made in the UI, a VM NIC on vlan20, seen under vlan20 in the topology', async ({ page, request }) => {
  test.setTimeout(300_000)
  const uri = testbedTcpUri()
  const bridge = testbedOvsBridge()
  const vmName = uniqueName('vt-e2e-ovs')
  const guest = tinyGuestNamed(vmName)
  const netName = uniqueName('e2e-ovs')
  let host: Host | undefined

  const networkOnServer = async () =>
    ((await (await request.get(`/api/v1/networks?hostId=${host!.id}`)).json()) as NetworkList).items.find((n) => n.name === netName)

  try {
    await defineTinyGuest(guest)
    await deleteHostsWithUri(request, uri)
    const created = await request.post('/api/v1/hosts', { data: { name: uniqueName('e2e-ovs-host'), uri } })
    expect(created.status(), await created.text()).toBe(201)
    host = (await created.json()) as Host
    const hostId = host.id

    await expect
      .poll(async () => ((await (await request.get(`/api/v1/hosts/${hostId}`)).json()) as Host).state, { timeout: 30_000 })
      .toBe('connected')
    const vm = await discoveredVm(request, hostId, vmName)
    const imported = await request.post('/api/v1/vms/import', { data: { vmIds: [vm.id] } })
    expect(imported.status(), await imported.text()).toBe(200)

    // (1) The Networks page: a new Open vSwitch network on the testbed's bridge, two portgroups.
    await page.goto(`/networks?hostId=${hostId}`)
    await expect(page.getByTestId('event-status')).toHaveAttribute('data-status', 'open')
    await expect(page.getByTestId('networks-host-filter')).toHaveValue(hostId)
    await page.getByTestId('networks-new').click()
    const createModal = page.getByTestId('network-create-modal')
    await expect(createModal).toBeVisible()
    await expect(page.getByTestId('network-create-host')).toHaveValue(hostId)
    await page.getByTestId('network-create-name').fill(netName)
    await page.getByTestId('network-create-kind-openvswitch').check()
    await page.getByTestId('network-create-bridge').fill(bridge)
    await page.getByTestId('network-create-autostart').uncheck()
    await expect(page.getByTestId('network-create-start')).toBeChecked()

    const pgRow = (i: number) => createModal.locator(`[data-testid="network-create-pg"][data-index="${i}"]`)
    await page.getByTestId('network-create-pg-add').click()
    await pgRow(0).getByTestId('network-create-pg-name').fill('vlan10')
    await pgRow(0).getByTestId('network-create-pg-vlans').fill('10')
    await pgRow(0).getByTestId('network-create-pg-default').check()
    await page.getByTestId('network-create-pg-add').click()
    await pgRow(1).getByTestId('network-create-pg-name').fill('vlan20')
    await pgRow(1).getByTestId('network-create-pg-vlans').fill('20')
    await expect(pgRow(1).getByTestId('network-create-pg-default')).not.toBeChecked()
    await expect(pgRow(0).getByTestId('network-create-pg-default')).toBeChecked()

    const submit = page.getByTestId('network-create-submit')
    await expect(submit).toBeEnabled()
    await submit.click()
    await expect(createModal).toBeHidden({ timeout: 30_000 })

    const netRow = page.locator(`[data-testid="network-row-${netName}"][data-host-id="${hostId}"]`)
    await expect(netRow.getByTestId('network-kind')).toHaveText('Open vSwitch')
    await expect(netRow.getByTestId('network-state')).toHaveText('active')
    await expect(netRow.getByTestId('network-portgroup-count')).toHaveText('2 portgroups')
    const made = await networkOnServer()
    expect(made?.bridge).toBe(bridge)
    expect(made?.active).toBe(true)
    expect(made?.portgroups).toEqual([
      { name: 'vlan10', isDefault: true, vlanTags: [10], trunk: false, nativeVlan: null },
      { name: 'vlan20', isDefault: false, vlanTags: [20], trunk: false, nativeVlan: null },
    ])

    // (2) The VM page: Add NIC on the new network's vlan20; the task succeeds in the drawer.
    await page.goto(`/vms/${vm.id}`)
    await expect(page.getByTestId('event-status')).toHaveAttribute('data-status', 'open')
    await expect(page.getByTestId('vm-detail-name')).toHaveText(vmName)
    await expect(page.getByTestId('vm-managed-badge')).toHaveText('managed')
    const nicRows = page.getByTestId('vm-network').locator('[data-mac]')
    const nicsBefore = await nicRows.count()
    const addNic = page.getByTestId('vm-nic-add')
    await expect(addNic).toBeEnabled()
    await addNic.click()
    const addModal = page.getByTestId('nic-add-modal')
    await expect(addModal).toBeVisible()
    await expect(page.getByTestId('nic-mode-network')).toBeChecked()
    await expect(page.getByTestId('nic-network').locator(`option[value="${netName}"]`)).toHaveCount(1)
    await page.getByTestId('nic-network').selectOption(netName)
    const pgSelect = page.getByTestId('nic-portgroup')
    await expect(pgSelect).toBeEnabled()
    await expect(pgSelect).toHaveValue('')
    await pgSelect.selectOption('vlan20')
    const addSubmit = page.getByTestId('nic-add-submit')
    await expect(addSubmit).toBeEnabled()
    await addSubmit.click()
    await expect(addModal).toBeHidden({ timeout: 30_000 })
    await expectDrawerTask(page, 'vm.nic.attach', vmName, 'succeeded', 60_000)

    // The new NIC shows in the Network card, on the network's vlan20.
    await expect(nicRows).toHaveCount(nicsBefore + 1, { timeout: 30_000 })
    const newNic = nicRows.filter({ has: page.getByTestId('vm-nic-portgroup').getByText('vlan20', { exact: true }) })
    await expect(newNic).toHaveCount(1)
    await expect(newNic.getByTestId('vm-nic-source')).toContainText(netName)
    await expect
      .poll(async () => {
        const detail = (await (await request.get(`/api/v1/vms/${vm.id}`)).json()) as VmDetail
        return detail.nics.filter((n) => n.network === netName).map((n) => n.portgroup)
      })
      .toEqual(['vlan20'])

    // (3) The Topology page: host → network → vlan20 → the VM, joined by edges; vlan10 is empty.
    await expect
      .poll(
        async () => {
          const t = (await (await request.get(`/api/v1/topology?hostId=${hostId}`)).json()) as Topology
          return t.hosts[0]?.ports.some((p) => p.vmName === vmName && p.network === netName && p.portgroup === 'vlan20') ?? false
        },
        { timeout: 30_000 },
      )
      .toBe(true)
    await page.goto(`/topology?hostId=${hostId}`)
    await expect(page.getByTestId('event-status')).toHaveAttribute('data-status', 'open')
    await expect(page.getByTestId('topo-diagram')).toBeVisible()

    const inHost = `[data-testid="topo-node"][data-host-id="${hostId}"]`
    const hostNode = page.locator(`${inHost}[data-kind="host"]`)
    const netNode = page.locator(`${inHost}[data-kind="network"][data-name="${netName}"]`)
    const vlan10Node = page.locator(`${inHost}[data-kind="portgroup"][data-network="${netName}"][data-name="vlan10"]`)
    const vlan20Node = page.locator(`${inHost}[data-kind="portgroup"][data-network="${netName}"][data-name="vlan20"]`)
    const vmNode = page.locator(`${inHost}[data-kind="vm"][data-name="${vmName}"]`)
    await expect(netNode).toHaveAttribute('data-state', 'active')
    await expect(vlan10Node).toHaveCount(1)
    await expect(vlan20Node).toHaveCount(1)
    await expect(vmNode).toHaveCount(1)
    await expect(vmNode).toHaveAttribute('data-vm-id', vm.id)
    await expect(vmNode).toHaveAttribute('data-network', netName)
    await expect(vmNode).toHaveAttribute('data-state', 'shutoff')

    const [hostNodeId, netNodeId, vlan10Id, vlan20Id, vmNodeId] = await Promise.all(
      [hostNode, netNode, vlan10Node, vlan20Node, vmNode].map((n) => n.getAttribute('data-id')),
    )
    await expect(netNode).toHaveAttribute('data-parent-id', hostNodeId!)
    await expect(vlan10Node).toHaveAttribute('data-parent-id', netNodeId!)
    await expect(vlan20Node).toHaveAttribute('data-parent-id', netNodeId!)
    await expect(vmNode).toHaveAttribute('data-parent-id', vlan20Id!)
    const edge = (from: string, to: string) => page.locator(`[data-testid="topo-edge"][data-from="${from}"][data-to="${to}"]`)
    await expect(edge(hostNodeId!, netNodeId!)).toHaveCount(1)
    await expect(edge(netNodeId!, vlan20Id!)).toHaveCount(1)
    await expect(edge(vlan20Id!, vmNodeId!)).toHaveCount(1)
    // Nothing hangs under vlan10 (the VM's NIC names vlan20, not the default).
    await expect(page.locator(`[data-testid="topo-node"][data-parent-id="${vlan10Id}"]`)).toHaveCount(0)

    // Click-through: the VM node opens the VM's page.
    await vmNode.click()
    await expect(page).toHaveURL(new RegExp(`/vms/${vm.id}$`))
    await expect(page.getByTestId('vm-detail-name')).toHaveText(vmName)
  } finally {
    await removeTinyGuest(guest)
    let netDeleted: { status: number; body: string } | undefined
    if (host) {
      const r = await request.delete(`/api/v1/hosts/${host.id}/networks/${encodeURIComponent(netName)}?force=true`)
      netDeleted = { status: r.status(), body: await r.text() }
    }
    // A safety net should the API have failed: nothing of ours stays on the testbed.
    await removeTestbedNetwork(netName)
    if (host) {
      const r = await request.delete(`/api/v1/hosts/${host.id}`)
      expect([204, 404]).toContain(r.status())
    }
    if (netDeleted) expect([204, 404], netDeleted.body).toContain(netDeleted.status)
  }
})
