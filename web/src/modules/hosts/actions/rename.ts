import type { Host } from '@/api/types'
import { hostsApi } from '../api'
import { hostsCache } from '../queries'
import { no, yes, type CanRun } from './types'

export function canRun(_host: Host, newName: string): CanRun {
  const name = newName.trim()
  if (name === '') return no('Name is required')
  if (name === _host.name) return no('Name unchanged')
  return yes
}

export async function run(host: Host, newName: string): Promise<Host> {
  const updated = await hostsApi.update(host.id, { name: newName.trim() })
  hostsCache.upsert(updated)
  return updated
}
