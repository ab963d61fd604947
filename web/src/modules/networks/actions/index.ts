export * as createNetwork from './create'
export * as networkLifecycle from './lifecycle'
export * as removeNetwork from './remove'
export type { CanRun, NetworkActionContext } from './types'
