/**
 * Microseconds since the epoch of an RFC 3339 timestamp. `Date.parse` keeps only milliseconds,
 * and the server writes several changes of one record within a millisecond.
 */
export function timestampMicros(iso: string): number {
  const m = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(iso)
  if (!m) return Date.parse(iso) * 1000
  const [, base = '', frac = '', zone = 'Z'] = m
  return Date.parse(base + zone) * 1000 + Number((frac + '000000').slice(0, 6))
}
