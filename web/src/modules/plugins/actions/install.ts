// Installing a WASM plugin (`POST /api/v1/plugins`, multipart) from the "Install plugin" dialog.
import type { PluginEntry } from '@/api/types'
import { MAX_PLUGIN_UPLOAD_BYTES, pluginsApi } from '../api'
import { no, yes, type CanRun } from './types'

export interface InstallFiles {
  manifest: File | null
  component: File | null
}

/** Pure: why the chosen files cannot be sent, or `null`. The server checks their contents. */
export function filesError(files: InstallFiles): string | null {
  if (!files.manifest) return 'Choose the manifest (plugin.toml)'
  if (!files.component) return 'Choose the component (.wasm)'
  if (files.manifest.size + files.component.size > MAX_PLUGIN_UPLOAD_BYTES) {
    return `The upload is larger than ${MAX_PLUGIN_UPLOAD_BYTES >> 20} MiB`
  }
  return null
}

/** Whether the dialog can send: both files chosen, small enough, not while it is being sent. */
export function canRun(files: InstallFiles, ctx: { busy?: boolean } = {}): CanRun {
  if (ctx.busy) return no('The plugin is being installed')
  const message = filesError(files)
  return message === null ? yes : no(message)
}

/** Uploads both files; resolves with the installed plugin. Throws ApiError (the server's reason). */
export function run(files: { manifest: File; component: File }): Promise<PluginEntry> {
  return pluginsApi.install({ manifest: files.manifest, component: files.component })
}
