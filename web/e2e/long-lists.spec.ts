import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test, type Locator, type Page } from '@playwright/test'
import type { Host, VmList } from '../src/api/types'
import { uniqueName } from './testbed'

// A page of 150 VMs (a test-driver node file written here) in real Chromium: the rows are all
// there, but only those on or near the screen carry their live usage and power menu, which
// follow the scroll without changing any row's height.

const COUNT = 150
const name = (i: number) => `long-${String(i).padStart(3, '0')}`

function nodeXml(): string {
  const domains = Array.from(
    { length: COUNT },
    (_, i) =>
      `<domain type='test'><name>${name(i)}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>` +
      `<os><type arch='x86_64'>hvm</type></os></domain>`,
  )
  return `<node>${domains.join('')}</node>`
}

const height = async (l: Locator) => (await l.boundingBox())!.height

/**
 * Checks that the keyboard reaches the menu of a far row (`far`, named `vm`): focusing its
 * stand-in hands the focus to the real menu, which Enter opens.
 */
async function reachableByKeyboard(page: Page, far: Locator, vm: string) {
  const standIn = far.getByTestId('vm-power-menu-stand-in')
  await expect(standIn).toHaveCount(1)
  await standIn.focus()
  const real = far.getByTestId('vm-power-menu')
  await expect(real).toBeFocused()
  // Focusing scrolled the row into view, and an open menu closes on scroll: let the scroll's
  // event go by first, as it has long before a person presses a key.
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))))
  await page.keyboard.press('Enter')
  await expect(page.getByTestId(`vm-power-menu-list-${vm}`)).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(page.getByTestId(`vm-power-menu-list-${vm}`)).toHaveCount(0)
}

/** Checks that `far` defers its costly part, that scrolling to it renders it, and that `near` then defers. */
async function followsTheScroll(near: Locator, far: Locator) {
  await expect(near.getByTestId('vm-usage')).toBeVisible()
  await expect(near.getByTestId('vm-power-menu')).toBeVisible()
  await expect(far.getByTestId('vm-usage-deferred')).toHaveCount(1)
  await expect(far.getByTestId('vm-usage')).toHaveCount(0)
  await expect(far.getByTestId('vm-power-menu')).toHaveCount(0)
  await expect(far.getByTestId('vm-power-menu-stand-in')).toHaveCount(1)
  const before = await height(far)
  await far.scrollIntoViewIfNeeded()
  await expect(far.getByTestId('vm-usage')).toBeVisible()
  await expect(far.getByTestId('vm-power-menu')).toBeVisible()
  await expect(far.getByTestId('vm-usage-deferred')).toHaveCount(0)
  await expect(far.getByTestId('vm-power-menu-stand-in')).toHaveCount(0)
  expect(await height(far)).toBe(before)
  await expect(near.getByTestId('vm-usage-deferred')).toHaveCount(1)
}

test('a long VM list renders live usage and menus only near the screen, without moving rows', async ({ page, request }) => {
  const dir = mkdtempSync(join(tmpdir(), 'virtumancer-e2e-long-'))
  const file = join(dir, 'node.xml')
  writeFileSync(file, nodeXml())
  const created = await request.post('/api/v1/hosts', { data: { name: uniqueName('e2e-long'), uri: `test://${file}` } })
  expect(created.status()).toBe(201)
  const host = (await created.json()) as Host
  try {
    const found = async () => ((await (await request.get(`/api/v1/discovered-vms?hostId=${host.id}&perPage=1`)).json()) as VmList).total
    await expect.poll(found, { timeout: 30_000 }).toBe(COUNT)
    expect((await request.post(`/api/v1/hosts/${host.id}/actions/import-all`)).status()).toBe(200)

    await page.setViewportSize({ width: 1280, height: 800 })
    await page.goto(`/vms?hostId=${host.id}&perPage=200`)
    await page.getByTestId('vms-view-table').click()
    const rows = page.locator('[data-testid^="vm-row-"]')
    await expect(rows).toHaveCount(COUNT)
    await followsTheScroll(page.getByTestId(`vm-row-${name(0)}`), page.getByTestId(`vm-row-${name(COUNT - 1)}`))

    // The menu of a row rendered late works like any other.
    await page.getByTestId(`vm-row-${name(COUNT - 1)}`).getByTestId('vm-power-menu').click()
    await expect(page.getByTestId(`vm-power-menu-list-${name(COUNT - 1)}`)).toBeVisible()
    await page.keyboard.press('Escape')
    await expect(page.getByTestId(`vm-power-menu-list-${name(COUNT - 1)}`)).toHaveCount(0)
    // The first row is far now.
    await reachableByKeyboard(page, page.getByTestId(`vm-row-${name(0)}`), name(0))

    // A click on a stand-in (one the observer has not replaced yet) opens the real menu.
    const mid = page.getByTestId(`vm-row-${name(75)}`)
    await page.evaluate(() => window.scrollTo(0, 0))
    await expect(mid.getByTestId('vm-power-menu-stand-in')).toHaveCount(1)
    await mid.getByTestId('vm-power-menu-stand-in').dispatchEvent('click')
    await expect(mid.getByTestId('vm-power-menu')).toHaveAttribute('aria-expanded', 'true')
    await expect(page.getByTestId(`vm-power-menu-list-${name(75)}`)).toHaveCount(1)
    await page.keyboard.press('Escape')
    await expect(page.getByTestId(`vm-power-menu-list-${name(75)}`)).toHaveCount(0)

    await page.evaluate(() => window.scrollTo(0, 0))
    await page.getByTestId('vms-view-cards').click()
    await expect(page.locator('[data-testid^="vm-card-"]')).toHaveCount(COUNT)
    await followsTheScroll(page.getByTestId(`vm-card-${name(0)}`), page.getByTestId(`vm-card-${name(COUNT - 1)}`))
    await reachableByKeyboard(page, page.getByTestId(`vm-card-${name(0)}`), name(0))
  } finally {
    await page.evaluate(() => localStorage.removeItem('virtumancer.vms.view')).catch(() => {})
    const r = await request.delete(`/api/v1/hosts/${host.id}`)
    expect([204, 404]).toContain(r.status())
    rmSync(dir, { recursive: true, force: true })
  }
})
