/** Result of an action's `canRun`: when `ok` is false, `reason` explains why (used as a tooltip). */
export type CanRun = { ok: true } | { ok: false; reason: string }

export const yes: CanRun = { ok: true }
export const no = (reason: string): CanRun => ({ ok: false, reason })
