import { reactive, readonly } from 'vue'

export interface ConfirmOptions {
  title: string
  message: string
  confirmLabel?: string
  cancelLabel?: string
  danger?: boolean
}

interface ConfirmState extends ConfirmOptions {
  open: boolean
  resolve: ((ok: boolean) => void) | null
}

const state = reactive<ConfirmState>({ open: false, title: '', message: '', resolve: null })

/** Read-only state rendered by the single <ConfirmDialog> mounted in App. */
export const confirmState = readonly(state)

/** Resolve the pending confirmation (called by ConfirmDialog). */
export function settleConfirm(ok: boolean) {
  const r = state.resolve
  state.open = false
  state.resolve = null
  r?.(ok)
}

/** `const { confirm } = useConfirm(); if (await confirm({...})) …` */
export function useConfirm() {
  function confirm(opts: ConfirmOptions): Promise<boolean> {
    // A new request cancels a pending one.
    if (state.resolve) settleConfirm(false)
    return new Promise<boolean>((resolve) => {
      Object.assign(state, { confirmLabel: undefined, cancelLabel: undefined, danger: false }, opts)
      state.open = true
      state.resolve = resolve
    })
  }
  return { confirm }
}
