import type { Buffer } from 'node:buffer'
import { MetricBatchBuilder, METRIC_NAME_LABEL } from '../../core/batch/index.js'
import type { SeriesKind } from '../../core/batch/index.js'
import { ProtoReader, WIRE_I64, WIRE_LEN, WIRE_VARINT } from '../protobuf/proto-reader.js'
import { MAX_REJECT_DETAILS } from './decode-result.js'
import type { DecodeResult, RejectedSeries } from './decode-result.js'
import { appendLabel, duplicate, sortAndCheck } from './label-check.js'
import type { LabelProblem } from './label-check.js'
import { DEFAULT_REMOTE_WRITE_LIMITS } from './limits.js'
import type { RemoteWriteLimits } from './limits.js'
import { kindForName, readMetadata } from './metadata.js'
import { emptyRejectCounts } from './reject-reason.js'
import type { SeriesCache } from './series-cache.js'
import { asBuffer } from './utf8.js'

/*
 * Field numbers from prompb remote.proto / types.proto (remote_write v1):
 *   WriteRequest { repeated TimeSeries timeseries = 1; reserved 2; repeated MetricMetadata metadata = 3; }
 *   TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2;
 *                  repeated Exemplar exemplars = 3; repeated Histogram histograms = 4; }
 *   Label        { string name = 1; string value = 2; }
 *   Sample       { double value = 1; int64 timestamp = 2; }
 */
const TIMESERIES_TAG = (1 << 3) | WIRE_LEN
const METADATA_TAG = (3 << 3) | WIRE_LEN
const LABEL_TAG = (1 << 3) | WIRE_LEN
const SAMPLE_TAG = (2 << 3) | WIRE_LEN
const EXEMPLAR_TAG = (3 << 3) | WIRE_LEN
const HISTOGRAM_TAG = (4 << 3) | WIRE_LEN
const LABEL_NAME_TAG = (1 << 3) | WIRE_LEN
const LABEL_VALUE_TAG = (2 << 3) | WIRE_LEN
const SAMPLE_VALUE_TAG = (1 << 3) | WIRE_I64
const SAMPLE_TIMESTAMP_TAG = (2 << 3) | WIRE_VARINT

/** A rough lower bound of encoded bytes per sample, to size the builder once. */
const BYTES_PER_SAMPLE_ESTIMATE = 24

/**
 * Decodes an uncompressed `prometheus.WriteRequest` straight into a MetricBatchBuilder: no object
 * per sample, one label array per series. Metadata is read first (it follows the series on the
 * wire) so that series kinds are known when a series is interned. With a `cache`, label sets seen
 * in earlier requests are reused (see SeriesCache). Never throws.
 */
export function decodeWriteRequest(
  bytes: Uint8Array,
  tenant: string,
  limits: RemoteWriteLimits = DEFAULT_REMOTE_WRITE_LIMITS,
  cache?: SeriesCache,
): DecodeResult {
  const r = new ProtoReader(bytes)
  const kinds = new Map<string, SeriesKind>()
  while (r.more) {
    const start = r.pos
    const tag = r.tag()
    if (tag === TIMESERIES_TAG || tag === METADATA_TAG) {
      const end = r.lengthDelimited()
      const what = tag === TIMESERIES_TAG ? 'TimeSeries' : 'MetricMetadata'
      if (r.error !== undefined) return { ok: false, reason: `truncated ${what} at byte ${start}` }
      if (tag === METADATA_TAG) readMetadata(r, end, kinds)
      if (r.error !== undefined)
        return { ok: false, reason: `malformed ${what} at byte ${start}: ${r.error}` }
      r.pos = end
    } else r.skip(tag)
  }
  if (r.error !== undefined) return { ok: false, reason: `malformed WriteRequest: ${r.error}` }

  const d = new SeriesDecoder(asBuffer(bytes), tenant, limits, kinds, cache)
  r.pos = 0
  while (r.pos < r.end) {
    const start = r.pos
    const tag = r.tag()
    if (tag !== TIMESERIES_TAG) {
      r.skip(tag)
      continue
    }
    const end = r.lengthDelimited()
    const error = d.decode(r.pos, end)
    if (error !== undefined) return { ok: false, reason: `malformed TimeSeries at byte ${start}: ${error}` }
    r.pos = end
  }
  return d.result()
}

/** Per-request state: the builder, reject counters and a reader over the same bytes. */
class SeriesDecoder {
  readonly #buf: Buffer
  readonly #r: ProtoReader
  readonly #limits: RemoteWriteLimits
  readonly #kinds: ReadonlyMap<string, SeriesKind>
  readonly #cache: SeriesCache | undefined
  readonly #builder: MetricBatchBuilder
  readonly #counts = emptyRejectCounts()
  readonly #details: string[] = []
  readonly #rejects: RejectedSeries[] = []
  #received = 0
  #rejected = 0
  #exemplars = 0

  constructor(
    buf: Buffer,
    tenant: string,
    limits: RemoteWriteLimits,
    kinds: Map<string, SeriesKind>,
    cache: SeriesCache | undefined,
  ) {
    this.#buf = buf
    this.#r = new ProtoReader(buf)
    this.#limits = limits
    this.#kinds = kinds
    this.#cache = cache
    this.#builder = new MetricBatchBuilder(tenant, Math.ceil(buf.length / BYTES_PER_SAMPLE_ESTIMATE))
  }

  result(): DecodeResult {
    return {
      ok: true,
      batch: this.#builder.build(),
      received: this.#received,
      rejected: this.#rejected,
      rejectReasons: this.#counts,
      rejectDetails: this.#details,
      rejects: this.#rejects,
      exemplarsIgnored: this.#exemplars,
    }
  }

  /**
   * Decodes the TimeSeries in `[start, end)`; returns a wire error, or undefined. First pass: labels
   * (or a cache hit on the raw bytes of the leading labels) and counts; second pass: samples.
   */
  decode(start: number, end: number, useCache = true): string | undefined {
    const r = this.#r
    r.end = end
    let key: string | undefined
    let cached = undefined as ReturnType<SeriesCache['get']>
    let keyEnd = start
    if (useCache && this.#cache !== undefined) {
      keyEnd = this.#leadingLabelsEnd(start, end)
      if (r.error !== undefined) return r.error
      if (keyEnd > start) {
        key = this.#buf.toString('latin1', start, keyEnd)
        cached = this.#cache.get(key)
      }
    }
    r.pos = cached === undefined ? start : keyEnd
    const labels: string[] = []
    let problem: LabelProblem | undefined
    let sorted = true
    let prev = ''
    let samples = 0
    let histograms = 0
    let exemplars = 0
    while (r.pos < end && r.error === undefined) {
      const tagPos = r.pos
      const tag = r.tag()
      if (tag === SAMPLE_TAG) {
        r.pos = r.lengthDelimited()
        samples++
      } else if (tag === LABEL_TAG) {
        if (cached !== undefined) return this.decode(start, end, false) // labels not contiguous
        if (tagPos >= keyEnd) key = undefined
        const labelEnd = r.lengthDelimited()
        if (problem !== undefined) {
          r.pos = labelEnd
          continue
        }
        let ns = 0
        let ne = 0
        let vs = 0
        let ve = 0
        while (r.pos < labelEnd && r.error === undefined) {
          const t = r.tag()
          if (t === LABEL_NAME_TAG) {
            ne = r.lengthDelimited()
            ns = r.pos
            r.pos = ne
          } else if (t === LABEL_VALUE_TAG) {
            ve = r.lengthDelimited()
            vs = r.pos
            r.pos = ve
          } else r.skip(t)
        }
        if (r.pos !== labelEnd) r.fail('Label overruns its length')
        if (r.error !== undefined) break
        const before = labels.length
        problem = appendLabel(labels, this.#buf, this.#limits, ns, ne, vs, ve)
        if (problem !== undefined || labels.length === before) continue
        const name = labels[before]!
        if (before > 0 && name <= prev) {
          if (name === prev) problem = duplicate(name)
          else sorted = false
        }
        prev = name
      } else if (tag === HISTOGRAM_TAG) {
        r.pos = r.lengthDelimited()
        histograms++
      } else if (tag === EXEMPLAR_TAG) {
        r.pos = r.lengthDelimited()
        exemplars++
      } else r.skip(tag)
    }
    if (r.error !== undefined) return r.error
    this.#received += samples + histograms
    this.#exemplars += exemplars
    let metricName = cached?.metricName
    const series = cached?.labels ?? labels
    if (cached === undefined) {
      if (problem === undefined && !sorted) problem = sortAndCheck(labels)
      if (problem === undefined) {
        for (let i = 0; i < labels.length; i += 2) {
          if (labels[i] === METRIC_NAME_LABEL) metricName = labels[i + 1]
        }
        if (metricName === undefined) {
          problem = { reason: 'missing_metric_name', detail: 'no or empty __name__ label' }
        }
      }
      if (problem !== undefined || metricName === undefined) {
        const p = problem ?? { reason: 'missing_metric_name', detail: '' }
        this.#reject(p, samples + histograms, labels, start, end)
        return undefined
      }
      if (key !== undefined) this.#cache?.set(key, { labels, metricName })
    }
    if (histograms > 0) {
      const detail = 'native histograms are not supported yet'
      this.#reject({ reason: 'unsupported_native_histogram', detail }, histograms, series, start, end)
    }
    if (samples > 0 && metricName !== undefined) {
      return this.#samples(start, end, this.#builder.series(series, this.#kindOf(metricName)))
    }
    return undefined
  }

  /** The end of the label fields at the start of the series (= start when it starts otherwise). */
  #leadingLabelsEnd(start: number, end: number): number {
    const r = this.#r
    r.pos = start
    let labelsEnd = start
    while (r.pos < end && r.error === undefined) {
      if (r.tag() !== LABEL_TAG) break
      r.pos = r.lengthDelimited()
      labelsEnd = r.pos
    }
    return labelsEnd
  }

  /** Second pass over the series: appends its samples. */
  #samples(start: number, end: number, series: number): string | undefined {
    const r = this.#r
    const b = this.#builder
    r.pos = start
    while (r.pos < end && r.error === undefined) {
      const tag = r.tag()
      if (tag !== SAMPLE_TAG) {
        r.skip(tag)
        continue
      }
      const sampleEnd = r.lengthDelimited()
      let value = 0
      let ts = 0
      while (r.pos < sampleEnd && r.error === undefined) {
        const t = r.tag()
        if (t === SAMPLE_VALUE_TAG) value = r.double()
        else if (t === SAMPLE_TIMESTAMP_TAG) ts = r.int64()
        else r.skip(t)
      }
      if (r.pos !== sampleEnd) r.fail('Sample overruns its length')
      b.sample(series, ts, value)
    }
    return r.error
  }

  #kindOf(name: string): SeriesKind {
    return this.#kinds.size === 0 ? 'unknown' : kindForName(name, this.#kinds)
  }

  /** Counts a rejected series whose bytes are `[start, end)`, and keeps a copy of them. */
  #reject(problem: LabelProblem, n: number, labels: readonly string[], start: number, end: number): void {
    this.#counts[problem.reason] += n
    this.#rejected += n
    const series = describeSeries(labels)
    if (n > 0) {
      const payload = Uint8Array.prototype.slice.call(this.#buf, start, end)
      this.#rejects.push({ reason: problem.reason, series, records: n, payload })
    }
    if (this.#details.length < MAX_REJECT_DETAILS) this.#details.push(`series ${series}: ${problem.detail}`)
  }
}

/** `{__name__="x", job="1"}`: the first 8 labels of a series, for reject reports. */
function describeSeries(labels: readonly string[]): string {
  const shown: string[] = []
  for (let i = 0; i < labels.length && i < 16; i += 2)
    shown.push(`${labels[i]}=${JSON.stringify(labels[i + 1])}`)
  return `{${shown.join(', ')}}`
}
