import { expect, test, type APIRequestContext, type Page } from '@playwright/test'
import type { Host, Vm, VmList } from '../src/api/types'
import { deleteTestHosts, uniqueName } from './testbed'

// The layout on a phone and on a laptop, against the real server with one test:///default host
// and its VM imported (so the VM list, its table and a VM's page have content to lay out).

/** Whether the page scrolls sideways (content wider than the screen). */
const overflowsSideways = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1)

/** Adds a test:///default host (removing others of that URI) and waits for its VM to be found. */
async function hostWithVm(request: APIRequestContext, prefix: string): Promise<{ host: Host; vm: Vm }> {
  await deleteTestHosts(request)
  const created = await request.post('/api/v1/hosts', { data: { name: uniqueName(prefix), uri: 'test:///default' } })
  expect(created.status()).toBe(201)
  const host = (await created.json()) as Host
  const found = async () => (await (await request.get(`/api/v1/discovered-vms?hostId=${host.id}`)).json()) as VmList
  await expect.poll(async () => (await found()).total, { timeout: 30_000 }).toBe(1)
  return { host, vm: (await found()).items[0]! }
}

test('on a phone the navigation is a drawer and pages fit the screen; on a laptop it is a sidebar', async ({ page, request }) => {
  const { host, vm } = await hostWithVm(request, 'e2e-layout')
  try {
    expect((await request.post('/api/v1/vms/import', { data: { vmIds: [vm.id] } })).status()).toBe(200)

    await page.setViewportSize({ width: 390, height: 844 })
    for (const path of ['/discovered', `/vms?hostId=${host.id}`, `/vms/${vm.id}`]) {
      await page.goto(path)
      await expect(page.getByTestId('nav-toggle')).toBeVisible()
      await expect(page.getByTestId('app-nav')).not.toBeInViewport()
      await expect(page.locator('main')).not.toBeEmpty()
      expect(await overflowsSideways(page), path).toBe(false)
    }

    // The menu opens the drawer; Escape closes it; following a link closes it too.
    const toggle = page.getByTestId('nav-toggle')
    await toggle.click()
    await expect(page.getByTestId('app-nav')).toBeInViewport()
    await expect(toggle).toHaveAttribute('aria-expanded', 'true')
    await page.keyboard.press('Escape')
    await expect(page.getByTestId('app-nav')).not.toBeInViewport()
    await expect(toggle).toHaveAttribute('aria-expanded', 'false')
    await toggle.click()
    await page.getByTestId('nav-discovered').click()
    await expect(page).toHaveURL(/\/discovered$/)
    await expect(page.getByTestId('app-nav')).not.toBeInViewport()
    // A closed drawer is out of the keyboard's way.
    await expect(page.getByTestId('nav-discovered')).toBeHidden()

    await page.setViewportSize({ width: 1280, height: 800 })
    await expect(page.getByTestId('nav-toggle')).toBeHidden()
    await expect(page.getByTestId('app-nav')).toBeInViewport()
    await expect(page.getByTestId('nav-discovered')).toBeVisible()

    // A NIC's actions stay on screen though its table is wider than the page, at both sizes.
    await page.goto(`/vms/${vm.id}`)
    const actions = page.getByTestId('vm-nic-actions').first()
    await actions.scrollIntoViewIfNeeded()
    await expect(actions).toBeInViewport({ ratio: 1 })
    await page.setViewportSize({ width: 390, height: 844 })
    await actions.scrollIntoViewIfNeeded()
    await expect(actions).toBeInViewport({ ratio: 1 })
  } finally {
    await request.delete(`/api/v1/hosts/${host.id}`)
  }
})

test("a VM's page names the VM in the tab and leads back to the list as it was left", async ({ page, request }) => {
  const { host } = await hostWithVm(request, 'e2e-back')
  try {
    await page.goto(`/discovered?hostId=${host.id}&sort=memory`)
    await page.getByTestId('discovered-row-test').getByTestId('vm-name').click()
    await expect(page.getByTestId('vm-detail-name')).toHaveText('test')
    await expect(page).toHaveTitle('test · Virtumancer')
    await page.getByRole('link', { name: '← Discovered VMs' }).click()
    await expect(page).toHaveURL(new RegExp(`/discovered\\?(?=.*hostId=${host.id})(?=.*sort=memory)`))
    await expect(page).toHaveTitle('Discovered VMs · Virtumancer')

    // A malformed id names no VM: the page says so rather than offering a retry.
    await page.goto('/vms/not-a-uuid')
    await expect(page.getByTestId('vm-not-found')).toBeVisible()
  } finally {
    await request.delete(`/api/v1/hosts/${host.id}`)
  }
})
