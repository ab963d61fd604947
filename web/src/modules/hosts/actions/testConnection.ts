import type { ConnectionTestResult, TestConnection } from '@/api/types'
import { hostsApi } from '../api'
import { no, yes, type CanRun } from './types'

export function canRun(input: Pick<TestConnection, 'uri'>): CanRun {
  return input.uri.trim() === '' ? no('URI is required') : yes
}

/** Connects once without saving anything; returns the host's facts (and SSH host key). */
export function run(input: TestConnection): Promise<ConnectionTestResult> {
  return hostsApi.test(input)
}
