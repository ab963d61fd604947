import { expect, test, type APIRequestContext, type Page } from '@playwright/test'
import type { Host, HostVmCounts, Vm, VmList } from '../src/api/types'
import { formatBytes } from '../src/lib/format'
import { uniqueName, deleteTestHosts } from './testbed'

// Live usage against the real server (started by the Makefile with no hosts), serially after the
// other specs. It adds its own test:///default host, imports the VM "test" and deletes the host at
// the end. The test driver reports a VM's state but no numbers (all null), so this checks that the
// usage cells and graphs render, follow the live state, load the history ranges without errors,
// that the `stats` topic is subscribed only while a live view is shown, and the dashboard's counts.
// Waits use expect() polling, never sleeps.

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

/** Records the topics the page's event WebSocket asks for (its URL, then every `subscribe` it sends). */
function watchTopics(page: Page): { current: () => string[] } {
  let topics: string[] = []
  page.on('websocket', (ws) => {
    if (!ws.url().includes('/api/v1/events')) return
    topics = decodeURIComponent(new URL(ws.url()).searchParams.get('topics') ?? '').split(',')
    ws.on('framesent', (f) => {
      try {
        const msg = JSON.parse(String(f.payload)) as { subscribe?: string[] }
        if (msg.subscribe) topics = msg.subscribe
      } catch {
        /* not ours */
      }
    })
  })
  return { current: () => [...topics].sort() }
}

const total = async (request: APIRequestContext, url: string) => ((await (await request.get(url)).json()) as VmList).total

test('live usage: VM list cells, VM and host Usage with ranges, subscription only while shown, dashboard', async ({ page, request }) => {
  await deleteTestHosts(request)
  const hostName = uniqueName('e2e-stats')
  const created = await request.post('/api/v1/hosts', { data: { name: hostName, uri: 'test:///default' } })
  expect(created.status()).toBe(201)
  const host = (await created.json()) as Host
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  const topics = watchTopics(page)

  try {
    const vm = await discoveredTestVm(request, host.id)
    const imported = await request.post('/api/v1/vms/import', { data: { vmIds: [vm.id] } })
    expect(imported.status()).toBe(200)

    // The VM list subscribes to `stats`; the row's usage cell fills from live samples.
    await page.goto(`/vms?hostId=${host.id}`)
    await expect(page.getByTestId('event-status')).toHaveAttribute('data-status', 'open')
    await expect.poll(topics.current).toContain('stats')
    const row = page.getByTestId('vm-row-test')
    const usage = row.getByTestId('vm-usage')
    await expect(usage).toBeVisible()
    await expect(usage).toHaveAttribute('data-live', 'true')
    await expect(usage).toHaveAttribute('data-state', 'running')
    // The test driver reports no numbers: the cell shows dashes, and the VM's memory as total.
    await expect(usage.getByTestId('vm-usage-cpu')).toHaveText('—')
    await expect(usage.getByTestId('vm-usage-mem')).toContainText('/ 2 GiB')

    // Pause from the row menu: the usage cell and the state badge follow without a reload.
    await row.getByTestId('vm-power-menu').click()
    await page.getByTestId('vm-power-menu-list-test').getByTestId('vm-power-menu-pause').click()
    await expect(usage).toHaveAttribute('data-state', 'paused')
    await expect(row.getByTestId('vm-state-badge')).toHaveText('paused')

    // The cards show the same cell.
    await page.getByTestId('vms-view-cards').click()
    await expect(page.getByTestId('vm-card-test').getByTestId('vm-usage')).toHaveAttribute('data-state', 'paused')
    await page.getByTestId('vms-view-table').click()

    // VM detail: the Usage section loads `recent`, then `hour` from the database, without errors.
    await row.getByTestId('vm-name').click()
    await expect(page).toHaveURL(new RegExp(`/vms/${vm.id}$`))
    const card = page.getByTestId('usage-card')
    await expect(card).toHaveAttribute('data-subject', 'vm')
    await expect(card).toHaveAttribute('data-status', 'loaded')
    await expect(card.getByTestId('chart-cpu')).toBeVisible()
    await expect(card.getByTestId('chart-network')).toBeVisible()
    await card.getByTestId('usage-range-hour').click()
    await expect(card.getByTestId('usage-range-hour')).toHaveAttribute('aria-pressed', 'true')
    await expect(card).toHaveAttribute('data-range', 'hour')
    await expect(card).toHaveAttribute('data-status', 'loaded')
    await expect(card.getByTestId('usage-error')).toHaveCount(0)
    await card.getByTestId('usage-range-week').click()
    await expect(card).toHaveAttribute('data-range', 'week')
    await expect(card).toHaveAttribute('data-status', 'loaded')
    await expect(card.getByTestId('usage-error')).toHaveCount(0)
    // Resume: the page keeps following the VM.
    await page.getByTestId('vm-power-resume').click()
    await expect(page.getByTestId('vm-state-badge')).toHaveText('running')

    // Host detail: live CPU / memory graphs of the host.
    await page.goto(`/hosts/${host.id}`)
    const hostCard = page.getByTestId('usage-card')
    await expect(hostCard).toHaveAttribute('data-subject', 'host')
    await expect(hostCard).toHaveAttribute('data-status', 'loaded')
    await expect(hostCard.getByTestId('usage-host-line')).toContainText('16 CPUs')
    await expect(hostCard.getByTestId('chart-memory-used')).toBeVisible()
    await expect(hostCard.getByTestId('usage-error')).toHaveCount(0)

    // A page without live numbers lets the subscription go (after a short linger).
    await page.getByTestId('nav-tasks').click()
    await expect(page).toHaveURL(/\/tasks$/)
    await expect.poll(topics.current, { timeout: 10_000 }).not.toContain('stats')

    // Dashboard: host and VM counts as the API tells them, the capacity, the recent tasks.
    const hosts = (await (await request.get('/api/v1/hosts')).json()) as Host[]
    const managed = await total(request, '/api/v1/vms?perPage=1')
    const running = await total(request, '/api/v1/vms?state=running&perPage=1')
    const stopped = await total(request, '/api/v1/vms?state=shutoff&perPage=1')
    await page.getByTestId('nav-dashboard').click()
    await expect(page.getByTestId('dash-hosts-total')).toHaveText(String(hosts.length))
    await expect(page.getByTestId('dash-hosts-connected')).toHaveText(String(hosts.filter((h) => h.state === 'connected').length))
    await expect(page.getByTestId('dash-vms-managed')).toHaveText(String(managed))
    await expect(page.getByTestId('dash-vms-running')).toHaveText(String(running))
    await expect(page.getByTestId('dash-vms-stopped')).toHaveText(String(stopped))
    await expect(page.getByTestId('dash-vms-other')).toHaveText(String(managed - running - stopped))
    // The capacity: what the server counted per host, summed over the connected hosts.
    const connected = hosts.filter((h) => h.state === 'connected' && h.facts)
    const given = ((await (await request.get('/api/v1/vm-counts')).json()) as HostVmCounts[]).filter((c) => connected.some((h) => h.id === c.hostId))
    const sum = (f: (c: HostVmCounts) => number) => given.reduce((n, c) => n + f(c), 0)
    const cpus = connected.reduce((n, h) => n + (h.facts?.cpuCount ?? 0), 0)
    const memory = connected.reduce((n, h) => n + (h.facts?.memoryBytes ?? 0), 0)
    expect(sum((c) => c.activeVcpus)).toBeGreaterThan(0)
    await expect(page.getByTestId('dash-alloc-vcpus-text')).toContainText(`${sum((c) => c.activeVcpus)} vCPUs on ${cpus} CPUs`)
    await expect(page.getByTestId('dash-alloc-memory-text')).toContainText(`${formatBytes(sum((c) => c.activeMemoryBytes))} of ${formatBytes(memory)}`)
    await expect(page.getByTestId('dash-alloc-vcpus-defined')).toHaveText(`Held by ${sum((c) => c.active)} active VM${sum((c) => c.active) === 1 ? '' : 's'} · ${sum((c) => c.vcpus)} vCPUs given to all ${sum((c) => c.vms)}`)
    const recent = page.getByTestId('recent-task')
    await expect(recent.first()).toHaveAttribute('data-kind', 'vm.resume')
    await expect(page.getByTestId('recent-tasks').locator('[data-kind="vm.pause"]').first()).toBeVisible()
    await expect(page.getByTestId('host-usage-list').locator(`[data-host-id="${host.id}"]`)).toBeVisible()
    await expect.poll(topics.current).toContain('stats')
    expect(errors).toEqual([])
  } finally {
    // Leave libvirt's shared test driver as found ("test" running), then delete our host.
    const vms = (await (await request.get(`/api/v1/vms?hostId=${host.id}`)).json()) as VmList
    const test = vms.items?.find((v) => v.name === 'test')
    if (test && test.state !== 'running') {
      await request.post(`/api/v1/vms/${test.id}/actions/${test.state === 'paused' ? 'resume' : 'start'}`)
      await expect
        .poll(async () => ((await (await request.get(`/api/v1/vms/${test.id}`)).json()) as { vm: Vm }).vm.state, { timeout: 15_000 })
        .toBe('running')
    }
    const r = await request.delete(`/api/v1/hosts/${host.id}`)
    expect([204, 404]).toContain(r.status())
  }
})
