import { MetricBatchBuilder } from '../../core/batch/index.js'
import type { Labels } from '../../core/batch/index.js'
import { forEachAttribute } from './any-value-json.js'
import { RejectTally, resolveLimits } from './decode-result.js'
import type { DecodeLimits, DecodeResult, RejectReason } from './decode-result.js'
import { PointScratch } from './emit-points.js'
import {
  JsonShapeError,
  arrayField,
  asObject,
  boolField,
  intField,
  objectField,
  stringField,
} from './json-fields.js'
import type { JsonObject } from './json-fields.js'
import { decodeJsonPoint } from './json-points.js'
import { LabelSetBuilder, resourceLabels } from './label-set.js'
import type { ServiceIdentity } from './label-set.js'
import { familyName, sumShape } from './metric-shape.js'
import type { MetricShape } from './metric-shape.js'

/**
 * Decodes an OTLP/JSON `ExportMetricsServiceRequest` (`application/json`: the protobuf JSON
 * mapping with lowerCamelCase keys, 64-bit integers as strings or numbers, enums as integers) into
 * the same MetricBatch the protobuf decoder makes from the same request, with the same rules and
 * rejects (README.md). JSON is not the hot path: `JSON.parse`, then a walk straight into the
 * builder. Never throws: bad JSON or a field of the wrong type is `{ ok: false, reason }` naming
 * the field, e.g. "resourceMetrics[0].scopeMetrics[0].metrics[2].gauge.dataPoints[1].asInt:
 * expected an integer". A rejected point's payload is its JSON text.
 */
export function decodeOtlpMetricsJson(
  body: Uint8Array | string,
  tenant: string,
  limits?: Partial<DecodeLimits>,
): DecodeResult {
  let parsed: unknown
  try {
    parsed = JSON.parse(typeof body === 'string' ? body : new TextDecoder().decode(body))
  } catch (err) {
    return { ok: false, reason: `invalid JSON: ${(err as Error).message}` }
  }
  const ctx = new JsonDecodeContext(tenant, resolveLimits(limits))
  try {
    const request = asObject(parsed, 'request')
    const all = arrayField(request, 'resourceMetrics', 'request')
    for (let i = 0; i < all.length; i++) decodeResourceMetrics(ctx, all[i], `resourceMetrics[${i}]`)
  } catch (err) {
    if (err instanceof JsonShapeError) return { ok: false, reason: err.message }
    throw err
  }
  return {
    ok: true,
    batch: ctx.builder.build(),
    accepted: ctx.accepted,
    rejected: ctx.tally.total,
    rejectReasons: ctx.tally.counts,
    rejects: ctx.tally.rejects,
  }
}

/** State of one JSON decode, shared with json-points.ts. */
export class JsonDecodeContext {
  readonly builder: MetricBatchBuilder
  readonly tally = new RejectTally()
  readonly scratch = new PointScratch()
  readonly labels: LabelSetBuilder
  resource: string[] = []
  rawName = ''
  family = ''
  shape: MetricShape = 'gauge'
  accepted = 0
  readonly addLabel = (key: string, value: string): void => this.labels.add(key, value)

  constructor(tenant: string, limits: DecodeLimits) {
    this.builder = new MetricBatchBuilder(tenant)
    this.labels = new LabelSetBuilder(limits)
  }

  /** The point's label set (family name, resource labels, attributes) or why it is rejected. */
  pointLabels(point: JsonObject, what: string, reserve: number): Labels | RejectReason {
    this.labels.reset()
    forEachAttribute(arrayField(point, 'attributes', what), `${what}.attributes`, this.addLabel)
    return this.labels.build(this.family, this.resource, reserve)
  }

  reject(reason: RejectReason, point: unknown): void {
    this.tally.add(reason, this.rawName, new TextEncoder().encode(JSON.stringify(point)))
  }
}

function decodeResourceMetrics(ctx: JsonDecodeContext, v: unknown, what: string): void {
  const rm = asObject(v, what)
  const resource = objectField(rm, 'resource', what)
  const identity: ServiceIdentity = { name: undefined, namespace: undefined, instanceId: undefined }
  if (resource !== undefined) {
    forEachAttribute(
      arrayField(resource, 'attributes', `${what}.resource`),
      `${what}.resource.attributes`,
      (k, val) => {
        if (k === 'service.name') identity.name = val
        else if (k === 'service.namespace') identity.namespace = val
        else if (k === 'service.instance.id') identity.instanceId = val
      },
    )
  }
  ctx.resource = resourceLabels(identity)
  const scopes = arrayField(rm, 'scopeMetrics', what)
  for (let i = 0; i < scopes.length; i++) {
    const sm = asObject(scopes[i], `${what}.scopeMetrics[${i}]`)
    const metrics = arrayField(sm, 'metrics', `${what}.scopeMetrics[${i}]`)
    for (let j = 0; j < metrics.length; j++)
      decodeMetric(ctx, metrics[j], `${what}.scopeMetrics[${i}].metrics[${j}]`)
  }
}

const DATA_FIELDS = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] as const
const TEMPORALITY_NAMES: Readonly<Record<string, number>> = {
  AGGREGATION_TEMPORALITY_UNSPECIFIED: 0,
  AGGREGATION_TEMPORALITY_DELTA: 1,
  AGGREGATION_TEMPORALITY_CUMULATIVE: 2,
}

function decodeMetric(ctx: JsonDecodeContext, v: unknown, what: string): void {
  const metric = asObject(v, what)
  const field = DATA_FIELDS.find((f) => metric[f] !== undefined && metric[f] !== null)
  if (field === undefined) return
  const data = asObject(metric[field], `${what}.${field}`)
  let shape: MetricShape
  if (field === 'sum') {
    const t = data.aggregationTemporality
    const temporality =
      typeof t === 'string' && t in TEMPORALITY_NAMES
        ? TEMPORALITY_NAMES[t]!
        : intField(data, 'aggregationTemporality', `${what}.sum`)
    shape = sumShape(boolField(data, 'isMonotonic', `${what}.sum`), temporality)
  } else shape = field === 'exponentialHistogram' ? 'exponential_histogram' : field
  ctx.rawName = stringField(metric, 'name', what)
  ctx.shape = shape
  ctx.family = familyName(ctx.rawName, shape)
  const points = arrayField(data, 'dataPoints', `${what}.${field}`)
  for (let i = 0; i < points.length; i++) {
    if (ctx.family === '') ctx.reject('missing_metric_name', points[i])
    else decodeJsonPoint(ctx, points[i], `${what}.${field}.dataPoints[${i}]`)
  }
}
