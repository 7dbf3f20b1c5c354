import { ProtoReader, WIRE_I64, WIRE_LEN, WIRE_VARINT } from '../protobuf/proto-reader.js'
import {
  JsonShapeError,
  arrayField,
  asObject,
  doubleField,
  intField,
  intText,
  objectField,
  stringField,
} from './json-fields.js'
import type { JsonObject } from './json-fields.js'
import { ProtoWriter } from './proto-writer.js'

/**
 * Exponential-histogram points are kept whole (`MetricBatch.keptPoints`) as protobuf
 * `ExponentialHistogramDataPoint` bytes, whichever encoding they arrived in. This file reads such
 * bytes back into an object (for whatever windows them later, and for tests) and re-encodes an
 * OTLP/JSON point as protobuf. Exemplars are not carried over from JSON.
 */
export interface ExponentialHistogramBuckets {
  readonly offset: number
  readonly bucketCounts: readonly number[]
}

export interface ExponentialHistogramPoint {
  readonly startTimeUnixNano: bigint
  readonly timeUnixNano: bigint
  readonly count: number
  readonly sum: number | undefined
  readonly scale: number
  readonly zeroCount: number
  readonly zeroThreshold: number
  readonly positive: ExponentialHistogramBuckets
  readonly negative: ExponentialHistogramBuckets
  readonly flags: number
  readonly min: number | undefined
  readonly max: number | undefined
}

const I64 = WIRE_I64
const LEN = WIRE_LEN
const VAR = WIRE_VARINT

function fixed64BigInt(r: ProtoReader): bigint {
  const lo = BigInt(r.fixed32())
  const hi = BigInt(r.fixed32())
  return (hi << 32n) | lo
}

function zigzag32(n: number): number {
  return (n >>> 1) ^ -(n & 1)
}

function readBuckets(r: ProtoReader): ExponentialHistogramBuckets {
  const end = r.lengthDelimited()
  let offset = 0
  const bucketCounts: number[] = []
  while (r.pos < end && r.error === undefined) {
    const tag = r.tag()
    if (tag === ((1 << 3) | VAR)) offset = zigzag32(r.uint32())
    else if (tag === ((2 << 3) | VAR)) bucketCounts.push(r.uint64())
    else if (tag === ((2 << 3) | LEN)) {
      const e = r.lengthDelimited()
      while (r.pos < e && r.error === undefined) bucketCounts.push(r.uint64())
    } else r.skip(tag)
  }
  return { offset, bucketCounts }
}

/** Reads a kept point; undefined when the bytes are not a well-formed point. */
export function readExponentialHistogramPoint(bytes: Uint8Array): ExponentialHistogramPoint | undefined {
  const r = new ProtoReader(bytes)
  const p = {
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    count: 0,
    sum: undefined as number | undefined,
    scale: 0,
    zeroCount: 0,
    zeroThreshold: 0,
    positive: { offset: 0, bucketCounts: [] } as ExponentialHistogramBuckets,
    negative: { offset: 0, bucketCounts: [] } as ExponentialHistogramBuckets,
    flags: 0,
    min: undefined as number | undefined,
    max: undefined as number | undefined,
  }
  while (r.more) {
    const tag = r.tag()
    if (tag === ((2 << 3) | I64)) p.startTimeUnixNano = fixed64BigInt(r)
    else if (tag === ((3 << 3) | I64)) p.timeUnixNano = fixed64BigInt(r)
    else if (tag === ((4 << 3) | I64)) p.count = r.fixed64()
    else if (tag === ((5 << 3) | I64)) p.sum = r.double()
    else if (tag === ((6 << 3) | VAR)) p.scale = zigzag32(r.uint32())
    else if (tag === ((7 << 3) | I64)) p.zeroCount = r.fixed64()
    else if (tag === ((8 << 3) | LEN)) p.positive = readBuckets(r)
    else if (tag === ((9 << 3) | LEN)) p.negative = readBuckets(r)
    else if (tag === ((10 << 3) | VAR)) p.flags = r.uint32()
    else if (tag === ((12 << 3) | I64)) p.min = r.double()
    else if (tag === ((13 << 3) | I64)) p.max = r.double()
    else if (tag === ((14 << 3) | I64)) p.zeroThreshold = r.double()
    else r.skip(tag)
  }
  return r.error === undefined ? p : undefined
}

function nanos(o: JsonObject, key: string, what: string): bigint {
  const v = o[key]
  if (v === undefined || v === null) return 0n
  if (
    (typeof v === 'string' && /^\d+$/.test(v)) ||
    (typeof v === 'number' && Number.isInteger(v) && v >= 0)
  ) {
    return BigInt(v)
  }
  throw new JsonShapeError(`${what}.${key}: expected a non-negative integer`)
}

function writeBuckets(w: ProtoWriter, field: number, o: JsonObject | undefined, what: string): void {
  if (o === undefined) return
  const counts = arrayField(o, 'bucketCounts', what).map((v) => BigInt(intText(v, `${what}.bucketCounts`)))
  w.message(field, (b) => {
    const offset = intField(o, 'offset', what)
    if (offset !== 0) b.sint32(1, offset)
    b.packedVarints(2, counts)
  })
}

/** Encodes an OTLP/JSON point as protobuf; `writeAttributes` writes its attributes (field 1). */
export function encodeExponentialHistogramPoint(
  point: JsonObject,
  what: string,
  writeAttributes: (w: ProtoWriter) => void,
): Uint8Array {
  const w = new ProtoWriter()
  writeAttributes(w)
  const start = nanos(point, 'startTimeUnixNano', what)
  if (start !== 0n) w.fixed64(2, start)
  w.fixed64(3, nanos(point, 'timeUnixNano', what))
  w.fixed64(4, BigInt(intField(point, 'count', what)))
  const sum = doubleField(point, 'sum', what)
  if (sum !== undefined) w.double(5, sum)
  const scale = intField(point, 'scale', what)
  if (scale !== 0) w.sint32(6, scale)
  w.fixed64(7, BigInt(intField(point, 'zeroCount', what)))
  writeBuckets(w, 8, objectField(point, 'positive', what), `${what}.positive`)
  writeBuckets(w, 9, objectField(point, 'negative', what), `${what}.negative`)
  const flags = intField(point, 'flags', what)
  if (flags !== 0) w.varint(10, flags)
  const min = doubleField(point, 'min', what)
  if (min !== undefined) w.double(12, min)
  const max = doubleField(point, 'max', what)
  if (max !== undefined) w.double(13, max)
  const zeroThreshold = doubleField(point, 'zeroThreshold', what)
  if (zeroThreshold !== undefined && zeroThreshold !== 0) w.double(14, zeroThreshold)
  return w.finish()
}

/** Writes a JSON `AnyValue` as protobuf (common/v1/common.proto). */
export function writeAnyValue(w: ProtoWriter, v: unknown, what: string): void {
  if (v === undefined || v === null) return
  const o = asObject(v, what)
  if (o.stringValue !== undefined) w.string(1, stringField(o, 'stringValue', what))
  else if (typeof o.boolValue === 'boolean') w.varint(2, o.boolValue ? 1 : 0)
  else if (o.intValue !== undefined) w.varint(3, BigInt(intText(o.intValue, `${what}.intValue`)))
  else if (o.doubleValue !== undefined) w.double(4, doubleField(o, 'doubleValue', what) ?? 0)
  else if (o.bytesValue !== undefined) w.bytes(7, Buffer.from(stringField(o, 'bytesValue', what), 'base64'))
  else if (o.arrayValue !== undefined) {
    const values = arrayField(asObject(o.arrayValue, what), 'values', what)
    w.message(5, (a) => values.forEach((x) => a.message(1, (e) => writeAnyValue(e, x, what))))
  } else if (o.kvlistValue !== undefined) {
    const kvs = arrayField(asObject(o.kvlistValue, what), 'values', what)
    w.message(6, (l) => kvs.forEach((x) => l.message(1, (e) => writeKeyValue(e, x, what))))
  }
}

export function writeKeyValue(w: ProtoWriter, kv: unknown, what: string): void {
  const o = asObject(kv, what)
  w.string(1, stringField(o, 'key', what))
  w.message(2, (v) => writeAnyValue(v, o.value, what))
}
