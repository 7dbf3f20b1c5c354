/**
 * Float operations whose Go results differ from JavaScript's at the edges (Prometheus is Go).
 * Written here to match Go's `math` package where Prometheus' answers depend on it.
 */

/** Go's math.Pow special cases that differ from Math.pow. */
export function goPow(x: number, y: number): number {
  if (y === 0) return 1
  if (x === 1) return 1 // Go: Pow(1, y) = 1 for any y, even NaN
  if ((x === -1 || x === 1) && (y === Infinity || y === -Infinity)) return 1 // Go: Pow(-1, ±Inf) = 1
  return Math.pow(x, y)
}

/** Go's math.Mod: the sign of the dividend, like `%`, but NaN for an infinite dividend or zero divisor. */
export function goMod(x: number, y: number): number {
  return x % y
}

/** Neumaier-compensated summation step (Prometheus' kahanSumInc); returns [sum, compensation]. */
export function kahanSumInc(inc: number, sum: number, c: number): [number, number] {
  const t = sum + inc
  if (Math.abs(sum) >= Math.abs(inc)) c += sum - t + inc
  else c += inc - t + sum
  return [t, c]
}

/** Prometheus' `quantile` over values (sorted here; NaN sorts first, as its heap orders them). */
export function quantileOf(q: number, values: number[]): number {
  if (values.length === 0 || Number.isNaN(q)) return NaN
  if (q < 0) return -Infinity
  if (q > 1) return Infinity
  values.sort(nanFirstAscending)
  const n = values.length
  const rank = q * (n - 1)
  const lower = Math.max(0, Math.floor(rank))
  const upper = Math.min(n - 1, lower + 1)
  const weight = rank - Math.floor(rank)
  return values[lower]! * (1 - weight) + values[upper]! * weight
}

export function nanFirstAscending(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1
  if (Number.isNaN(b)) return 1
  return a < b ? -1 : a > b ? 1 : 0
}

/** Go's strconv.ParseFloat for the `le` label: decimal or Inf/NaN spellings; undefined otherwise. */
export function parseGoFloat(s: string): number | undefined {
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity
  if (/^[+-]?nan$/i.test(s)) return NaN
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Number(s)
  return undefined
}

/**
 * Go's math.Log (FreeBSD's e_log.c reduction as Go writes it: one Frexp, no table), so `ln`,
 * `log2` and `log10` round exactly as Prometheus' do; V8's fdlibm port differs in the last bit for
 * some inputs. The constants are fdlibm's.
 */
export function goLog(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x
  if (x < 0) return NaN
  if (x === 0) return -Infinity
  let [f1, ki] = frexp(x)
  if (f1 < Math.SQRT2 / 2) {
    f1 *= 2
    ki--
  }
  const f = f1 - 1
  const k = ki
  const s = f / (2 + f)
  const s2 = s * s
  const s4 = s2 * s2
  const t1 =
    s2 *
    (6.66666666666673513e-1 +
      s4 * (2.857142874366239149e-1 + s4 * (1.818357216161805012e-1 + s4 * 1.479819860511658591e-1)))
  const t2 = s4 * (3.999999999940941908e-1 + s4 * (2.222219843214978396e-1 + s4 * 1.531383769920937332e-1))
  const r = t1 + t2
  const hfsq = 0.5 * f * f
  return k * 6.9314718036912381649e-1 - (hfsq - (s * (hfsq + r) + k * 1.90821492927058770002e-10) - f)
}

/** Go's math.Log2: exact for powers of two, else Log(frac)×(1/Ln2) + exp (Frexp). */
export function goLog2(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return goLog(x) * INV_LN2
  const [frac, exp] = frexp(x)
  if (frac === 0.5) return exp - 1
  return goLog(frac) * INV_LN2 + exp
}

/** Go's math.Log10: Log(x) × (1/Ln10). */
export function goLog10(x: number): number {
  return goLog(x) * INV_LN10
}

// Go folds constant expressions exactly, then rounds once: these are those rounded values.
const INV_LN2 = 1.4426950408889634 // 1/Ln2
const INV_LN10 = 0.4342944819032518 // 1/Ln10

/** x = frac × 2^exp with frac in [0.5, 1), for finite positive x. */
function frexp(x: number): [number, number] {
  let exp = 0
  let v = x
  if (v < 2.2250738585072014e-308) {
    v *= 2 ** 52
    exp = -52
  }
  const bits = new DataView(new ArrayBuffer(8))
  bits.setFloat64(0, v)
  const hi = bits.getUint32(0)
  exp += ((hi >>> 20) & 0x7ff) - 1022
  bits.setUint32(0, (hi & 0x800fffff) | (1022 << 20))
  return [bits.getFloat64(0), exp]
}
