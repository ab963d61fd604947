import { expect, test } from '@playwright/test'
import type { Host, NetworkKindList, NetworkList } from '../src/api/types'
import { deleteTestHosts, uniqueName } from './testbed'
import { buildExamplePlugins, installPlugin, removePlugin, MACVTAP } from './examplePlugins'

// A network kind a plugin adds, against the same real server as the other specs (started with no
// hosts), serially. The macvtap example plugin (built by scripts/build-plugins.sh, installed here
// through the API) adds the network kind `macvtap` and recognizes such networks (a forward mode
// bridge/vepa/private/passthrough on a host device). The test adds its own test:///default host
// and removes the network, the plugin and the host at the end. Waits use expect() polling, never
// fixed sleeps.


test.describe('a network kind a plugin adds', () => {
  let pluginsDir = ''

  test.beforeAll(() => {
    test.setTimeout(15 * 60_000)
    pluginsDir = buildExamplePlugins()
  })

  test('New network → Plugin kind → macvtap (eth1, vepa): created, then listed with the macvtap badge and forward mode vepa', async ({ page, request }) => {
    await deleteTestHosts(request)
    await removePlugin(request, MACVTAP)
    const created = await request.post('/api/v1/hosts', { data: { name: uniqueName('e2e-netkind'), uri: 'test:///default' } })
    expect(created.status()).toBe(201)
    const host = (await created.json()) as Host
    const netName = uniqueName('e2e-mvtap')
    const onServer = async () =>
      ((await (await request.get(`/api/v1/networks?hostId=${host.id}`)).json()) as NetworkList).items.find((n) => n.name === netName)

    try {
      // Install macvtap through the API; it starts enabled.
      await installPlugin(request, pluginsDir, 'macvtap')
      const kinds = (await (await request.get('/api/v1/network-kinds')).json()) as NetworkKindList
      expect(kinds.items.map((k) => [k.name, k.plugin])).toContainEqual(['macvtap', MACVTAP])

      await expect
        .poll(async () => ((await (await request.get(`/api/v1/hosts/${host.id}`)).json()) as Host).state, { timeout: 30_000 })
        .toBe('connected')
      // The plugin checks the params before anything is made.
      const refused = await request.post(`/api/v1/hosts/${host.id}/networks`, {
        data: { name: netName, kind: 'plugin', pluginKind: 'macvtap', params: { dev: 'bad dev' } },
      })
      expect(refused.status()).toBe(422)
      expect((await refused.json()) as { code: string; message: string }).toMatchObject({
        code: 'invalid_request',
        message: expect.stringContaining("network kind 'macvtap': dev:"),
      })

      await page.goto('/networks')
      await expect(page.getByTestId('event-status')).toHaveAttribute('data-status', 'open')
      // The host's own network has arrived: the page knows the host is connected.
      await expect(page.locator(`[data-testid="network-row-default"][data-host-id="${host.id}"]`)).toBeVisible({ timeout: 30_000 })

      await page.getByTestId('networks-new').click()
      const modal = page.getByTestId('network-create-modal')
      await expect(modal).toBeVisible()
      await page.getByTestId('network-create-host').selectOption(host.id)
      await page.getByTestId('network-create-name').fill(netName)
      await page.getByTestId('network-create-kind-plugin').check()
      await expect(page.getByTestId('network-create-plugin-kind')).toHaveValue('macvtap')
      await expect(page.getByTestId('network-create-plugin-kind-plugin')).toHaveText(MACVTAP)
      await expect(page.getByTestId('network-create-plugin-kind-about')).toContainText('A network of macvtap ports on a host device')
      await expect(page.getByTestId('network-create-bridge')).toHaveCount(0)
      await expect(page.getByTestId('network-param-mode')).toHaveValue('bridge')
      const submit = page.getByTestId('network-create-submit')
      await expect(submit).toBeDisabled()
      await expect(submit).toHaveAttribute('title', 'Host device: Required')

      await page.getByTestId('network-param-dev').fill('eth1')
      await page.getByTestId('network-param-mode').selectOption('vepa')
      await expect(submit).toBeEnabled()
      await submit.click()
      await expect(modal).toBeHidden({ timeout: 30_000 })

      const row = page.locator(`[data-testid="network-row-${netName}"][data-host-id="${host.id}"]`)
      await expect(row).toBeVisible()
      await expect(row.getByTestId('network-kind')).toHaveText('vepa')
      const badge = row.getByTestId('network-plugin-kind')
      await expect(badge).toHaveText('macvtap')
      await expect(badge).toHaveAttribute('data-plugin', MACVTAP)
      await expect(badge).toHaveAttribute('title', new RegExp(`of the plugin ${MACVTAP.replaceAll('.', '\\.')}.*mode=vepa`))
      await expect(row.getByTestId('network-plugin-params')).toContainText('vepa')

      // The server made it as asked and recognizes it as macvtap.
      const made = await onServer()
      expect(made?.forwardMode).toBe('vepa')
      expect(made?.pluginKind).toMatchObject({ kind: 'macvtap', plugin: MACVTAP, params: { mode: 'vepa' } })
    } finally {
      const gone = await request.delete(`/api/v1/hosts/${host.id}/networks/${encodeURIComponent(netName)}?force=true`, {
        headers: { 'X-Requested-By': 'web' },
      })
      expect([204, 404]).toContain(gone.status())
      await removePlugin(request, MACVTAP)
      const r = await request.delete(`/api/v1/hosts/${host.id}`)
      expect([204, 404]).toContain(r.status())
    }
  })
})
