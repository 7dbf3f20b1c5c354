import snappy from 'snappy'
import { ProtoEncoder } from '../../ingest/protobuf/proto-encoder.js'

/** One series for `encodeRemoteWrite`: its labels (with `__name__`) and samples in time order. */
export interface RemoteWriteSeries {
  readonly labels: Readonly<Record<string, string>>
  /**
   * `t` in epoch milliseconds (an integer); `v` any float64, including NaN, ±Inf and STALE_NAN. Keep
   * STALE_NAN out of plain `number[]` arrays: V8 sets the quiet bit of a NaN stored in a double
   * array (0x7ff8000000000002), which Prometheus takes for an ordinary NaN, not a staleness marker.
   */
  readonly samples: readonly { readonly t: number; readonly v: number }[]
}

/**
 * Test-only: a Prometheus remote_write v1 body, i.e. a snappy-compressed `WriteRequest{timeseries=1
 * TimeSeries{labels=1 Label{name=1, value=2}, samples=2 Sample{value=1 double, timestamp=2 int64}}}`,
 * written with the project's `ProtoEncoder` (as `gen/remote-write-payload.ts` does). Labels are
 * sorted by name bytewise, as Prometheus expects; values are written as their exact float64 bits, so
 * the staleness marker survives. Send it with `Content-Encoding: snappy`.
 *
 * ```ts
 * const body = encodeRemoteWrite([{ labels: { __name__: 'up', job: 'a' }, samples: [{ t: 1e12, v: 1 }] }])
 * ```
 */
export function encodeRemoteWrite(series: readonly RemoteWriteSeries[]): Uint8Array {
  const w = new ProtoEncoder(4096)
  for (const s of series) {
    w.fork(1)
    const names = Object.keys(s.labels).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
    for (const name of names) {
      w.fork(1)
      w.string(1, name)
      w.string(2, s.labels[name]!)
      w.join()
    }
    for (const { t, v } of s.samples) {
      if (!Number.isSafeInteger(t))
        throw new Error(`encodeRemoteWrite: timestamp ${t} is not an integer (ms)`)
      w.fork(2)
      w.double(1, v)
      w.int64(2, t)
      w.join()
    }
    w.join()
  }
  return snappy.compressSync(w.view())
}
