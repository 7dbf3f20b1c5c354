import snappy from 'snappy'
import { ProtoEncoder } from '../ingest/protobuf/proto-encoder.js'
import { HISTOGRAM, bucketLe } from './metric-catalog.js'
import { HISTOGRAM_BUCKETS } from './metric-model.js'
import type { MetricModel } from './metric-model.js'
import { MetricWindow } from './metric-window.js'
import type { Payload, PayloadBuilder } from './payload.js'

export const REMOTE_WRITE_PATH = '/api/v1/write'

/**
 * Prometheus remote_write v1 bodies: a snappy-compressed `WriteRequest{timeseries=1
 * TimeSeries{labels=1 Label{name=1,value=2}, samples=2 Sample{value=1 double, timestamp=2
 * int64 ms}}}`. Every series' label block is encoded once up front (sorted, `__name__` first);
 * a request only copies those bytes and writes one sample per series.
 */
export class RemoteWritePayloads implements PayloadBuilder {
  readonly signal = 'metrics'
  readonly protocol = 'remote_write'
  readonly #model: MetricModel
  readonly #window: MetricWindow
  /** Per instrument: index of its first series in `#labels`. */
  readonly #firstSeries: Uint32Array
  readonly #labels: Buffer[] = []
  readonly #w = new ProtoEncoder(64 * 1024)

  constructor(model: MetricModel) {
    const c = model.catalog
    this.#model = model
    this.#window = new MetricWindow(c)
    this.#firstSeries = new Uint32Array(c.length)
    for (let i = 0; i < c.length; i++) {
      this.#firstSeries[i] = this.#labels.length
      const name = c.name[i]!
      const labels = c.labels[i]!
      if (c.kind[i] !== HISTOGRAM) {
        this.#labels.push(encodeLabels(name, labels))
        continue
      }
      for (let j = 0; j < HISTOGRAM_BUCKETS; j++) {
        this.#labels.push(encodeLabels(`${name}_bucket`, [...labels, ['le', bucketLe(j)]]))
      }
      this.#labels.push(encodeLabels(`${name}_sum`, labels), encodeLabels(`${name}_count`, labels))
    }
  }

  build(seq: number, tsMs: number, maxRecords: number): Payload {
    const model = this.#model
    const kinds = model.catalog.kind
    const window = this.#window
    const w = this.#w
    w.reset()
    window.next(maxRecords)
    for (let k = 0; k < window.count; k++) {
      const i = window.at(k)
      model.advance(i, tsMs)
      let series = this.#firstSeries[i]!
      if (kinds[i] !== HISTOGRAM) {
        this.#series(series, model.value[i]!, tsMs)
        continue
      }
      let cumulative = 0
      const at = i * HISTOGRAM_BUCKETS
      for (let j = 0; j < HISTOGRAM_BUCKETS; j++) {
        cumulative += model.buckets[at + j]!
        this.#series(series++, cumulative, tsMs)
      }
      this.#series(series++, model.sum[i]!, tsMs)
      this.#series(series, model.count[i]!, tsMs)
    }
    return {
      signal: 'metrics',
      protocol: 'remote_write',
      path: REMOTE_WRITE_PATH,
      body: snappy.compressSync(w.view()),
      records: window.samples,
      seq,
      tsMs,
      isSnappy: true,
    }
  }

  #series(series: number, value: number, tsMs: number): void {
    const w = this.#w
    w.fork(1)
    w.rawBytes(this.#labels[series]!)
    w.fork(2)
    w.double(1, value)
    w.int64(2, tsMs)
    w.join()
    w.join()
  }
}

function encodeLabels(name: string, labels: readonly (readonly [string, string])[]): Buffer {
  const all: (readonly [string, string])[] = [['__name__', name], ...labels]
  all.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  const w = new ProtoEncoder(256)
  for (const [k, v] of all) {
    w.fork(1)
    w.string(1, k)
    w.string(2, v)
    w.join()
  }
  return w.finish()
}
