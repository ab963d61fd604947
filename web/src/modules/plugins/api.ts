// The only place that talks HTTP for plugins. Everything throws ApiError on non-2xx.
import { api, unwrap, WEB_REQUEST_HEADERS } from '@/api/client'
import type { PluginAction, PluginEntry } from '@/api/types'

/** The largest upload the server takes (`413 payload_too_large` above it). */
export const MAX_PLUGIN_UPLOAD_BYTES = 64 * 1024 * 1024

/** What "Install plugin" sends: the manifest (`plugin.toml`) and the component (`.wasm`). */
export interface PluginUpload {
  manifest: Blob
  component: Blob
}

const fileName = (b: Blob, fallback: string) => (typeof File !== 'undefined' && b instanceof File && b.name ? b.name : fallback)

/** Pure: the `multipart/form-data` body of an install: parts `manifest` and `component`. */
export function installForm(upload: PluginUpload): FormData {
  const form = new FormData()
  form.append('manifest', upload.manifest, fileName(upload.manifest, 'plugin.toml'))
  form.append('component', upload.component, fileName(upload.component, 'plugin.wasm'))
  return form
}

export const pluginsApi = {
  /** Every plugin: the built-ins, then the installed WASM plugins with their state. */
  list: (): Promise<PluginEntry[]> => unwrap(api.GET('/api/v1/plugins')),
  /**
   * Installs a WASM plugin (multipart upload; the browser sets the boundary). Refusals: 400
   * `invalid_json` (a part missing), 409 `plugin_exists`, 413 `payload_too_large`, 422
   * `invalid_plugin` (the message says why: manifest, API version, component, id/version).
   */
  install: (upload: PluginUpload): Promise<PluginEntry> =>
    unwrap(
      api.POST('/api/v1/plugins', {
        body: installForm(upload),
        // FormData goes out as it is (no JSON); fetch adds the multipart Content-Type.
        bodySerializer: (body: unknown) => body as FormData,
        headers: WEB_REQUEST_HEADERS,
      }),
    ),
  /** Enables, disables or reloads a WASM plugin; answers with it now. Built-ins: 409 `action_not_allowed`. */
  action: (id: string, action: PluginAction): Promise<PluginEntry> =>
    unwrap(
      api.POST('/api/v1/plugins/{id}/actions/{action}', {
        params: { path: { id, action } },
        headers: WEB_REQUEST_HEADERS,
      }),
    ),
  /** Grants exactly `capabilities` (the others are revoked). 422 when the manifest does not ask for one. */
  setGrants: (id: string, capabilities: string[]): Promise<PluginEntry> =>
    unwrap(
      api.PUT('/api/v1/plugins/{id}/grants', {
        params: { path: { id } },
        body: { capabilities },
        headers: WEB_REQUEST_HEADERS,
      }),
    ),
  /** Passes a configuration to the plugin; 422 with its reason when it refuses. */
  setConfig: (id: string, config: Record<string, unknown>): Promise<PluginEntry> =>
    unwrap(
      api.PUT('/api/v1/plugins/{id}/config', {
        params: { path: { id } },
        // The generated type of a free-form JSON object is `Record<string, never>`.
        body: config as Record<string, never>,
        headers: WEB_REQUEST_HEADERS,
      }),
    ),
  /** Removes a WASM plugin and its files. */
  remove: async (id: string): Promise<void> => {
    await unwrap(
      api.DELETE('/api/v1/plugins/{id}', {
        params: { path: { id } },
        headers: WEB_REQUEST_HEADERS,
      }),
    )
  },
}

export type PluginsApi = typeof pluginsApi
