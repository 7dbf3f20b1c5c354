import { WIRE_LEN, WIRE_VARINT } from '../protobuf/proto-reader.js'
import { readKeyValue } from './any-value-proto.js'
import { resolveLimits } from './decode-result.js'
import type { DecodeLimits, DecodeResult } from './decode-result.js'
import { sumShape } from './metric-shape.js'
import type { MetricShape } from './metric-shape.js'
import { ProtoDecodeContext } from './proto-context.js'
import { within } from './proto-within.js'
import { SeriesCache } from './series-cache.js'
import {
  decodeExponentialHistogramPoint,
  decodeHistogramPoint,
  decodeNumberPoint,
  decodeSummaryPoint,
} from './proto-points.js'

/**
 * Decodes an OTLP `ExportMetricsServiceRequest` (protobuf, opentelemetry-proto
 * collector/metrics/v1 and metrics/v1) straight into a columnar MetricBatch, with no object per
 * point. Never throws: an unreadable request is `{ ok: false, reason }` naming the message and
 * byte where it broke; points that break a limit or lack a name, timestamp or value are rejected
 * one by one and counted, and the rest is accepted. See README.md for the mapping rules.
 *
 * The batch does not reference `bytes` (rejected and kept points are copies), so the caller may
 * reuse the buffer once this returns. Pass a `SeriesCache` kept across requests (or use
 * `OtlpMetricsDecoder`, which does) to skip label work for series seen before: the hot path. A
 * cache remembers limit verdicts, so always use one cache with the same limits.
 *
 * ```ts
 * const res = decodeOtlpMetricsProto(body, 'acme')
 * if (!res.ok) return reply(400, res.reason)
 * await log.append(res.batch) // then answer with a partial success if res.rejected > 0
 * ```
 */
export function decodeOtlpMetricsProto(
  bytes: Uint8Array,
  tenant: string,
  limits?: Partial<DecodeLimits>,
  cache: SeriesCache = new SeriesCache(),
): DecodeResult {
  const ctx = new ProtoDecodeContext(bytes, tenant, resolveLimits(limits), cache)
  const r = ctx.r
  while (r.more) {
    const tag = r.tag()
    if (tag === REQUEST_RESOURCE_METRICS_T) within(ctx, 'ResourceMetrics', decodeResourceMetrics)
    else r.skip(tag)
  }
  if (r.error !== undefined) {
    return { ok: false, reason: `malformed ${ctx.errorAt ?? 'ExportMetricsServiceRequest'}: ${r.error}` }
  }
  return ctx.result()
}

const REQUEST_RESOURCE_METRICS_T = (1 << 3) | WIRE_LEN
const RM_RESOURCE_T = (1 << 3) | WIRE_LEN
const RM_SCOPE_METRICS_T = (2 << 3) | WIRE_LEN
/** Now `reserved`; was `deprecated_scope_metrics`, which some old senders (Envoy/Istio) still emit. */
const RM_DEPRECATED_SCOPE_METRICS_T = (1000 << 3) | WIRE_LEN
const RESOURCE_ATTRIBUTES_T = (1 << 3) | WIRE_LEN
const SM_METRICS_T = (2 << 3) | WIRE_LEN
const METRIC_NAME_T = (1 << 3) | WIRE_LEN
const METRIC_GAUGE_T = (5 << 3) | WIRE_LEN
const METRIC_SUM_T = (7 << 3) | WIRE_LEN
const METRIC_HISTOGRAM_T = (9 << 3) | WIRE_LEN
const METRIC_EXP_HISTOGRAM_T = (10 << 3) | WIRE_LEN
const METRIC_SUMMARY_T = (11 << 3) | WIRE_LEN
/** In Gauge, Sum, Histogram, ExponentialHistogram and Summary alike. */
const DATA_POINTS_T = (1 << 3) | WIRE_LEN
const DATA_TEMPORALITY_T = (2 << 3) | WIRE_VARINT
const SUM_MONOTONIC_T = (3 << 3) | WIRE_VARINT

type Reader = (ctx: ProtoDecodeContext) => void

/** Resource first (it may follow its metrics on the wire), then the scopes. */
function decodeResourceMetrics(ctx: ProtoDecodeContext): void {
  const r = ctx.r
  const start = r.pos
  ctx.beginResource()
  while (r.more) {
    const tag = r.tag()
    if (tag === RM_RESOURCE_T) within(ctx, 'Resource', decodeResource)
    else r.skip(tag)
  }
  if (r.error !== undefined) return
  ctx.endResourceHeader()
  r.pos = start
  while (r.more) {
    const tag = r.tag()
    if (tag === RM_SCOPE_METRICS_T || tag === RM_DEPRECATED_SCOPE_METRICS_T) {
      within(ctx, 'ScopeMetrics', decodeScopeMetrics)
    } else r.skip(tag)
  }
}

function decodeResource(ctx: ProtoDecodeContext): void {
  const r = ctx.r
  while (r.more) {
    const tag = r.tag()
    if (tag === RESOURCE_ATTRIBUTES_T) within(ctx, 'KeyValue', decodeResourceAttribute)
    else r.skip(tag)
  }
}

const addResourceAttribute = (ctx: ProtoDecodeContext) => (key: string, value: string) => {
  if (key === 'service.name') ctx.identity.name = value
  else if (key === 'service.namespace') ctx.identity.namespace = value
  else if (key === 'service.instance.id') ctx.identity.instanceId = value
}

function decodeResourceAttribute(ctx: ProtoDecodeContext): void {
  readKeyValue(ctx.r, addResourceAttribute(ctx))
}

function decodeScopeMetrics(ctx: ProtoDecodeContext): void {
  const r = ctx.r
  while (r.more) {
    const tag = r.tag()
    if (tag === SM_METRICS_T) within(ctx, 'Metric', decodeMetric)
    else r.skip(tag)
  }
}

/** Name first (any field order is valid on the wire), then the one data field. */
function decodeMetric(ctx: ProtoDecodeContext): void {
  const r = ctx.r
  let name = ''
  let dataTag = 0
  let dataStart = 0
  let dataEnd = 0
  while (r.more) {
    const tag = r.tag()
    if (tag === METRIC_NAME_T) name = r.string()
    else if (
      tag === METRIC_GAUGE_T ||
      tag === METRIC_SUM_T ||
      tag === METRIC_HISTOGRAM_T ||
      tag === METRIC_EXP_HISTOGRAM_T ||
      tag === METRIC_SUMMARY_T
    ) {
      dataTag = tag
      dataEnd = r.lengthDelimited()
      dataStart = r.pos
      r.pos = dataEnd
    } else r.skip(tag)
  }
  if (r.error !== undefined || dataTag === 0) return
  r.pos = dataStart
  r.end = dataEnd
  const [message, read] = pointReader(dataTag)
  ctx.beginMetric(name, dataShape(ctx, dataTag, dataEnd))
  while (r.more) {
    const tag = r.tag()
    if (tag !== DATA_POINTS_T) r.skip(tag)
    else if (ctx.family !== '') within(ctx, message, read)
    else {
      const end = r.lengthDelimited()
      if (r.error === undefined) ctx.reject('missing_metric_name', r.pos, end)
      r.pos = end
    }
  }
  if (r.error !== undefined) ctx.errorAt ??= METRIC_DATA_NAME[dataTag]
}

const METRIC_DATA_NAME: Readonly<Record<number, string>> = {
  [METRIC_GAUGE_T]: 'Gauge',
  [METRIC_SUM_T]: 'Sum',
  [METRIC_HISTOGRAM_T]: 'Histogram',
  [METRIC_EXP_HISTOGRAM_T]: 'ExponentialHistogram',
  [METRIC_SUMMARY_T]: 'Summary',
}

function pointReader(dataTag: number): readonly [string, Reader] {
  if (dataTag === METRIC_HISTOGRAM_T) return ['HistogramDataPoint', decodeHistogramPoint]
  if (dataTag === METRIC_EXP_HISTOGRAM_T)
    return ['ExponentialHistogramDataPoint', decodeExponentialHistogramPoint]
  if (dataTag === METRIC_SUMMARY_T) return ['SummaryDataPoint', decodeSummaryPoint]
  return ['NumberDataPoint', decodeNumberPoint]
}

/** The shape of the metric whose data message is `[r.pos, dataEnd)`; leaves `r.pos` as it was. */
function dataShape(ctx: ProtoDecodeContext, dataTag: number, dataEnd: number): MetricShape {
  if (dataTag === METRIC_GAUGE_T) return 'gauge'
  if (dataTag === METRIC_HISTOGRAM_T) return 'histogram'
  if (dataTag === METRIC_EXP_HISTOGRAM_T) return 'exponential_histogram'
  if (dataTag === METRIC_SUMMARY_T) return 'summary'
  const r = ctx.r
  const start = r.pos
  let temporality = 0
  let isMonotonic = false
  while (r.pos < dataEnd && r.error === undefined) {
    const tag = r.tag()
    if (tag === DATA_TEMPORALITY_T) temporality = r.uint32()
    else if (tag === SUM_MONOTONIC_T) isMonotonic = r.bool()
    else r.skip(tag)
  }
  r.pos = start
  return sumShape(isMonotonic, temporality)
}
