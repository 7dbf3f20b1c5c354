/**
 * Go's float formatting as Prometheus' alert templates print numbers (fmt and strconv), for the
 * template subset of `template.ts`. Digits come from JavaScript's shortest round-trip (the same
 * digits Go's shortest formatting picks); with an explicit precision, a value exactly halfway may
 * round up where Go rounds to even (1234.5 with `%.4g`), a case real metric values rarely hit.
 */

/** `fmt.Sprint(v)` of a float64 (`%v`): shortest digits, exponent form below 1e-4 and from 1e6 up. */
export function formatGoFloat(v: number): string {
  const special = specialFloat(v)
  if (special !== undefined) return special
  const { digits, exp } = decompose(v.toExponential())
  // strconv 'g' with the shortest precision switches to %e when exp < -4 || exp >= 6 (fmt's %v).
  return exp < -4 || exp >= 6 ? eForm(v < 0, digits, exp) : fForm(v < 0, digits, exp)
}

/** `fmt.Sprintf("%.<prec>g", v)`: `prec` significant digits, trailing zeros removed. */
export function formatGoG(v: number, prec: number): string {
  const special = specialFloat(v)
  if (special !== undefined) return special
  const p = Math.max(prec, 1)
  const { digits, exp } = decompose(v.toExponential(p - 1))
  const trimmed = digits.replace(/0+$/, '') || '0'
  // eprec is the precision, lowered to the digit count when that is at least the integer part.
  let eprec = p
  if (eprec > trimmed.length && trimmed.length >= exp + 1) eprec = trimmed.length
  return exp < -4 || exp >= eprec ? eForm(v < 0, trimmed, exp) : fForm(v < 0, trimmed, exp)
}

/** `fmt.Sprintf("%.<prec>f", v)`. */
export function formatGoF(v: number, prec: number): string {
  return specialFloat(v) ?? (Object.is(v, -0) ? '-' : '') + v.toFixed(prec)
}

/** `fmt.Sprintf("%.<prec>e", v)`: at least two exponent digits. */
export function formatGoE(v: number, prec: number): string {
  const special = specialFloat(v)
  if (special !== undefined) return special
  const { digits, exp } = decompose(v.toExponential(prec))
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits
  return `${v < 0 ? '-' : ''}${mantissa}e${exponent(exp)}`
}

function specialFloat(v: number): string | undefined {
  if (Number.isNaN(v)) return 'NaN'
  if (v === Infinity) return '+Inf'
  if (v === -Infinity) return '-Inf'
  if (Object.is(v, -0)) return '-0'
  return undefined
}

/** "1.2345e+3" → digits "12345", exponent 3 (the sign is taken from the value). */
function decompose(text: string): { digits: string; exp: number } {
  const [mantissa, e] = text.replace(/^-/, '').split('e') as [string, string]
  return { digits: mantissa.replace('.', ''), exp: Number(e) }
}

function eForm(negative: boolean, digits: string, exp: number): string {
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits
  return `${negative ? '-' : ''}${mantissa}e${exponent(exp)}`
}

function fForm(negative: boolean, digits: string, exp: number): string {
  const sign = negative ? '-' : ''
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`
  if (digits.length <= exp + 1) return `${sign}${digits}${'0'.repeat(exp + 1 - digits.length)}`
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`
}

function exponent(exp: number): string {
  const abs = Math.abs(exp)
  return `${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`
}
