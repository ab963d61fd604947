import { join } from 'node:path'
import { expect, test, type APIRequestContext, type Page } from '@playwright/test'
import type { PluginEntry } from '../src/api/types'
import { buildExamplePlugins, removePlugin, HOSTILE, MACVTAP } from './examplePlugins'

// WASM plugins through the Plugins page, against the real server (which keeps plugins in
// <data-dir>/plugins). The example plugins are built by scripts/build-plugins.sh (idempotent,
// quick when nothing changed), which prints the directory holding macvtap/ and hostile/, each
// with its plugin.toml and <name>.wasm. Both plugins are removed through the API before and after
// (404 when already gone). Waits use expect() polling — never fixed sleeps.

let pluginsDir = ''

test.beforeAll(() => {
  // A first build of the guests (wasm32-wasip2) may take minutes.
  test.setTimeout(15 * 60_000)
  pluginsDir = buildExamplePlugins()
})

async function removeTestPlugins(request: APIRequestContext) {
  for (const id of [MACVTAP, HOSTILE]) await removePlugin(request, id)
}

const listed = async (request: APIRequestContext) => (await (await request.get('/api/v1/plugins')).json()) as PluginEntry[]
const onServer = async (request: APIRequestContext, id: string) => (await listed(request)).find((p) => p.kind === id)

/** Opens "Install plugin", chooses the plugin's two files and sends them. */
async function upload(page: Page, name: 'macvtap' | 'hostile') {
  await page.getByTestId('plugins-install').click()
  await expect(page.getByTestId('plugin-install-modal')).toBeVisible()
  await page.getByTestId('plugin-install-manifest').setInputFiles(join(pluginsDir, name, 'plugin.toml'))
  await page.getByTestId('plugin-install-component').setInputFiles(join(pluginsDir, name, `${name}.wasm`))
  await expect(page.getByTestId('plugin-install-submit')).toBeEnabled()
  await page.getByTestId('plugin-install-submit').click()
}

test('plugins page: install macvtap, a second install refused, disable and enable, grant kv to the hostile fixture, remove both', async ({
  page,
  request,
}) => {
  await removeTestPlugins(request)
  try {
    await page.goto('/plugins')
    const builtins = page.locator('[data-testid^="plugin-row-"][data-builtin="true"]')
    const wasmRows = page.locator('[data-testid^="plugin-row-"][data-builtin="false"]')
    await expect(builtins.first()).toBeVisible()
    const builtinCount = await builtins.count()

    // Install macvtap: it starts enabled and adds the macvtap NIC kind.
    await upload(page, 'macvtap')
    await expect(page.getByTestId('plugin-install-modal')).toHaveCount(0)
    const mac = page.getByTestId(`plugin-row-${MACVTAP}`)
    await expect(mac.getByTestId('plugin-state')).toHaveText('enabled')
    await expect(mac.getByTestId('plugin-nic-kind')).toHaveText(['macvtap'])
    await expect(mac.getByTestId('plugin-api-version')).toHaveText('0.1.0')
    await expect(mac.getByTestId('plugin-extension-points')).toContainText('Network driver')

    // The same upload again: the server's 409 message in the dialog, which stays open.
    await upload(page, 'macvtap')
    await expect(page.getByTestId('plugin-install-error')).toContainText(`plugin '${MACVTAP}' is installed already`)
    await expect(page.getByTestId('plugin-install-modal')).toBeVisible()
    await page.getByTestId('plugin-install-cancel').click()
    await expect(page.getByTestId('plugin-install-modal')).toHaveCount(0)

    // Disable, then enable.
    await mac.getByTestId('plugin-disable').click()
    await expect(mac.getByTestId('plugin-state')).toHaveText('disabled')
    await expect.poll(async () => (await onServer(request, MACVTAP))?.wasm?.state).toBe('disabled')
    await mac.getByTestId('plugin-enable').click()
    await expect(mac.getByTestId('plugin-state')).toHaveText('enabled')
    await expect(mac.getByTestId('plugin-nic-kind')).toHaveText(['macvtap'])
    await expect.poll(async () => (await onServer(request, MACVTAP))?.wasm?.state).toBe('enabled')

    // The hostile fixture asks for kv, granted in the Capabilities dialog.
    await upload(page, 'hostile')
    await expect(page.getByTestId('plugin-install-modal')).toHaveCount(0)
    const hostile = page.getByTestId(`plugin-row-${HOSTILE}`)
    await expect(hostile.getByTestId('plugin-state')).toHaveText('enabled')
    await expect(hostile.getByTestId('plugin-capability-kv')).toHaveAttribute('data-granted', 'false')
    await hostile.getByTestId('plugin-capabilities').click()
    await expect(page.getByTestId('plugin-grants-modal')).toBeVisible()
    await expect(page.getByTestId('plugin-grant-kv')).toContainText('key-value store')
    await page.getByTestId('plugin-grant-kv-checkbox').check()
    await page.getByTestId('plugin-grants-save').click()
    await expect(page.getByTestId('plugin-grants-modal')).toHaveCount(0)
    await expect(hostile.getByTestId('plugin-capability-kv')).toHaveAttribute('data-granted', 'true')
    await expect.poll(async () => (await onServer(request, HOSTILE))?.wasm?.granted).toEqual(['kv'])

    // Remove both (after the confirmation): only the built-ins are left.
    for (const row of [mac, hostile]) {
      await row.getByTestId('plugin-remove').click()
      await expect(page.getByTestId('confirm-message')).toContainText('Remove plugin')
      await page.getByTestId('confirm-accept').click()
      await expect(row).toHaveCount(0)
    }
    await expect(wasmRows).toHaveCount(0)
    await expect(builtins).toHaveCount(builtinCount)
    await expect.poll(async () => (await listed(request)).every((p) => p.builtin)).toBe(true)

    // A fresh load shows the same.
    await page.reload()
    await expect(builtins).toHaveCount(builtinCount)
    await expect(wasmRows).toHaveCount(0)
  } finally {
    await removeTestPlugins(request)
  }
})
