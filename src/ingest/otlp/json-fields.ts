/**
 * Typed reads of OTLP/JSON fields (the protobuf JSON mapping: lowerCamelCase keys, 64-bit
 * integers as decimal strings or numbers, doubles as numbers or "NaN"/"Infinity"/"-Infinity",
 * enums as integers). A wrong type throws `JsonShapeError`, which `decodeOtlpMetricsJson` turns
 * into `{ ok: false, reason }` at its boundary; nothing escapes it.
 */
export class JsonShapeError extends Error {
  override readonly name = 'JsonShapeError'
}

export type JsonObject = Readonly<Record<string, unknown>>

export function asObject(v: unknown, what: string): JsonObject {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as JsonObject
  throw new JsonShapeError(`${what}: expected an object`)
}

/** A repeated field: absent or null is empty. */
export function arrayField(o: JsonObject, key: string, what: string): readonly unknown[] {
  const v = o[key]
  if (v === undefined || v === null) return []
  if (Array.isArray(v)) return v
  throw new JsonShapeError(`${what}.${key}: expected an array`)
}

export function objectField(o: JsonObject, key: string, what: string): JsonObject | undefined {
  const v = o[key]
  return v === undefined || v === null ? undefined : asObject(v, `${what}.${key}`)
}

export function stringField(o: JsonObject, key: string, what: string): string {
  const v = o[key]
  if (v === undefined || v === null) return ''
  if (typeof v === 'string') return v
  throw new JsonShapeError(`${what}.${key}: expected a string`)
}

export function boolField(o: JsonObject, key: string, what: string): boolean {
  const v = o[key]
  if (v === undefined || v === null) return false
  if (typeof v === 'boolean') return v
  throw new JsonShapeError(`${what}.${key}: expected a boolean`)
}

const INTEGER = /^-?\d+$/

/** An integer field (int32/uint32/enum/int64/uint64/fixed64) as a JS number; 0 when absent. */
export function intField(o: JsonObject, key: string, what: string): number {
  const v = o[key]
  if (v === undefined || v === null) return 0
  if (typeof v === 'number' && Number.isInteger(v)) return v
  if (typeof v === 'string' && INTEGER.test(v)) return Number(v)
  throw new JsonShapeError(`${what}.${key}: expected an integer`)
}

/** An integer field as exact decimal text (int64 beyond 2^53 too); undefined when absent. */
export function intText(v: unknown, what: string): string {
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v).toString()
  if (typeof v === 'string' && INTEGER.test(v)) return BigInt(v).toString()
  throw new JsonShapeError(`${what}: expected an integer`)
}

/** A double field; undefined when absent (for `optional double`). */
export function doubleField(o: JsonObject, key: string, what: string): number | undefined {
  const v = o[key]
  if (v === undefined || v === null) return undefined
  return toDouble(v, `${what}.${key}`)
}

export function toDouble(v: unknown, what: string): number {
  if (typeof v === 'number') return v
  if (typeof v === 'string') {
    if (v === 'NaN') return NaN
    const n = Number(v)
    if (v.trim() !== '' && !Number.isNaN(n)) return n
  }
  throw new JsonShapeError(`${what}: expected a number`)
}

/**
 * A `*_unix_nano` field as epoch ms, sub-ms kept; 0 when absent. Whole ms plus remainder, exactly
 * as the protobuf decoder computes it, so both encodings give the same number.
 */
export function timeField(o: JsonObject, key: string, what: string): number {
  const v = o[key]
  if (v === undefined || v === null) return 0
  let whole: number
  let rest: number
  if (typeof v === 'string' && /^\d+$/.test(v)) {
    whole = v.length > 6 ? Number(v.slice(0, -6)) : 0
    rest = Number(v.slice(-6))
  } else if (typeof v === 'number' && Number.isInteger(v) && v >= 0) {
    const ns = BigInt(v)
    whole = Number(ns / 1_000_000n)
    rest = Number(ns % 1_000_000n)
  } else throw new JsonShapeError(`${what}.${key}: expected a non-negative integer`)
  return whole + rest / 1e6
}
