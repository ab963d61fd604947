export * as cancelTask from './cancel'
export type { CanRun } from './types'
