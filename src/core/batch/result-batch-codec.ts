import { BinaryWriter, StringTable, decodeRecord, finishRecord } from './binary.js'
import type { BinaryReader } from './binary.js'
import type { DecodeBatchResult } from './metric-batch-codec.js'
import type { ResultBatch, ResultRow } from './result-batch.js'

/**
 * Binary encoding of a ResultBatch as one log record value (binary.ts: version byte, kind byte 5,
 * string table). Hand-written for the same reason as the other batch codecs: it is the product's
 * own result format, and keys repeat across windows and revisions, so interning them pays.
 *
 * ```
 * header + string table (binary.ts)
 * s job | uvarint rows, then per row:
 *   s tenant | s key | uvarint windowMs | f64 windowStart | f64 windowEnd | uvarint revision
 *   | u8 final | f64 count sum min max last mean p50 p90 p99 errors
 * ```
 */
export function encodeResultBatch(batch: ResultBatch): Buffer {
  const table = new StringTable()
  const w = new BinaryWriter(64 + batch.rows.length * 104)
  w.uvarint(table.ref(batch.job))
  w.uvarint(batch.rows.length)
  for (const r of batch.rows) {
    w.uvarint(table.ref(r.tenant))
    w.uvarint(table.ref(r.key))
    w.uvarint(r.windowMs)
    w.f64(r.windowStart)
    w.f64(r.windowEnd)
    w.uvarint(r.revision)
    w.u8(r.final ? 1 : 0)
    w.f64(r.count)
    w.f64(r.sum)
    w.f64(r.min)
    w.f64(r.max)
    w.f64(r.last)
    w.f64(r.mean)
    w.f64(r.p50)
    w.f64(r.p90)
    w.f64(r.p99)
    w.f64(r.errors)
  }
  return finishRecord('results', table, w)
}

/** Decodes a record value written by `encodeResultBatch`. Never throws on bad input. */
export function decodeResultBatch(bytes: Uint8Array): DecodeBatchResult<ResultBatch> {
  return decodeRecord('results', bytes, readResultBatch)
}

function readResultBatch(r: BinaryReader): ResultBatch {
  const job = r.string()
  const n = r.count()
  const rows = new Array<ResultRow>(n)
  for (let i = 0; i < n; i++) {
    rows[i] = {
      tenant: r.string(),
      key: r.string(),
      windowMs: r.uvarint(),
      windowStart: r.f64(),
      windowEnd: r.f64(),
      revision: r.uvarint(),
      final: r.below(2, 'final flag') === 1,
      count: r.f64(),
      sum: r.f64(),
      min: r.f64(),
      max: r.f64(),
      last: r.f64(),
      mean: r.f64(),
      p50: r.f64(),
      p90: r.f64(),
      p99: r.f64(),
      errors: r.f64(),
    }
  }
  return { kind: 'results', job, rows }
}
