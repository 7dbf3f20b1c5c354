/**
 * Prometheus' staleness marker: a NaN with the payload 0x7ff0000000000002, distinct from an
 * ordinary NaN value. An OTLP point flagged `FLAG_NO_RECORDED_VALUE` (DataPointFlags bit 0) becomes
 * this marker, as in Prometheus' OTLP translation, so a series that disappeared ends at once
 * instead of lingering for the lookback window. Float64Array keeps the payload bits.
 */
const bits = new BigUint64Array([0x7ff0000000000002n])
export const STALE_NAN: number = new Float64Array(bits.buffer)[0]!

const probe = new Float64Array(1)
const probeBits = new BigUint64Array(probe.buffer)

/** True for the staleness marker only (not for other NaNs). */
export function isStaleNaN(v: number): boolean {
  probe[0] = v
  return probeBits[0] === 0x7ff0000000000002n
}

/** DataPointFlags.FLAG_NO_RECORDED_VALUE_MASK. */
export const FLAG_NO_RECORDED_VALUE = 1
