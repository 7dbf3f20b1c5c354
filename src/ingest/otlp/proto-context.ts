import { MetricBatchBuilder } from '../../core/batch/index.js'
import type { Labels, SeriesKind } from '../../core/batch/index.js'
import { ProtoReader } from '../protobuf/proto-reader.js'
import { copyBytes } from './copy-bytes.js'
import { readKeyValue } from './any-value-proto.js'
import { RejectTally } from './decode-result.js'
import type { DecodeLimits, DecodeSuccess, RejectReason } from './decode-result.js'
import { PointScratch, histogramLabels, summaryLabels } from './emit-points.js'
import { LabelSetBuilder, resourceLabels } from './label-set.js'
import type { ServiceIdentity } from './label-set.js'
import { familyName } from './metric-shape.js'
import type { MetricShape } from './metric-shape.js'
import { MetricSeries } from './series-cache.js'
import type { CachedSeries, SeriesCache } from './series-cache.js'

const SERIES_KIND: Readonly<Record<MetricShape, SeriesKind>> = {
  gauge: 'gauge',
  counter: 'counter',
  histogram: 'histogram',
  summary: 'summary',
  exponential_histogram: 'histogram',
}

/**
 * State of one protobuf decode: the reader, the batch being built, rejects, and the series cache
 * (series-cache.ts, kept across requests by `OtlpMetricsDecoder`). The cache is what makes the hot
 * path cheap: a point whose attribute bytes were seen before under the same resource and metric
 * costs one map lookup, with no UTF-8 decoding, sanitising or sorting. Equal bytes always mean
 * equal labels, so the cache can't be wrong; unequal bytes for equal labels just miss and intern
 * to the same series.
 */
export class ProtoDecodeContext {
  readonly r: ProtoReader
  readonly builder: MetricBatchBuilder
  readonly tally = new RejectTally()
  readonly scratch = new PointScratch()
  readonly identity: ServiceIdentity = { name: undefined, namespace: undefined, instanceId: undefined }
  /** Labels from the current resource (flat pairs). */
  resource: string[] = []
  /** The current metric: its name as sent, its family name (sanitised, suffixed) and shape. */
  rawName = ''
  family = ''
  shape: MetricShape = 'gauge'
  accepted = 0
  /** The innermost message where the reader failed. */
  errorAt: string | undefined
  readonly #text: Buffer
  readonly #view: DataView
  readonly #labels: LabelSetBuilder
  readonly #cache: SeriesCache
  readonly #epoch: number
  #resourceKey = ''
  #metric = new MetricSeries('')
  readonly #addLabel = (key: string, value: string): void => this.#labels.add(key, value)

  constructor(bytes: Uint8Array, tenant: string, limits: DecodeLimits, cache: SeriesCache) {
    this.r = new ProtoReader(bytes)
    this.#text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    this.builder = new MetricBatchBuilder(tenant, Math.max(256, bytes.length >>> 5))
    this.#labels = new LabelSetBuilder(limits)
    this.#cache = cache
    this.#epoch = cache.nextEpoch()
  }

  beginResource(): void {
    this.identity.name = undefined
    this.identity.namespace = undefined
    this.identity.instanceId = undefined
  }

  endResourceHeader(): void {
    this.resource = resourceLabels(this.identity)
    this.#resourceKey = this.resource.join('\u0000')
  }

  beginMetric(rawName: string, shape: MetricShape): void {
    this.rawName = rawName
    this.shape = shape
    this.family = familyName(rawName, shape)
    this.#metric = this.#cache.metric(`${this.#resourceKey}\u0001${rawName}\u0001${shape}`)
  }

  /**
   * The cached series of the point in `[pStart, pEnd)` whose attributes (field tag `attrTag`) lie
   * in `[aStart, aEnd)` (aStart < 0: none); undefined, with the reject counted, when its label set
   * breaks a limit.
   */
  series(
    attrTag: number,
    aStart: number,
    aEnd: number,
    pStart: number,
    pEnd: number,
  ): CachedSeries | undefined {
    const text = this.#text
    const start = aStart < 0 ? 0 : aStart
    const end = aStart < 0 ? 0 : aEnd
    const hash = MetricSeries.hash(this.#view, text, start, end)
    let entry = this.#metric.find(this.#view, text, start, end, hash)
    if (entry === undefined) {
      const labels = this.#resolve(attrTag, aStart, aEnd)
      entry =
        typeof labels === 'string'
          ? this.#cache.add(this.#metric, text, start, end, hash, undefined, labels)
          : this.#cache.add(this.#metric, text, start, end, hash, labels, undefined)
    }
    if (entry.reason !== undefined) this.reject(entry.reason, pStart, pEnd)
    return entry.labels === undefined ? undefined : entry
  }

  /** The batch index of a gauge, counter or exponential-histogram series. */
  index(entry: CachedSeries): number {
    if (entry.epoch !== this.#epoch) {
      entry.index = this.builder.series(entry.labels!, SERIES_KIND[this.shape])
      entry.epoch = this.#epoch
    }
    return entry.index
  }

  /** The batch indexes of the series a histogram or summary point writes (see emit-points.ts). */
  familyIndexes(entry: CachedSeries, hasSum: boolean): number[] {
    const s = this.scratch
    const hasCounts = s.nCounts > 0
    if (
      entry.family === undefined ||
      entry.familyHasSum !== hasSum ||
      entry.familyHasCounts !== hasCounts ||
      !sameBounds(entry.familyBounds, s.bounds, s.nBounds)
    ) {
      const isHistogram = this.shape === 'histogram'
      entry.family = isHistogram ? histogramLabels(entry.labels!, s, hasSum) : summaryLabels(entry.labels!, s)
      entry.familyBounds = s.bounds.slice(0, s.nBounds)
      entry.familyHasSum = hasSum
      entry.familyHasCounts = hasCounts
      entry.epoch = -1
    }
    if (entry.epoch !== this.#epoch) {
      const kind = SERIES_KIND[this.shape]
      entry.familyIndexes = entry.family.map((l) => this.builder.series(l, kind))
      entry.epoch = this.#epoch
    }
    return entry.familyIndexes
  }

  reject(reason: RejectReason, pStart: number, pEnd: number): void {
    this.tally.add(reason, this.rawName, copyBytes(this.r.buf, pStart, pEnd))
  }

  result(): DecodeSuccess {
    return {
      ok: true,
      batch: this.builder.build(),
      accepted: this.accepted,
      rejected: this.tally.total,
      rejectReasons: this.tally.counts,
      rejects: this.tally.rejects,
    }
  }

  #resolve(attrTag: number, aStart: number, aEnd: number): Labels | RejectReason {
    const r = this.r
    this.#labels.reset()
    if (aStart >= 0) {
      const pos = r.pos
      const end = r.end
      r.pos = aStart
      r.end = aEnd
      while (r.more) {
        const tag = r.tag()
        if (tag !== attrTag) {
          r.skip(tag)
          continue
        }
        const kvEnd = r.lengthDelimited()
        r.end = kvEnd
        readKeyValue(r, this.#addLabel)
        r.end = aEnd
        if (r.error === undefined) r.pos = kvEnd
      }
      r.end = end
      if (r.error !== undefined) return 'missing_value' // the request fails as a whole anyway
      r.pos = pos
    }
    const shape = this.shape
    const reserve = shape === 'histogram' || shape === 'summary' ? 1 : 0
    return this.#labels.build(this.family, this.resource, reserve)
  }
}

function sameBounds(a: Float64Array, b: Float64Array, n: number): boolean {
  if (a.length !== n) return false
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false
  return true
}
