import { labelsObject } from './eval/labels.js'
import type { QueryResult } from './eval/evaluate.js'

/**
 * The `data` of a Prometheus query answer, serialised as Prometheus 2.42 writes it (so clients that
 * compare strings, and our tests against a real Prometheus, see the same text):
 * - sample values are strings: Go's shortest float, in exponent form below 1e-6 and from 1e21 up
 *   (`"1.5e-07"`, two exponent digits at least), `"NaN"`, `"+Inf"`, `"-Inf"`, `"-0"`;
 * - a scalar result's value is never in exponent form;
 * - vector and matrix times are seconds with exactly three decimals when not whole (`1.500`);
 *   scalar and string results' times are plain JSON numbers.
 */
export function formatQueryData(r: QueryResult): string {
  switch (r.resultType) {
    case 'scalar':
      return `{"resultType":"scalar","result":[${r.ts / 1000},"${formatScalarValue(r.value)}"]}`
    case 'string':
      return `{"resultType":"string","result":[${r.ts / 1000},${JSON.stringify(r.value)}]}`
    case 'vector': {
      const time = formatSampleTime(r.ts)
      const parts = r.samples.map(
        (s) =>
          `{"metric":${JSON.stringify(labelsObject(s.labels))},"value":[${time},"${formatSampleValue(s.value)}"]}`,
      )
      return `{"resultType":"vector","result":[${parts.join(',')}]}`
    }
    case 'matrix': {
      const parts = r.series.map((s) => {
        const points = s.ts.map((t, i) => `[${formatSampleTime(t)},"${formatSampleValue(s.values[i]!)}"]`)
        return `{"metric":${JSON.stringify(labelsObject(s.labels))},"values":[${points.join(',')}]}`
      })
      return `{"resultType":"matrix","result":[${parts.join(',')}]}`
    }
  }
}

/** Seconds with three decimals when the time is not a whole second (Prometheus' marshalPointJSON). */
export function formatSampleTime(ms: number): string {
  let t = Math.round(ms)
  let sign = ''
  if (t < 0) {
    sign = '-'
    t = -t
  }
  const whole = Math.floor(t / 1000)
  const frac = t % 1000
  return frac === 0 ? `${sign}${whole}` : `${sign}${whole}.${String(frac).padStart(3, '0')}`
}

/** strconv.FormatFloat(v, 'e' when |v| < 1e-6 or ≥ 1e21 else 'f', -1, 64), with Prometheus' NaN/Inf. */
export function formatSampleValue(v: number): string {
  const special = formatSpecial(v)
  if (special !== undefined) return special
  const abs = Math.abs(v)
  return abs !== 0 && (abs < 1e-6 || abs >= 1e21) ? goExponent(v) : goFixed(v)
}

/** strconv.FormatFloat(v, 'f', -1, 64) (scalar results). */
export function formatScalarValue(v: number): string {
  return formatSpecial(v) ?? goFixed(v)
}

function formatSpecial(v: number): string | undefined {
  if (Number.isNaN(v)) return 'NaN'
  if (v === Infinity) return '+Inf'
  if (v === -Infinity) return '-Inf'
  if (v === 0) return Object.is(v, -0) ? '-0' : '0'
  return undefined
}

/** The shortest round-trip digits of v and its decimal exponent: v = 0.d1d2… × 10^(exp+1). */
function shortest(v: number): { negative: boolean; digits: string; exp: number } {
  const [mantissa, e] = Math.abs(v).toExponential().split('e') as [string, string]
  return { negative: v < 0, digits: mantissa.replace('.', ''), exp: Number(e) }
}

function goFixed(v: number): string {
  const { negative, digits, exp } = shortest(v)
  let s: string
  if (exp < 0) s = `0.${'0'.repeat(-exp - 1)}${digits}`
  else if (digits.length <= exp + 1) s = digits + '0'.repeat(exp + 1 - digits.length)
  else s = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`
  return negative ? `-${s}` : s
}

function goExponent(v: number): string {
  const { negative, digits, exp } = shortest(v)
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits
  const e = Math.abs(exp)
  const s = `${mantissa}e${exp < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`
  return negative ? `-${s}` : s
}
