import { MetricBatchBuilder } from '../../core/batch/index.js'
import type { Labels, SeriesKind } from '../../core/batch/index.js'
import { ProtoReader } from '../protobuf/proto-reader.js'
import { readKeyValue } from './any-value-proto.js'
import { RejectTally, rejectReasons } from './decode-result.js'
import type { DecodeLimits, DecodeSuccess, RejectReason } from './decode-result.js'
import { PointScratch } from './emit-points.js'
import { LabelSetBuilder, resourceLabels } from './label-set.js'
import type { ServiceIdentity } from './label-set.js'
import { familyName } from './metric-shape.js'
import type { MetricShape } from './metric-shape.js'

const SERIES_KIND: Readonly<Record<MetricShape, SeriesKind>> = {
  gauge: 'gauge',
  counter: 'counter',
  histogram: 'histogram',
  summary: 'summary',
  exponential_histogram: 'histogram',
}

/**
 * State of one protobuf decode: the reader, the batch being built, rejects, and a cache from a
 * point's raw attribute bytes to its series. The cache is what makes the hot path cheap: a point
 * whose attribute bytes were seen before (under the same metric) costs one map lookup, with no
 * UTF-8 decoding, sanitising, sorting or interning. Equal bytes always mean equal labels, so the
 * cache can't be wrong; unequal bytes for equal labels just miss and intern to the same series.
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
  readonly #labels: LabelSetBuilder
  readonly #cache = new Map<string, number>()
  readonly #bases: Labels[] = []
  #metricKey = ''
  #metricSeq = 0
  readonly #addLabel = (key: string, value: string): void => this.#labels.add(key, value)

  constructor(bytes: Uint8Array, tenant: string, limits: DecodeLimits) {
    this.r = new ProtoReader(bytes)
    this.#text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    this.builder = new MetricBatchBuilder(tenant, Math.max(256, bytes.length >>> 5))
    this.#labels = new LabelSetBuilder(limits)
  }

  beginResource(): void {
    this.identity.name = undefined
    this.identity.namespace = undefined
    this.identity.instanceId = undefined
    this.#metricSeq++
  }

  endResourceHeader(): void {
    this.resource = resourceLabels(this.identity)
  }

  beginMetric(rawName: string, shape: MetricShape): void {
    this.rawName = rawName
    this.shape = shape
    this.family = familyName(rawName, shape)
    this.#metricKey = `${++this.#metricSeq}\u0001`
  }

  /**
   * The series of the point in `[pStart, pEnd)` whose attributes (field tag `attrTag`) lie in
   * `[aStart, aEnd)` (aStart < 0: none). For gauge, counter and exponential-histogram points a
   * builder series index; for histogram and summary points an index for `base()`. Returns -1 and
   * counts the reject when the label set breaks a limit.
   */
  series(attrTag: number, aStart: number, aEnd: number, pStart: number, pEnd: number): number {
    const key = aStart < 0 ? this.#metricKey : this.#metricKey + this.#text.toString('latin1', aStart, aEnd)
    let v = this.#cache.get(key)
    if (v === undefined) {
      v = this.#resolve(attrTag, aStart, aEnd)
      this.#cache.set(key, v)
    }
    if (v < 0) this.reject(rejectReasons[-v - 1]!, pStart, pEnd)
    return v < 0 ? -1 : v
  }

  base(i: number): Labels {
    return this.#bases[i]!
  }

  reject(reason: RejectReason, pStart: number, pEnd: number): void {
    this.tally.add(reason, this.rawName, this.r.buf.slice(pStart, pEnd))
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

  #resolve(attrTag: number, aStart: number, aEnd: number): number {
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
      if (r.error !== undefined) return -1
      r.pos = pos
    }
    const shape = this.shape
    const reserve = shape === 'histogram' || shape === 'summary' ? 1 : 0
    const labels = this.#labels.build(this.family, this.resource, reserve)
    if (typeof labels === 'string') return -1 - rejectReasons.indexOf(labels)
    if (reserve === 0) return this.builder.series(labels, SERIES_KIND[shape])
    this.#bases.push(labels)
    return this.#bases.length - 1
  }
}
