// Pure helpers that turn number series into SVG path data for the inline graphs (no chart
// library). A missing value (null, undefined, NaN) is a gap: the line stops and starts again.

/** A value of a series; anything not finite is "not reported". */
export type SeriesValue = number | null | undefined

export interface PathBox {
  width: number
  height: number
}

export interface PathOptions extends PathBox {
  /** x of each value (e.g. epoch ms); by default the index, so the values spread evenly. */
  xs?: readonly number[]
  /** x range drawn edge to edge; default the first and last x. */
  xDomain?: readonly [number, number]
  /** y range drawn bottom to top; default 0 to the largest value (see `niceCeil`). */
  yDomain?: readonly [number, number]
  /** Break the line where two neighbours are further apart than this in x (missing samples). */
  maxGap?: number
}

/** One unbroken run of points, in pixels. */
export type Segment = [number, number][]

const finite = (v: SeriesValue): v is number => typeof v === 'number' && Number.isFinite(v)

/** Round to 2 decimals for compact path data. */
const r = (v: number) => Math.round(v * 100) / 100

/**
 * A round upper bound ≥ `v` for an axis (1, 2, 2.5, 5 × a power of ten; binary steps from 1024
 * on, so byte values land on 1 KiB, 512 MiB…); 1 for nothing positive.
 */
export function niceCeil(v: number): number {
  if (!Number.isFinite(v) || v <= 0) return 1
  if (v >= 1024) {
    const p = 2 ** Math.ceil(Math.log2(v))
    return p * 0.75 >= v ? p * 0.75 : p
  }
  const exp = 10 ** Math.floor(Math.log10(v))
  for (const m of [1, 2, 2.5, 5, 10]) if (m * exp >= v * (1 - 1e-12)) return m * exp
  return 10 * exp
}

/** The largest finite value of some series (0 when none). */
export function seriesMax(...series: readonly (readonly SeriesValue[])[]): number {
  let m = 0
  for (const s of series) for (const v of s) if (finite(v) && v > m) m = v
  return m
}

/** The median distance between neighbouring x values (0 for fewer than two). */
export function medianStep(xs: readonly number[]): number {
  const d: number[] = []
  for (let i = 1; i < xs.length; i++) {
    const step = xs[i]! - xs[i - 1]!
    if (step > 0) d.push(step)
  }
  if (d.length === 0) return 0
  d.sort((a, b) => a - b)
  return d[d.length >> 1]!
}

/**
 * The runs of a series in pixel coordinates: x left to right over `xDomain`, y top-down (the
 * bottom of the box is `yDomain[0]`). Values are clamped into the box. A missing value, or a
 * jump in x larger than `maxGap`, starts a new segment.
 */
export function segments(values: readonly SeriesValue[], opts: PathOptions): Segment[] {
  const n = values.length
  if (n === 0) return []
  const xs = opts.xs ?? values.map((_, i) => i)
  const x0 = opts.xDomain?.[0] ?? xs[0] ?? 0
  const x1 = opts.xDomain?.[1] ?? xs[n - 1] ?? 0
  const y0 = opts.yDomain?.[0] ?? 0
  const y1 = opts.yDomain?.[1] ?? niceCeil(seriesMax(values))
  const spanX = x1 - x0 || 1
  const spanY = y1 - y0 || 1
  const px = (x: number) => r(((x - x0) / spanX) * opts.width)
  const py = (y: number) => r(opts.height - (Math.min(Math.max(y, y0), y1) - y0) / spanY * opts.height)

  const out: Segment[] = []
  let cur: Segment | null = null
  let lastX: number | null = null
  for (let i = 0; i < n; i++) {
    const v = values[i]
    const x = xs[i]
    if (!finite(v) || x === undefined || !Number.isFinite(x)) {
      cur = null
      continue
    }
    if (cur && opts.maxGap !== undefined && lastX !== null && x - lastX > opts.maxGap) cur = null
    if (!cur) out.push((cur = []))
    cur.push([px(x), py(v)])
    lastX = x
  }
  return out
}

/**
 * SVG path data of a line through a series; each gap starts a new sub-path with `M`. A lone
 * point becomes a zero-length line, drawn as a dot with a round line cap.
 */
export function linePath(values: readonly SeriesValue[], opts: PathOptions): string {
  return segments(values, opts)
    .map((seg) => {
      const [fx, fy] = seg[0]!
      if (seg.length === 1) return `M${fx},${fy}h0`
      return `M${fx},${fy}` + seg.slice(1).map(([x, y]) => `L${x},${y}`).join('')
    })
    .join('')
}

/** SVG path data of the area under a line (each segment closed down to the bottom of the box). */
export function areaPath(values: readonly SeriesValue[], opts: PathOptions): string {
  return segments(values, opts)
    .filter((seg) => seg.length > 1)
    .map((seg) => {
      const first = seg[0]!
      const last = seg[seg.length - 1]!
      return `M${first[0]},${opts.height}` + seg.map(([x, y]) => `L${x},${y}`).join('') + `L${last[0]},${opts.height}Z`
    })
    .join('')
}
