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

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const

/** Binary units, largest that keeps the value ≥ 1: 2147483648 → "2 GiB", 536870912 → "512 MiB". */
export function formatBytes(bytes: number | null | undefined, digits = 1): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return '—'
  let v = bytes
  let i = 0
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024
    i++
  }
  let fixed = v.toFixed(i === 0 ? 0 : digits)
  // Rounding can reach the next unit (1023.96 MiB → "1024.0"): step up.
  if (Number(fixed) >= 1024 && i < UNITS.length - 1) {
    v /= 1024
    i++
    fixed = v.toFixed(digits)
  }
  const trimmed = fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed
  return `${trimmed} ${UNITS[i]}`
}

/** A share 0–100 as "12.3 %" (one decimal below 10, none above); "—" when not reported. */
export function formatPercent(pct: number | null | undefined): string {
  if (pct === null || pct === undefined || !Number.isFinite(pct)) return '—'
  const v = Math.max(0, pct)
  return `${v < 10 ? v.toFixed(1).replace(/\.0$/, '') : Math.round(v)} %`
}

/** A byte rate: 1536 → "1.5 KiB/s", 0 → "0 B/s"; "—" when not reported. */
export function formatRate(bytesPerSecond: number | null | undefined): string {
  const b = formatBytes(bytesPerSecond === null || bytesPerSecond === undefined ? bytesPerSecond : Math.round(bytesPerSecond))
  return b === '—' ? b : `${b}/s`
}

/** "1.2 GiB / 4 GiB" (used of total); just the known part when one is missing, "—" for neither. */
export function formatUsedOfTotal(used: number | null | undefined, total: number | null | undefined): string {
  const u = formatBytes(used)
  const t = formatBytes(total)
  if (u === '—') return t === '—' ? '—' : `— / ${t}`
  return t === '—' ? u : `${u} / ${t}`
}

/** A used share of a total (0–1), or null when either is unknown or the total is not positive. */
export function ratio(used: number | null | undefined, total: number | null | undefined): number | null {
  if (typeof used !== 'number' || typeof total !== 'number' || !Number.isFinite(used) || !Number.isFinite(total) || total <= 0) return null
  return used / total
}
