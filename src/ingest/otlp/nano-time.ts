import type { ProtoReader } from '../protobuf/proto-reader.js'
import { JsonShapeError } from './json-fields.js'
import type { JsonObject } from './json-fields.js'

/**
 * A `*_unix_nano` time split exactly into integer epoch ms and the nanoseconds within that ms
 * (0–999,999), the form of `LogRow`/`SpanRow` times. A scratch object: decoders keep one per field
 * and read it back into the row, so no allocation per record.
 */
export class NanoTime {
  ms = 0
  nanos = 0

  clear(): void {
    this.ms = 0
    this.nanos = 0
  }

  /** Negative when this is before `other`. */
  compare(other: NanoTime): number {
    return this.ms !== other.ms ? this.ms - other.ms : this.nanos - other.nanos
  }
}

const MAX_UNIX_NANO = 0xffff_ffff_ffff_ffffn

/**
 * Reads a fixed64 time into `t`, exactly: 2^32 ns = 4294 ms + 967,296 ns, so
 * `hi·2^32 + lo = (hi·4294) ms + (hi·967,296 + lo) ns`, every term exact in a double.
 */
export function readNanoTime(r: ProtoReader, t: NanoTime): void {
  if (r.end - r.pos < 8) {
    r.fixed64() // records the truncation
    t.clear()
    return
  }
  const b = r.buf
  const p = r.pos
  const lo = (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0
  const hi = (b[p + 4]! | (b[p + 5]! << 8) | (b[p + 6]! << 16) | (b[p + 7]! << 24)) >>> 0
  r.pos = p + 8
  const rest = hi * 967_296 + lo
  const restMs = Math.floor(rest / 1e6)
  t.ms = hi * 4294 + restMs
  t.nanos = rest - restMs * 1e6
}

/**
 * Reads an OTLP/JSON `*UnixNano` field (decimal string or integer number) into `t`; 0 when absent.
 * A number above 2^53 has already lost precision in `JSON.parse`; senders use strings for that.
 */
export function readJsonNanoTime(o: JsonObject, key: string, what: string, t: NanoTime): void {
  const v = o[key]
  t.clear()
  if (v === undefined || v === null) return
  let ns: bigint
  if (typeof v === 'string' && /^\d{1,20}$/.test(v)) ns = BigInt(v)
  else if (typeof v === 'number' && Number.isInteger(v) && v >= 0) ns = BigInt(v)
  else throw new JsonShapeError(`${what}.${key}: expected a non-negative integer`)
  if (ns > MAX_UNIX_NANO) throw new JsonShapeError(`${what}.${key}: beyond fixed64`)
  t.ms = Number(ns / 1_000_000n)
  t.nanos = Number(ns % 1_000_000n)
}
