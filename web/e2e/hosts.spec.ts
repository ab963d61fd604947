import { expect, test, type Page } from '@playwright/test'
import type { ApiErrorBody, Host } from '../src/api/types'
import { uniqueName } from './testbed'

// Runs against a real server (started by the Makefile) that begins with no hosts.
// Waits use expect() polling with timeouts — never fixed sleeps.

async function openAddHost(page: Page) {
  await page.goto('/hosts')
  await page.getByTestId('add-host-button').click()
  const modal = page.getByTestId('add-host-modal')
  await expect(modal).toBeVisible()
  return modal
}

test('add a test:///default host, disconnect it, reload, delete it', async ({ page, request }) => {
  const name = uniqueName('e2e-host')
  const modal = await openAddHost(page)

  await page.getByTestId('add-host-name').fill(name)
  await page.getByTestId('add-host-uri').fill('test:///default')
  await page.getByTestId('add-host-test').click()
  const facts = page.getByTestId('add-host-facts')
  await expect(facts).toBeVisible({ timeout: 30_000 })
  await expect(facts).toContainText('Connection succeeded')
  await expect(facts.getByTestId('fact-hostname')).not.toBeEmpty()

  await page.getByTestId('add-host-save').click()
  await expect(modal).toBeHidden()

  const row = page.getByTestId(`host-row-${name}`)
  const badge = row.getByTestId('host-state-badge')
  await expect(row).toBeVisible()
  await expect(row.getByTestId('host-uri')).toHaveText('test:///default')
  // Arrives over the WebSocket (hostState / hostUpserted events).
  await expect(badge).toHaveText('connected', { timeout: 30_000 })
  await expect(row.getByTestId('host-facts-summary')).toBeVisible()
  // The first inventory pass is recorded on the host and shown live (hostUpserted).
  const sync = row.getByTestId('host-sync-status')
  await expect(sync).toHaveAttribute('data-sync', 'synced', { timeout: 30_000 })
  await expect(sync).toContainText('Synced')
  // test:///default has one running VM, not imported yet: counted, with a link to import it.
  const vms = row.getByTestId('host-vm-counts')
  await expect(vms).toContainText('1 VM · 1 running')
  const hostId = (await row.getAttribute('data-host-id'))!
  await vms.getByTestId('host-vm-discovered').click()
  await expect(page).toHaveURL(new RegExp(`/discovered\\?hostId=${hostId}`))
  await expect(page.getByTestId('discovered-row-test')).toBeVisible()
  await page.goBack()

  await row.getByTestId('host-disconnect').click()
  await expect(badge).toHaveText('disconnected', { timeout: 30_000 })
  await expect(row.getByTestId('host-connect')).toBeVisible()

  // The disconnect is persisted (autoConnect=false): still disconnected after a reload.
  await page.reload()
  await expect(badge).toHaveText('disconnected', { timeout: 15_000 })
  const stored = (await (await request.get('/api/v1/hosts')).json()) as Host[]
  expect(stored.find((h) => h.name === name)).toMatchObject({ state: 'disconnected', autoConnect: false })

  await row.getByTestId('host-delete').click()
  const dialog = page.getByTestId('confirm-dialog')
  await expect(dialog).toBeVisible()
  await expect(dialog).toContainText(name)
  await page.getByTestId('confirm-accept').click()
  await expect(dialog).toBeHidden()
  await expect(row).toHaveCount(0)

  const after = (await (await request.get('/api/v1/hosts')).json()) as Host[]
  expect(after.some((h) => h.name === name)).toBe(false)
})

test('an invalid URI shows the server error in the modal and saves nothing', async ({ page, request }) => {
  const name = uniqueName('e2e-bad')
  const modal = await openAddHost(page)

  await page.getByTestId('add-host-name').fill(name)
  await page.getByTestId('add-host-uri').fill('foo://bar')
  const responsePromise = page.waitForResponse(
    (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/v1/hosts',
  )
  await page.getByTestId('add-host-save').click()
  const response = await responsePromise
  expect(response.status()).toBeGreaterThanOrEqual(400)
  expect(response.status()).toBeLessThan(500)
  const body = (await response.json()) as ApiErrorBody
  expect(body.message).toBeTruthy()

  const error = page.getByTestId('add-host-error')
  await expect(error).toHaveText(body.message)
  await expect(error).toHaveAttribute('data-code', body.code)
  await expect(modal).toBeVisible()

  await page.getByTestId('add-host-cancel').click()
  await expect(modal).toBeHidden()
  await expect(page.getByTestId(`host-row-${name}`)).toHaveCount(0)
  const hosts = (await (await request.get('/api/v1/hosts')).json()) as Host[]
  expect(hosts.some((h) => h.name === name)).toBe(false)
})

// Needs the testbed sshd in front of a real libvirtd (scripts/test-all.sh exports these).
const sshPort = process.env.VIRTUMANCER_E2E_SSH_PORT
const sshKey = process.env.VIRTUMANCER_E2E_SSH_KEY
const sshFingerprint = process.env.VIRTUMANCER_E2E_SSH_FINGERPRINT

test('an SSH host is saved only after its host key is shown and trusted', async ({ page, request }) => {
  test.skip(!sshPort || !sshKey || !sshFingerprint, 'needs the testbed sshd (run through `make test`)')
  const name = uniqueName('e2e-ssh')
  const modal = await openAddHost(page)
  await page.getByTestId('add-host-name').fill(name)
  await page.getByTestId('add-host-uri').fill(`qemu+ssh://root@127.0.0.1:${sshPort}/system`)
  await page.getByTestId('add-host-keyfile').fill(sshKey!)

  await page.getByTestId('add-host-test').click()
  const panel = page.getByTestId('add-host-hostkey')
  await expect(panel).toBeVisible({ timeout: 30_000 })
  await expect(page.getByTestId('add-host-hostkey-fingerprint')).toHaveText(sshFingerprint!)
  await expect(page.getByTestId('add-host-hostkey-type')).toHaveText('ssh-ed25519')

  await page.getByTestId('add-host-trust-key').check()
  await page.getByTestId('add-host-test').click()
  const facts = page.getByTestId('add-host-facts')
  await expect(facts).toContainText('Connection succeeded', { timeout: 30_000 })

  await page.getByTestId('add-host-save').click()
  await expect(modal).toBeHidden()
  const row = page.getByTestId(`host-row-${name}`)
  await expect(row.getByTestId('host-state-badge')).toHaveText('connected', { timeout: 30_000 })
  const stored = ((await (await request.get('/api/v1/hosts')).json()) as Host[]).find((h) => h.name === name)
  expect(stored?.hostKey?.fingerprint).toBe(sshFingerprint)

  await row.getByTestId('host-delete').click()
  await page.getByTestId('confirm-accept').click()
  await expect(row).toHaveCount(0)
})
