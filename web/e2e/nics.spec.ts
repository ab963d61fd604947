import { expect, test, type APIRequestContext, type Page } from '@playwright/test'
import type { Host, NicKindList, TaskList, Vm, VmDetail, VmList } from '../src/api/types'
import { deleteTestHosts, uniqueName } from './testbed'
import { buildExamplePlugins, installPlugin, removePlugin, MACVTAP } from './examplePlugins'

// Runs against the same real server as the other specs (started with no hosts), serially. It adds
// its own test:///default host, whose libvirt test driver has one running VM, "test", with one NIC
// (aa:bb:cc:dd:ee:ff) on the "default" network, and deletes the host at the end. The test driver
// cannot hot-plug or change devices: every NIC request is accepted (202) and its task then fails
// with libvirt's reason, which the task drawer shows; the VM is left as found. Waits use expect()
// polling, never fixed sleeps.

const TEST_NIC = 'aa:bb:cc:dd:ee:ff'

/** The discovered VM "test" of a host, once the host's first sync found it. */
async function discoveredTestVm(request: APIRequestContext, hostId: string): Promise<Vm> {
  let vm: Vm | undefined
  await expect
    .poll(
      async () => {
        const list = (await (await request.get(`/api/v1/discovered-vms?hostId=${hostId}`)).json()) as VmList
        vm = list.items.find((v) => v.name === 'test')
        return vm?.state
      },
      { timeout: 30_000 },
    )
    .toBe('running')
  return vm!
}

/** The drawer's entries of `kind`, newest first. */
const drawerTasks = (page: Page, kind: string) => page.getByTestId('task-drawer').locator(`[data-testid="task-drawer-item"][data-kind="${kind}"]`)

/** Runs `act`, then expects one more drawer entry of `kind`, which fails with libvirt's reason naming `call`. */
async function expectFailedTask(page: Page, kind: string, call: string, act: () => Promise<void>) {
  const items = drawerTasks(page, kind)
  const before = await items.count()
  await act()
  await expect(items).toHaveCount(before + 1)
  const item = items.first()
  await expect(item).toHaveAttribute('data-state', 'failed')
  await expect(item.getByTestId('task-target')).toHaveText('test')
  await expect(item.getByTestId('task-error')).toContainText(call)
}

test('NICs of the test VM: add, change, link switch and remove end as failed tasks with libvirt’s reason', async ({ page, request }) => {
  await deleteTestHosts(request)
  const hostName = uniqueName('e2e-nics')
  const created = await request.post('/api/v1/hosts', { data: { name: hostName, uri: 'test:///default' } })
  expect(created.status()).toBe(201)
  const host = (await created.json()) as Host

  try {
    const vm = await discoveredTestVm(request, host.id)
    await page.goto(`/vms/${vm.id}`)
    await expect(page.getByTestId('event-status')).toHaveAttribute('data-status', 'open')
    const row = page.locator(`[data-mac="${TEST_NIC}"]`)
    await expect(row.getByTestId('vm-nic-source')).toHaveText('default')

    // A discovered VM's NICs are read-only; importing it brings the controls, live.
    await expect(page.getByTestId('vm-nic-add')).toHaveCount(0)
    await expect(row.getByTestId('vm-nic-remove')).toHaveCount(0)
    await page.getByTestId('vm-import').click()
    await expect(page.getByTestId('vm-managed-badge')).toHaveText('managed')
    await expect(page.getByTestId('vm-nic-add')).toBeEnabled()
    await expect(row.getByTestId('vm-nic-link-toggle')).toHaveText('Disconnect')

    // Add NIC: the host's networks are offered ("default" preselected); the MAC is checked as typed.
    await page.getByTestId('vm-nic-add').click()
    const addModal = page.getByTestId('nic-add-modal')
    await expect(addModal).toBeVisible()
    await expect(page.getByTestId('nic-network')).toHaveValue('default')
    await expect(page.getByTestId('nic-portgroup')).toBeDisabled()
    await page.getByTestId('nic-model').selectOption('e1000')
    const submit = page.getByTestId('nic-add-submit')
    await page.getByTestId('nic-mac').fill('01:00:5e:00:00:01')
    await expect(addModal).toContainText('01:00:5e:00:00:01 is a multicast address; a NIC needs a unicast one')
    await expect(submit).toBeDisabled()
    await page.getByTestId('nic-mac').fill(TEST_NIC)
    await expect(addModal).toContainText(`The VM already has a NIC with MAC ${TEST_NIC}`)
    await page.getByTestId('nic-mac').fill('52:54:00:E2:E0:01')
    await expect(submit).toBeEnabled()
    await expectFailedTask(page, 'vm.nic.attach', 'virDomainAttachDeviceFlags', async () => {
      await submit.click()
      await expect(addModal).toBeHidden()
    })

    // The link switch: at once, no question.
    await expectFailedTask(page, 'vm.nic.update', 'virDomainUpdateDeviceFlags', () => row.getByTestId('vm-nic-link-toggle').click())

    // Change: nothing to send until something differs; then the link, down.
    await row.getByTestId('vm-nic-change').click()
    const changeModal = page.getByTestId('nic-change-modal')
    await expect(changeModal).toBeVisible()
    await expect(page.getByTestId('nic-network')).toHaveValue('default')
    const apply = page.getByTestId('nic-change-submit')
    await expect(apply).toBeDisabled()
    await expect(apply).toHaveAttribute('title', 'Nothing changed')
    await page.getByTestId('nic-change-link-down').check()
    await expectFailedTask(page, 'vm.nic.update', 'virDomainUpdateDeviceFlags', async () => {
      await apply.click()
      await expect(changeModal).toBeHidden()
    })

    // Remove, after a confirmation naming the NIC and the VM.
    await row.getByTestId('vm-nic-remove').click()
    await expect(page.getByTestId('confirm-message')).toContainText(`Remove the NIC ${TEST_NIC} on default from "test"?`)
    await expectFailedTask(page, 'vm.nic.detach', 'virDomainDetachDeviceFlags', () => page.getByTestId('confirm-accept').click())

    // Nothing changed on the VM; the server recorded the four tasks, failed, as asked by the web UI.
    await expect(page.locator('[data-mac]')).toHaveCount(1)
    await expect(row.getByTestId('vm-nic-link')).toHaveText('—')
    const detail = (await (await request.get(`/api/v1/vms/${vm.id}`)).json()) as VmDetail
    expect(detail.nics.map((n) => n.mac)).toEqual([TEST_NIC])
    const tasks = (await (await request.get(`/api/v1/tasks?vmId=${vm.id}`)).json()) as TaskList
    const nicTasks = tasks.items.filter((t) => t.kind.startsWith('vm.nic.'))
    expect(nicTasks.map((t) => t.kind)).toEqual(['vm.nic.detach', 'vm.nic.update', 'vm.nic.update', 'vm.nic.attach'])
    for (const t of nicTasks) {
      expect(t.state).toBe('failed')
      expect(t.requestedBy).toContain('web')
    }
  } finally {
    const r = await request.delete(`/api/v1/hosts/${host.id}`)
    expect([204, 404]).toContain(r.status())
  }
})

// ---- a NIC kind a plugin adds ----------------------------------------------------------------------


test.describe('a NIC kind a plugin adds', () => {
  let pluginsDir = ''

  test.beforeAll(() => {
    test.setTimeout(15 * 60_000)
    pluginsDir = buildExamplePlugins()
  })

  test('Add NIC → Plugin kind → macvtap: params checked as typed, then a vm.nic.attach task that the test driver fails', async ({ page, request }) => {
    await deleteTestHosts(request)
    await removePlugin(request, MACVTAP)
    const hostName = uniqueName('e2e-nic-kind')
    const created = await request.post('/api/v1/hosts', { data: { name: hostName, uri: 'test:///default' } })
    expect(created.status()).toBe(201)
    const host = (await created.json()) as Host

    try {
      const vm = await discoveredTestVm(request, host.id)
      const imported = await request.post('/api/v1/vms/import', { data: { vmIds: [vm.id] } })
      expect(imported.ok()).toBe(true)

      // Install macvtap through the API; it starts enabled.
      await installPlugin(request, pluginsDir, 'macvtap')
      const kinds = (await (await request.get('/api/v1/nic-kinds')).json()) as NicKindList
      expect(kinds.items.map((k) => [k.name, k.plugin])).toContainEqual(['macvtap', MACVTAP])

      // The plugin checks params before any task exists.
      const refused = await request.post(`/api/v1/vms/${vm.id}/nics`, { data: { kind: 'macvtap', params: { dev: 'bad dev' } } })
      expect(refused.status()).toBe(422)
      expect((await refused.json()) as { code: string; message: string }).toMatchObject({
        code: 'invalid_request',
        message: expect.stringContaining("dev: 'bad dev' is not a host interface name"),
      })

      await page.goto(`/vms/${vm.id}`)
      await expect(page.getByTestId('event-status')).toHaveAttribute('data-status', 'open')
      await expect(page.getByTestId('vm-managed-badge')).toHaveText('managed')
      await page.getByTestId('vm-nic-add').click()
      const modal = page.getByTestId('nic-add-modal')
      await expect(modal).toBeVisible()
      await page.getByTestId('nic-mode-kind').check()
      await expect(page.getByTestId('nic-kind')).toHaveValue('macvtap')
      await expect(page.getByTestId('nic-kind-plugin')).toHaveText(MACVTAP)
      await expect(page.getByTestId('nic-kind-about')).toContainText('Direct attachment to a host device through macvtap')
      await expect(page.getByTestId('nic-param-mode')).toHaveValue('bridge')
      const submit = page.getByTestId('nic-add-submit')
      await expect(submit).toBeDisabled()
      await expect(submit).toHaveAttribute('title', 'Host device: Required')

      // "bad dev" breaks the schema's pattern: said in the dialog, nothing can be sent.
      await page.getByTestId('nic-param-dev').fill('bad dev')
      await expect(page.getByTestId('nic-param-field-dev')).toContainText('Must match the pattern ^[A-Za-z0-9_.:-]{1,15}$')
      await expect(submit).toBeDisabled()

      // eth0 in vepa mode: accepted; the test driver cannot hot-plug, so its task fails with a reason.
      await page.getByTestId('nic-param-dev').fill('eth0')
      await page.getByTestId('nic-param-mode').selectOption('vepa')
      await expect(submit).toBeEnabled()
      await expectFailedTask(page, 'vm.nic.attach', 'virDomainAttachDeviceFlags', async () => {
        await submit.click()
        await expect(modal).toBeHidden()
      })

      // The server recorded it, failed with a reason, asked by the web UI; the VM kept its one NIC.
      const tasks = (await (await request.get(`/api/v1/tasks?vmId=${vm.id}`)).json()) as TaskList
      const attach = tasks.items.filter((t) => t.kind === 'vm.nic.attach')
      expect(attach).toHaveLength(1)
      expect(attach[0]!.state).toBe('failed')
      expect(attach[0]!.error ?? '').not.toBe('')
      expect(attach[0]!.requestedBy).toContain('web')
      const detail = (await (await request.get(`/api/v1/vms/${vm.id}`)).json()) as VmDetail
      expect(detail.nics.map((n) => n.mac)).toEqual([TEST_NIC])
    } finally {
      await removePlugin(request, MACVTAP)
      const r = await request.delete(`/api/v1/hosts/${host.id}`)
      expect([204, 404]).toContain(r.status())
    }
  })
})
