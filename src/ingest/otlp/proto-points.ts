import { WIRE_I64, WIRE_LEN, WIRE_VARINT } from '../protobuf/proto-reader.js'
import type { ProtoReader } from '../protobuf/proto-reader.js'
import { copyBytes } from './copy-bytes.js'
import { checkHistogram, emitHistogram, emitSummary } from './emit-points.js'
import { NanoTime, readNanoTime } from './nano-time.js'
import type { ProtoDecodeContext } from './proto-context.js'
import { FLAG_NO_RECORDED_VALUE, STALE_NAN } from './stale-nan.js'

/**
 * Data points of metrics/v1/metrics.proto, read straight into the batch. Each function reads one
 * point in `[r.pos, r.end)` (the caller narrows `r.end`); the point's start is `r.pos` on entry.
 * Field numbers are those of the published proto; `_T` constants are whole tags (field << 3 | wire).
 */
const TIME_T = (3 << 3) | WIRE_I64

const NUM_DOUBLE_T = (4 << 3) | WIRE_I64
const NUM_INT_T = (6 << 3) | WIRE_I64
const NUM_ATTR_T = (7 << 3) | WIRE_LEN
const NUM_FLAGS_T = (8 << 3) | WIRE_VARINT

const HIST_COUNT_T = (4 << 3) | WIRE_I64
const HIST_SUM_T = (5 << 3) | WIRE_I64
const HIST_COUNTS_PACKED_T = (6 << 3) | WIRE_LEN
const HIST_COUNTS_ONE_T = (6 << 3) | WIRE_I64
const HIST_BOUNDS_PACKED_T = (7 << 3) | WIRE_LEN
const HIST_BOUNDS_ONE_T = (7 << 3) | WIRE_I64
const HIST_ATTR_T = (9 << 3) | WIRE_LEN
const HIST_FLAGS_T = (10 << 3) | WIRE_VARINT

const EXP_ATTR_T = (1 << 3) | WIRE_LEN

const SUM_COUNT_T = (4 << 3) | WIRE_I64
const SUM_SUM_T = (5 << 3) | WIRE_I64
const SUM_QUANTILE_T = (6 << 3) | WIRE_LEN
const SUM_ATTR_T = (7 << 3) | WIRE_LEN
const SUM_FLAGS_T = (8 << 3) | WIRE_VARINT

const VAQ_QUANTILE_T = (1 << 3) | WIRE_I64
const VAQ_VALUE_T = (2 << 3) | WIRE_I64

/** Where the attributes of the point being read lie (first attribute tag to end of the last). */
let aStart = -1
let aEnd = -1

function noteAttribute(r: ProtoReader, at: number): void {
  r.pos = r.lengthDelimited()
  if (aStart < 0) aStart = at
  aEnd = r.pos
}

const time = new NanoTime()

/**
 * time_unix_nano (fixed64) as epoch ms, sub-ms kept; 0 when unset. Whole ms plus the remainder,
 * both exact (nano-time.ts), so whole-ms times stay whole and the result is the one OTLP/JSON's
 * decimal string gives (see `timeField`).
 */
function readTimeMs(r: ProtoReader): number {
  readNanoTime(r, time)
  return time.ms + time.nanos / 1e6
}

export function decodeNumberPoint(ctx: ProtoDecodeContext): void {
  const r = ctx.r
  const start = r.pos
  let timeMs = 0
  let value = 0
  let hasValue = false
  let flags = 0
  aStart = -1
  while (r.more) {
    const at = r.pos
    const tag = r.tag()
    if (tag === TIME_T) timeMs = readTimeMs(r)
    else if (tag === NUM_DOUBLE_T) {
      value = r.double()
      hasValue = true
    } else if (tag === NUM_INT_T) {
      value = r.sfixed64()
      hasValue = true
    } else if (tag === NUM_ATTR_T) noteAttribute(r, at)
    else if (tag === NUM_FLAGS_T) flags = r.uint32()
    else r.skip(tag)
  }
  if (r.error !== undefined) return
  const isStale = (flags & FLAG_NO_RECORDED_VALUE) !== 0
  if (timeMs === 0) return ctx.reject('missing_timestamp', start, r.end)
  if (!hasValue && !isStale) return ctx.reject('missing_value', start, r.end)
  const entry = ctx.series(NUM_ATTR_T, aStart, aEnd, start, r.end)
  if (entry === undefined) return
  ctx.builder.sample(ctx.index(entry), timeMs, isStale ? STALE_NAN : value)
  ctx.accepted++
}

/** Reads a packed repeated fixed64/double field into `push`. */
function readPacked(r: ProtoReader, asDouble: boolean, push: (v: number) => void): void {
  const end = r.lengthDelimited()
  if ((end - r.pos) % 8 !== 0) return r.fail('packed 64-bit field length not a multiple of 8')
  while (r.pos < end) push(asDouble ? r.double() : r.fixed64())
}

export function decodeHistogramPoint(ctx: ProtoDecodeContext): void {
  const r = ctx.r
  const s = ctx.scratch
  const start = r.pos
  let timeMs = 0
  let count = 0
  let sum: number | undefined
  let flags = 0
  aStart = -1
  s.reset()
  while (r.more) {
    const at = r.pos
    const tag = r.tag()
    if (tag === TIME_T) timeMs = readTimeMs(r)
    else if (tag === HIST_COUNT_T) count = r.fixed64()
    else if (tag === HIST_SUM_T) sum = r.double()
    else if (tag === HIST_COUNTS_PACKED_T) readPacked(r, false, s.pushCountFn)
    else if (tag === HIST_COUNTS_ONE_T) s.pushCount(r.fixed64())
    else if (tag === HIST_BOUNDS_PACKED_T) readPacked(r, true, s.pushBoundFn)
    else if (tag === HIST_BOUNDS_ONE_T) s.pushBound(r.double())
    else if (tag === HIST_ATTR_T) noteAttribute(r, at)
    else if (tag === HIST_FLAGS_T) flags = r.uint32()
    else r.skip(tag)
  }
  if (r.error !== undefined) return
  if (timeMs === 0) return ctx.reject('missing_timestamp', start, r.end)
  const invalid = checkHistogram(s)
  if (invalid !== undefined) return ctx.reject(invalid, start, r.end)
  const entry = ctx.series(HIST_ATTR_T, aStart, aEnd, start, r.end)
  if (entry === undefined) return
  const isStale = (flags & FLAG_NO_RECORDED_VALUE) !== 0
  emitHistogram(ctx.builder, ctx.familyIndexes(entry, sum !== undefined), timeMs, isStale, count, sum, s)
  ctx.accepted++
}

export function decodeSummaryPoint(ctx: ProtoDecodeContext): void {
  const r = ctx.r
  const s = ctx.scratch
  const start = r.pos
  let timeMs = 0
  let count = 0
  let sum = 0
  let flags = 0
  aStart = -1
  s.reset()
  while (r.more) {
    const at = r.pos
    const tag = r.tag()
    if (tag === TIME_T) timeMs = readTimeMs(r)
    else if (tag === SUM_COUNT_T) count = r.fixed64()
    else if (tag === SUM_SUM_T) sum = r.double()
    else if (tag === SUM_QUANTILE_T) readQuantile(ctx)
    else if (tag === SUM_ATTR_T) noteAttribute(r, at)
    else if (tag === SUM_FLAGS_T) flags = r.uint32()
    else r.skip(tag)
  }
  if (r.error !== undefined) return
  if (timeMs === 0) return ctx.reject('missing_timestamp', start, r.end)
  const entry = ctx.series(SUM_ATTR_T, aStart, aEnd, start, r.end)
  if (entry === undefined) return
  const isStale = (flags & FLAG_NO_RECORDED_VALUE) !== 0
  emitSummary(ctx.builder, ctx.familyIndexes(entry, true), timeMs, isStale, count, sum, s)
  ctx.accepted++
}

function readQuantile(ctx: ProtoDecodeContext): void {
  const r = ctx.r
  const end = r.lengthDelimited()
  const outer = r.end
  r.end = end
  let quantile = 0
  let value = 0
  while (r.more) {
    const tag = r.tag()
    if (tag === VAQ_QUANTILE_T) quantile = r.double()
    else if (tag === VAQ_VALUE_T) value = r.double()
    else r.skip(tag)
  }
  r.end = outer
  if (r.error !== undefined) return
  r.pos = end
  ctx.scratch.pushBound(quantile)
  ctx.scratch.pushCount(value)
}

/** Exponential histograms have no sample form yet: the point is kept whole, flags and all. */
export function decodeExponentialHistogramPoint(ctx: ProtoDecodeContext): void {
  const r = ctx.r
  const start = r.pos
  let timeMs = 0
  aStart = -1
  while (r.more) {
    const at = r.pos
    const tag = r.tag()
    if (tag === TIME_T) timeMs = readTimeMs(r)
    else if (tag === EXP_ATTR_T) noteAttribute(r, at)
    else r.skip(tag)
  }
  if (r.error !== undefined) return
  if (timeMs === 0) return ctx.reject('missing_timestamp', start, r.end)
  const entry = ctx.series(EXP_ATTR_T, aStart, aEnd, start, r.end)
  if (entry === undefined) return
  const series = ctx.index(entry)
  const payload = copyBytes(r.buf, start, r.end)
  ctx.builder.keep({ kind: 'exponential_histogram', series, timestampMs: timeMs, payload })
  ctx.accepted++
}
