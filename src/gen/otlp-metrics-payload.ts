import { ProtoEncoder } from '../ingest/protobuf/proto-encoder.js'
import { COUNTER, DURATION_BOUNDS, GAUGE, HISTOGRAM } from './metric-catalog.js'
import { HISTOGRAM_BUCKETS } from './metric-model.js'
import type { MetricModel } from './metric-model.js'
import { MetricWindow } from './metric-window.js'
import { OtlpResources, attributesBytes } from './otlp-common.js'
import type { Payload, PayloadBuilder } from './payload.js'

export const OTLP_METRICS_PATH = '/v1/metrics'

/** Field numbers (opentelemetry-proto metrics/v1/metrics.proto). */
const METRIC_NAME = 1
const METRIC_GAUGE = 5
const METRIC_SUM = 7
const METRIC_HISTOGRAM = 9
const DATA_POINTS = 1
const AGGREGATION_TEMPORALITY = 2
const TEMPORALITY_CUMULATIVE = 2
const SUM_IS_MONOTONIC = 3
const NUMBER_POINT_ATTRIBUTES = 7
const HISTOGRAM_POINT_ATTRIBUTES = 9
const POINT_START_TIME = 2
const POINT_TIME = 3
const NUMBER_AS_DOUBLE = 4
const HISTOGRAM_COUNT = 4
const HISTOGRAM_SUM = 5
const HISTOGRAM_BUCKET_COUNTS = 6
const HISTOGRAM_EXPLICIT_BOUNDS = 7

/**
 * OTLP/HTTP protobuf `ExportMetricsServiceRequest` bodies: one ResourceMetrics per service (its
 * `service.name` resource), consecutive points of one metric under one Metric: gauges, monotonic
 * cumulative sums and explicit-bucket histograms. Resources, the scope and every point's
 * attributes are encoded once up front; a request writes names, times and values around them.
 */
export class OtlpMetricsPayloads implements PayloadBuilder {
  readonly signal = 'metrics'
  readonly protocol = 'otlp'
  readonly #model: MetricModel
  readonly #window: MetricWindow
  readonly #resources: OtlpResources
  readonly #attributes: Buffer[]
  readonly #w = new ProtoEncoder(64 * 1024)

  constructor(model: MetricModel, services: readonly string[]) {
    const c = model.catalog
    this.#model = model
    this.#window = new MetricWindow(c)
    this.#resources = new OtlpResources(services)
    this.#attributes = c.labels.map((labels, i) =>
      attributesBytes(c.kind[i] === HISTOGRAM ? HISTOGRAM_POINT_ATTRIBUTES : NUMBER_POINT_ATTRIBUTES, labels),
    )
  }

  build(seq: number, tsMs: number, maxRecords: number): Payload {
    const model = this.#model
    const c = model.catalog
    const window = this.#window
    const w = this.#w
    w.reset()
    window.next(maxRecords)
    let service = -1
    let name = ''
    let kind = -1
    for (let k = 0; k < window.count; k++) {
      const i = window.at(k)
      model.advance(i, tsMs)
      if (c.service[i] !== service) {
        if (kind >= 0) closeMetric(w, kind)
        if (service >= 0) this.#resources.close(w)
        service = c.service[i]!
        name = ''
        kind = -1
        this.#resources.open(w, service)
      }
      if (c.name[i] !== name) {
        if (kind >= 0) closeMetric(w, kind)
        name = c.name[i]!
        kind = c.kind[i]!
        w.fork(2) // Metric
        w.string(METRIC_NAME, name)
        w.fork(kind === GAUGE ? METRIC_GAUGE : kind === COUNTER ? METRIC_SUM : METRIC_HISTOGRAM)
      }
      this.#point(i, tsMs)
    }
    if (kind >= 0) closeMetric(w, kind)
    if (service >= 0) this.#resources.close(w)
    return {
      signal: 'metrics',
      protocol: 'otlp',
      path: OTLP_METRICS_PATH,
      body: w.finish(),
      records: window.samples,
      seq,
      tsMs,
      isSnappy: false,
    }
  }

  #point(i: number, tsMs: number): void {
    const model = this.#model
    const w = this.#w
    const kind = model.catalog.kind[i]!
    w.fork(DATA_POINTS)
    w.rawBytes(this.#attributes[i]!)
    if (kind !== GAUGE) w.fixed64TimeNs(POINT_START_TIME, model.startMs)
    w.fixed64TimeNs(POINT_TIME, tsMs)
    if (kind !== HISTOGRAM) {
      w.double(NUMBER_AS_DOUBLE, model.value[i]!)
    } else {
      const at = i * HISTOGRAM_BUCKETS
      w.fixed64(HISTOGRAM_COUNT, model.count[i]!)
      w.double(HISTOGRAM_SUM, model.sum[i]!)
      w.packedFixed64(HISTOGRAM_BUCKET_COUNTS, model.buckets, at, at + HISTOGRAM_BUCKETS)
      w.packedDoubles(HISTOGRAM_EXPLICIT_BOUNDS, DURATION_BOUNDS)
    }
    w.join()
  }
}

/** Ends the data (Gauge/Sum/Histogram) message and its Metric. */
function closeMetric(w: ProtoEncoder, kind: number): void {
  if (kind !== GAUGE) w.varint(AGGREGATION_TEMPORALITY, TEMPORALITY_CUMULATIVE)
  if (kind === COUNTER) w.bool(SUM_IS_MONOTONIC, true)
  w.join()
  w.join()
}
