/**
 * The look of a VM row's power menu button, shared by the menu and by the stand-in that far
 * rows show in its place, so that one turning into the other changes nothing on screen.
 */
export const powerMenuTriggerClass =
  'rounded-lg border border-white/10 bg-white/5 px-2 py-1 text-xs text-slate-200 transition hover:bg-white/10'
