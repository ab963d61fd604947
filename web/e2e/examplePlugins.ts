// The example WASM plugins for the browser tests: built from source by scripts/build-plugins.sh
// (idempotent and quick when nothing changed; a first build of the wasm32-wasip2 guests may take
// minutes), installed and removed through the API.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { expect, type APIRequestContext } from '@playwright/test'
import type { PluginEntry } from '../src/api/types'

export const MACVTAP = 'org.virtumancer.example.macvtap'
export const HOSTILE = 'org.virtumancer.test.hostile'
const ROOT = resolve(import.meta.dirname, '../..')

/** Builds the example plugins; the directory holding `<name>/{plugin.toml,<name>.wasm}`. */
export function buildExamplePlugins(): string {
  const out = execFileSync('bash', [join(ROOT, 'scripts/build-plugins.sh')], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 15 * 60_000,
  })
  const dir = out.trim().split('\n').pop()!.trim()
  expect(dir).not.toBe('')
  return dir
}

/** Removes a plugin through the API (404 when it is not installed). */
export async function removePlugin(request: APIRequestContext, id: string) {
  const r = await request.delete(`/api/v1/plugins/${id}`)
  expect([204, 404]).toContain(r.status())
}

/** Installs the built example `name` through the API (multipart); it starts enabled. */
export async function installPlugin(request: APIRequestContext, pluginsDir: string, name: string): Promise<PluginEntry> {
  const dir = join(pluginsDir, name)
  const installed = await request.post('/api/v1/plugins', {
    headers: { 'X-Requested-By': 'web' },
    multipart: {
      manifest: { name: 'plugin.toml', mimeType: 'application/toml', buffer: readFileSync(join(dir, 'plugin.toml')) },
      component: { name: `${name}.wasm`, mimeType: 'application/wasm', buffer: readFileSync(join(dir, `${name}.wasm`)) },
    },
  })
  expect(installed.status(), await installed.text()).toBe(201)
  const entry = (await installed.json()) as PluginEntry
  expect(entry.wasm?.state).toBe('enabled')
  return entry
}
