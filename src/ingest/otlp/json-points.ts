import type { JsonDecodeContext } from './decode-metrics-json.js'
import {
  checkHistogram,
  emitHistogram,
  emitSummary,
  histogramLabels,
  internAll,
  summaryLabels,
} from './emit-points.js'
import { encodeExponentialHistogramPoint, writeKeyValue } from './exponential-histogram.js'
import { arrayField, asObject, doubleField, intField, timeField, toDouble } from './json-fields.js'
import type { JsonObject } from './json-fields.js'
import type { ProtoWriter } from './proto-writer.js'
import { FLAG_NO_RECORDED_VALUE, STALE_NAN } from './stale-nan.js'

const SERIES_KIND = { gauge: 'gauge', counter: 'counter' } as const

/**
 * One OTLP/JSON data point of the context's current metric into the batch, with the same checks,
 * in the same order, as proto-points.ts: timestamp, value or buckets, then labels.
 */
export function decodeJsonPoint(ctx: JsonDecodeContext, v: unknown, what: string): void {
  const point = asObject(v, what)
  const timeMs = timeField(point, 'timeUnixNano', what)
  const isStale = (intField(point, 'flags', what) & FLAG_NO_RECORDED_VALUE) !== 0
  switch (ctx.shape) {
    case 'gauge':
    case 'counter':
      return numberPoint(ctx, point, what, timeMs, isStale, SERIES_KIND[ctx.shape])
    case 'histogram':
      return histogramPoint(ctx, point, what, timeMs, isStale)
    case 'summary':
      return summaryPoint(ctx, point, what, timeMs, isStale)
    case 'exponential_histogram':
      return exponentialHistogramPoint(ctx, point, what, timeMs)
  }
}

function numberPoint(
  ctx: JsonDecodeContext,
  point: JsonObject,
  what: string,
  timeMs: number,
  isStale: boolean,
  kind: 'gauge' | 'counter',
): void {
  let value = doubleField(point, 'asDouble', what)
  if (value === undefined && point.asInt !== undefined && point.asInt !== null)
    value = intField(point, 'asInt', what)
  if (timeMs === 0) return ctx.reject('missing_timestamp', point)
  if (value === undefined && !isStale) return ctx.reject('missing_value', point)
  const labels = ctx.pointLabels(point, what, 0)
  if (typeof labels === 'string') return ctx.reject(labels, point)
  ctx.builder.sample(ctx.builder.series(labels, kind), timeMs, isStale ? STALE_NAN : (value ?? 0))
  ctx.accepted++
}

function histogramPoint(
  ctx: JsonDecodeContext,
  point: JsonObject,
  what: string,
  timeMs: number,
  isStale: boolean,
): void {
  const s = ctx.scratch
  s.reset()
  for (const c of arrayField(point, 'bucketCounts', what))
    s.pushCount(intField({ c }, 'c', `${what}.bucketCounts`))
  for (const b of arrayField(point, 'explicitBounds', what))
    s.pushBound(toDouble(b, `${what}.explicitBounds`))
  const count = intField(point, 'count', what)
  const sum = doubleField(point, 'sum', what)
  if (timeMs === 0) return ctx.reject('missing_timestamp', point)
  const invalid = checkHistogram(s)
  if (invalid !== undefined) return ctx.reject(invalid, point)
  const labels = ctx.pointLabels(point, what, 1)
  if (typeof labels === 'string') return ctx.reject(labels, point)
  const series = internAll(ctx.builder, histogramLabels(labels, s, sum !== undefined), 'histogram')
  emitHistogram(ctx.builder, series, timeMs, isStale, count, sum, s)
  ctx.accepted++
}

function summaryPoint(
  ctx: JsonDecodeContext,
  point: JsonObject,
  what: string,
  timeMs: number,
  isStale: boolean,
): void {
  const s = ctx.scratch
  s.reset()
  const quantiles = arrayField(point, 'quantileValues', what)
  for (let i = 0; i < quantiles.length; i++) {
    const q = asObject(quantiles[i], `${what}.quantileValues[${i}]`)
    s.pushBound(doubleField(q, 'quantile', `${what}.quantileValues[${i}]`) ?? 0)
    s.pushCount(doubleField(q, 'value', `${what}.quantileValues[${i}]`) ?? 0)
  }
  const count = intField(point, 'count', what)
  const sum = doubleField(point, 'sum', what) ?? 0
  if (timeMs === 0) return ctx.reject('missing_timestamp', point)
  const labels = ctx.pointLabels(point, what, 1)
  if (typeof labels === 'string') return ctx.reject(labels, point)
  emitSummary(
    ctx.builder,
    internAll(ctx.builder, summaryLabels(labels, s), 'summary'),
    timeMs,
    isStale,
    count,
    sum,
    s,
  )
  ctx.accepted++
}

/** Kept whole, re-encoded as a protobuf ExponentialHistogramDataPoint like the proto path keeps. */
function exponentialHistogramPoint(
  ctx: JsonDecodeContext,
  point: JsonObject,
  what: string,
  timeMs: number,
): void {
  const attributes = arrayField(point, 'attributes', what)
  const writeAttributes = (w: ProtoWriter): void =>
    attributes.forEach((kv, i) => w.message(1, (e) => writeKeyValue(e, kv, `${what}.attributes[${i}]`)))
  const payload = encodeExponentialHistogramPoint(point, what, writeAttributes)
  if (timeMs === 0) return ctx.reject('missing_timestamp', point)
  const labels = ctx.pointLabels(point, what, 0)
  if (typeof labels === 'string') return ctx.reject(labels, point)
  const series = ctx.builder.series(labels, 'histogram')
  ctx.builder.keep({ kind: 'exponential_histogram', series, timestampMs: timeMs, payload })
  ctx.accepted++
}
