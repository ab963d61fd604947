import { expect, test, type APIRequestContext, type Page } from '@playwright/test'
import type { Host, Task, TaskList, Vm, VmList } from '../src/api/types'
import { uniqueName, deleteTestHosts } from './testbed'

// Runs against the same real server as the other specs (started by the Makefile with no hosts),
// after them, serially. It adds its own test:///default host (whose domain "test" runs), imports
// the VM, drives it through pause → resume → shutdown and autostart on → off from the UI, and
// deletes the host at the end. States and tasks arrive over the WebSocket; waits use expect()
// polling, never sleeps.

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

/** The drawer entry of our latest task of `kind` reaches `state`. */
async function expectDrawerTask(page: Page, kind: string, state: Task['state']) {
  const item = page.getByTestId('task-drawer').locator(`[data-testid="task-drawer-item"][data-kind="${kind}"]`).first()
  await expect(item).toHaveAttribute('data-state', state)
  await expect(item.getByTestId('task-target')).toHaveText('test')
}

test('pause, resume and shut down the test VM; states and tasks update live', async ({ page, request }) => {
  await deleteTestHosts(request)
  const hostName = uniqueName('e2e-power')
  const created = await request.post('/api/v1/hosts', { data: { name: hostName, uri: 'test:///default' } })
  expect(created.status()).toBe(201)
  const host = (await created.json()) as Host

  try {
    const vm = await discoveredTestVm(request, host.id)

    // A discovered VM has no power buttons: it must be imported first.
    await page.goto(`/vms/${vm.id}`)
    await expect(page.getByTestId('event-status')).toHaveAttribute('data-status', 'open')
    await expect(page.getByTestId('vm-power-import-first')).toBeVisible()
    await page.getByTestId('vm-import').click()
    await expect(page.getByTestId('vm-managed-badge')).toHaveText('managed')
    await expect(page.getByTestId('vm-power-buttons')).toBeVisible()
    // Enabled by the server's rules for a running VM.
    await expect(page.getByTestId('vm-power-pause')).toBeEnabled()
    await expect(page.getByTestId('vm-power-resume')).toBeDisabled()
    await expect(page.getByTestId('vm-power-start')).toBeDisabled()

    // Pause from the list's row menu; the badge turns "paused" without a reload.
    await page.goto(`/vms?hostId=${host.id}`)
    await expect(page.getByTestId('event-status')).toHaveAttribute('data-status', 'open')
    const row = page.getByTestId('vm-row-test')
    await expect(row.getByTestId('vm-state-badge')).toHaveText('running')
    await row.getByTestId('vm-power-menu').click()
    const menu = page.getByTestId('vm-power-menu-list-test')
    await expect(menu.getByTestId('vm-power-menu-resume')).toBeDisabled()
    await menu.getByTestId('vm-power-menu-pause').click()
    await expectDrawerTask(page, 'vm.pause', 'succeeded')
    await expect(row.getByTestId('vm-state-badge')).toHaveText('paused')

    // Resume from the detail page.
    await row.getByTestId('vm-name').click()
    await expect(page).toHaveURL(new RegExp(`/vms/${vm.id}$`))
    const badge = page.getByTestId('vm-state-badge')
    await expect(badge).toHaveText('paused')
    await expect(page.getByTestId('vm-power-pause')).toBeDisabled()
    await page.getByTestId('vm-power-resume').click()
    await expectDrawerTask(page, 'vm.resume', 'succeeded')
    await expect(badge).toHaveText('running')

    // Shut down, confirmed in its dialog.
    await page.getByTestId('vm-power-shutdown').click()
    const dialog = page.getByTestId('shutdown-dialog')
    await expect(dialog).toBeVisible()
    await expect(dialog).toContainText('"test"')
    await page.getByTestId('shutdown-confirm').click()
    await expect(dialog).toBeHidden()
    await expectDrawerTask(page, 'vm.shutdown', 'succeeded')
    await expect(badge).toHaveText('shutoff')
    await expect(page.getByTestId('vm-power-start')).toBeEnabled()

    // The Tasks page (nav link) lists them, newest first; the VM's link filters by it.
    await page.getByTestId('nav-tasks').click()
    await expect(page).toHaveURL(/\/tasks$/)
    await expect(page.getByTestId('tasks-table')).toBeVisible()
    await page.goto(`/vms/${vm.id}`)
    await page.getByTestId('vm-tasks-link').click()
    await expect(page).toHaveURL(new RegExp(`/tasks\\?vmId=${vm.id}$`))
    const rows = page.getByTestId('tasks-table').getByTestId('task-row')
    await expect(rows).toHaveCount(3)
    await expect(rows.nth(0)).toHaveAttribute('data-kind', 'vm.shutdown')
    await expect(rows.nth(1)).toHaveAttribute('data-kind', 'vm.resume')
    await expect(rows.nth(2)).toHaveAttribute('data-kind', 'vm.pause')
    for (let i = 0; i < 3; i++) {
      await expect(rows.nth(i)).toHaveAttribute('data-state', 'succeeded')
      await expect(rows.nth(i).getByTestId('task-requested-by')).toContainText('web')
    }
    const tasks = (await (await request.get(`/api/v1/tasks?vmId=${vm.id}`)).json()) as TaskList
    expect(tasks.items.map((t) => t.kind)).toEqual(['vm.shutdown', 'vm.resume', 'vm.pause'])

    // Autostart: the page says which way it is and offers only the other; both switch live.
    await page.goto(`/vms/${vm.id}`)
    const autostart = page.getByTestId('vm-autostart')
    await expect(autostart).toHaveText('Off')
    await expect(page.getByTestId('vm-power-autostartOff')).toBeDisabled()
    await page.getByTestId('vm-power-autostartOn').click()
    await expectDrawerTask(page, 'vm.autostartOn', 'succeeded')
    await expect(autostart).toHaveText('On: starts when its host boots')
    await expect(page.getByTestId('vm-power-autostartOn')).toBeDisabled()
    await page.getByTestId('vm-power-autostartOff').click()
    await expectDrawerTask(page, 'vm.autostartOff', 'succeeded')
    await expect(autostart).toHaveText('Off')
    await expect(page.getByTestId('vm-power-autostartOn')).toBeEnabled()
  } finally {
    // Leave libvirt's shared test driver as found ("test" running), then delete our host.
    const vms = (await (await request.get(`/api/v1/vms?hostId=${host.id}`)).json()) as VmList
    const test = vms.items?.find((v) => v.name === 'test')
    if (test?.autostart) await request.post(`/api/v1/vms/${test.id}/actions/autostartOff`)
    if (test && test.state === 'shutoff') {
      await request.post(`/api/v1/vms/${test.id}/actions/start`)
      await expect
        .poll(async () => ((await (await request.get(`/api/v1/vms/${test.id}`)).json()) as { vm: Vm }).vm.state, { timeout: 15_000 })
        .toBe('running')
    }
    const r = await request.delete(`/api/v1/hosts/${host.id}`)
    expect([204, 404]).toContain(r.status())
  }
})
