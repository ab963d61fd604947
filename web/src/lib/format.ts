const GIB = 1024 ** 3

/** 17179869184 → "16 GiB", 1610612736 → "1.5 GiB". */
export function formatGiB(bytes: number | null | undefined, digits = 1): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return '—'
  const gib = bytes / GIB
  const fixed = gib.toFixed(digits)
  // Drop a trailing ".0" so round numbers read cleanly.
  const trimmed = fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed
  return `${trimmed} GiB`
}

export function formatMhz(mhz: number | null | undefined): string {
  if (mhz === null || mhz === undefined || !Number.isFinite(mhz)) return '—'
  return mhz >= 1000 ? `${(mhz / 1000).toFixed(2).replace(/\.?0+$/, '')} GHz` : `${mhz} MHz`
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' })
}

export function yesNo(v: boolean | null | undefined): string {
  if (v === null || v === undefined) return '—'
  return v ? 'Yes' : 'No'
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds))
  const d = Math.floor(s / 86400)
  const h = Math.floor((s % 86400) / 3600)
  const m = Math.floor((s % 3600) / 60)
  if (d > 0) return `${d}d ${h}h`
  if (h > 0) return `${h}h ${m}m`
  if (m > 0) return `${m}m ${s % 60}s`
  return `${s}s`
}

/** "just now", "12 s ago", "5 min ago", "3 h ago", "2 d ago" (or "in 5 min" for future times); "—" when absent. */
export function formatRelative(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return '—'
  const t = Date.parse(iso)
  if (Number.isNaN(t)) return iso
  const diff = Math.round((now - t) / 1000)
  const abs = Math.abs(diff)
  if (abs < 5) return 'just now'
  let text: string
  if (abs < 60) text = `${abs} s`
  else if (abs < 3600) text = `${Math.floor(abs / 60)} min`
  else if (abs < 86400) text = `${Math.floor(abs / 3600)} h`
  else text = `${Math.floor(abs / 86400)} d`
  return diff >= 0 ? `${text} ago` : `in ${text}`
}
