/** Median and range of repeated measurements. Timings on a shared machine are noisy: report medians. */
export interface Summary {
  readonly median: number
  readonly min: number
  readonly max: number
  readonly n: number
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, n: 0 }
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, n: sorted.length }
}

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

/** A number with about three significant digits, thousands grouped: 1,234,567 / 812 / 45.3 / 0.871. */
export function fmt(value: number): string {
  if (!Number.isFinite(value)) return '–'
  const abs = Math.abs(value)
  if (abs >= 100) return grouped.format(value)
  if (abs >= 10) return value.toFixed(1)
  if (abs >= 1) return value.toFixed(2)
  return value.toFixed(3)
}

/** `median (min–max)`, or just the median for a single run. */
export function fmtSummary(s: Summary, format: (v: number) => string = fmt): string {
  if (s.n <= 1) return format(s.median)
  return `${format(s.median)} (${format(s.min)}–${format(s.max)})`
}

export function fmtRatio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}x` : '–'
}
