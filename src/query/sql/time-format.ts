import { NS_PER_MS } from './time-param.js'

/**
 * Stored times are (epoch ms, nanoseconds within the ms); the API writes them as RFC 3339 with nine
 * fraction digits and as unix nanoseconds in a string (JSON numbers cannot hold them exactly).
 */

/** `2023-11-14T22:13:20.123456789Z` for epoch ms `ms` plus `nanos` (0–999,999). */
export function rfc3339Nano(ms: bigint | number, nanos: number): string {
  const iso = new Date(Number(ms)).toISOString() // 2023-11-14T22:13:20.123Z
  return `${iso.slice(0, -1)}${String(nanos).padStart(6, '0')}Z`
}

/** Epoch nanoseconds as a decimal string. */
export function unixNano(ms: bigint | number, nanos: number): string {
  return String(BigInt(ms) * NS_PER_MS + BigInt(nanos))
}

/** Splits epoch nanoseconds into (ms, nanoseconds within the ms), the stored form. */
export function splitNanos(ns: bigint): { ms: bigint; nanos: number } {
  return { ms: ns / NS_PER_MS, nanos: Number(ns % NS_PER_MS) }
}

/** Nanoseconds from (ms, nanos) to (ms, nanos), as a number (exact below about 104 days). */
export function nanosBetween(fromMs: bigint, fromNanos: number, toMs: bigint, toNanos: number): number {
  return Number((toMs - fromMs) * NS_PER_MS + BigInt(toNanos - fromNanos))
}
