import type { CreateHost, Host } from '@/api/types'
import { hostsApi } from '../api'
import { hostsCache } from '../queries'
import { no, yes, type CanRun } from './types'

export function canRun(input: Pick<CreateHost, 'name' | 'uri'>): CanRun {
  if (input.name.trim() === '') return no('Name is required')
  if (input.uri.trim() === '') return no('URI is required')
  return yes
}

export async function run(input: CreateHost): Promise<Host> {
  const host = await hostsApi.create(input)
  hostsCache.upsert(host)
  return host
}
