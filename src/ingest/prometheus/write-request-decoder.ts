import { MetricBatchBuilder, METRIC_NAME_LABEL, sortLabels } from '../../core/batch/index.js'
import type { SeriesKind } from '../../core/batch/index.js'
import { ProtoReader, WIRE_I64, WIRE_LEN, WIRE_VARINT } from '../protobuf/proto-reader.js'
import { MAX_REJECT_DETAILS } from './decode-result.js'
import type { DecodeResult } from './decode-result.js'
import { isValidLabelName } from './label-check.js'
import { DEFAULT_REMOTE_WRITE_LIMITS } from './limits.js'
import type { RemoteWriteLimits } from './limits.js'
import { kindForName, readMetadata } from './metadata.js'
import { emptyRejectCounts } from './reject-reason.js'
import type { RejectReason } from './reject-reason.js'
import { asBuffer, decodeAscii, decodeUtf8 } from './utf8.js'

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
 * wire) so that series kinds are known when a series is interned. Never throws.
 */
export function decodeWriteRequest(
  bytes: Uint8Array,
  tenant: string,
  limits: RemoteWriteLimits = DEFAULT_REMOTE_WRITE_LIMITS,
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

  const d = new SeriesDecoder(asBuffer(bytes), tenant, limits, kinds)
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
  readonly #builder: MetricBatchBuilder
  readonly #counts = emptyRejectCounts()
  readonly #details: string[] = []
  #received = 0
  #rejected = 0
  #exemplars = 0

  constructor(buf: Buffer, tenant: string, limits: RemoteWriteLimits, kinds: Map<string, SeriesKind>) {
    this.#buf = buf
    this.#r = new ProtoReader(buf)
    this.#limits = limits
    this.#kinds = kinds
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
      exemplarsIgnored: this.#exemplars,
    }
  }

  /** Decodes the TimeSeries in `[start, end)`; returns a wire error, or undefined. */
  decode(start: number, end: number): string | undefined {
    const r = this.#r
    r.pos = start
    r.end = end
    const labels: string[] = []
    let reject: RejectReason | undefined
    let sorted = true
    let prev = ''
    let samples = 0
    let histograms = 0
    while (r.pos < end && r.error === undefined) {
      const tag = r.tag()
      if (tag === SAMPLE_TAG) {
        r.pos = r.lengthDelimited()
        samples++
      } else if (tag === LABEL_TAG) {
        const labelEnd = r.lengthDelimited()
        if (reject !== undefined) {
          r.pos = labelEnd
          continue
        }
        let nameStart = 0
        let nameEnd = 0
        let valueStart = 0
        let valueEnd = 0
        while (r.pos < labelEnd && r.error === undefined) {
          const t = r.tag()
          if (t === LABEL_NAME_TAG) {
            nameEnd = r.lengthDelimited()
            nameStart = r.pos
            r.pos = nameEnd
          } else if (t === LABEL_VALUE_TAG) {
            valueEnd = r.lengthDelimited()
            valueStart = r.pos
            r.pos = valueEnd
          } else r.skip(t)
        }
        if (r.pos !== labelEnd) r.fail('Label overruns its length')
        if (r.error !== undefined) break
        const before = labels.length
        reject = this.#label(labels, nameStart, nameEnd, valueStart, valueEnd)
        if (reject !== undefined || labels.length === before) continue
        const name = labels[before]!
        if (before > 0 && name <= prev) {
          if (name === prev) reject = this.#reject('duplicate_label_name', `label "${name}" appears twice`)
          else sorted = false
        }
        prev = name
      } else if (tag === HISTOGRAM_TAG) {
        r.pos = r.lengthDelimited()
        histograms++
      } else if (tag === EXEMPLAR_TAG) {
        r.pos = r.lengthDelimited()
        this.#exemplars++
      } else r.skip(tag)
    }
    if (r.error !== undefined) return r.error
    this.#received += samples + histograms
    if (reject === undefined && !sorted) reject = this.#sortAndCheck(labels)
    let metricName: string | undefined
    if (reject === undefined) {
      for (let i = 0; i < labels.length; i += 2)
        if (labels[i] === METRIC_NAME_LABEL) metricName = labels[i + 1]
      if (metricName === undefined) reject = this.#reject('missing_metric_name', 'no or empty __name__ label')
    }
    if (reject !== undefined || metricName === undefined) {
      this.#count(reject ?? 'missing_metric_name', samples + histograms, labels)
      return undefined
    }
    if (histograms > 0) {
      this.#count('unsupported_native_histogram', histograms, labels)
      this.#detail(labels, 'native histograms are not supported yet')
    }
    if (samples > 0) return this.#samples(start, end, this.#builder.series(labels, this.#kindOf(metricName)))
    return undefined
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

  /** Validates one label and appends it (empty values mean "no label" and are dropped). */
  #label(labels: string[], ns: number, ne: number, vs: number, ve: number): RejectReason | undefined {
    const buf = this.#buf
    const lim = this.#limits
    if (ne - ns > lim.maxLabelNameLength) {
      return this.#reject('label_name_too_long', `a label name is ${ne - ns} bytes long`)
    }
    if (!isValidLabelName(buf, ns, ne)) {
      return this.#reject('invalid_label_name', `label name ${this.#quote(ns, ne)} is invalid`)
    }
    if (ve - vs > lim.maxLabelValueLength) {
      return this.#reject('label_value_too_long', `label ${this.#quote(ns, ne)} has a ${ve - vs}-byte value`)
    }
    if (ve === vs) return undefined
    if (labels.length >= lim.maxLabelsPerSeries * 2) {
      return this.#reject('too_many_labels', `more than ${lim.maxLabelsPerSeries} labels`)
    }
    const value = decodeUtf8(buf, vs, ve)
    if (value === undefined) {
      return this.#reject('invalid_utf8', `label ${this.#quote(ns, ne)} has a value that is not UTF-8`)
    }
    labels.push(decodeAscii(buf, ns, ne), value)
    return undefined
  }

  #sortAndCheck(labels: string[]): RejectReason | undefined {
    sortLabels(labels)
    for (let i = 2; i < labels.length; i += 2) {
      if (labels[i] === labels[i - 2]) {
        return this.#reject('duplicate_label_name', `label "${labels[i]}" appears twice`)
      }
    }
    return undefined
  }

  #pendingDetail = ''

  #reject(reason: RejectReason, detail: string): RejectReason {
    if (this.#details.length < MAX_REJECT_DETAILS) this.#pendingDetail = detail
    return reason
  }

  #count(reason: RejectReason, n: number, labels: readonly string[]): void {
    this.#counts[reason] += n
    this.#rejected += n
    if (reason !== 'unsupported_native_histogram') this.#detail(labels, this.#pendingDetail)
    this.#pendingDetail = ''
  }

  #detail(labels: readonly string[], what: string): void {
    if (this.#details.length >= MAX_REJECT_DETAILS) return
    const shown: string[] = []
    for (let i = 0; i < labels.length && i < 16; i += 2)
      shown.push(`${labels[i]}=${JSON.stringify(labels[i + 1])}`)
    this.#details.push(`series {${shown.join(', ')}}: ${what}`)
  }

  #quote(start: number, end: number): string {
    const s = new TextDecoder().decode(this.#buf.subarray(start, Math.min(end, start + 64)))
    return JSON.stringify(end - start > 64 ? `${s}…` : s)
  }
}
