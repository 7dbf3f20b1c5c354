import type { AnomalyBatch, AnomalyRow } from './anomaly-batch.js'
import { BinaryWriter, StringTable, decodeRecord, finishRecord } from './binary.js'
import type { BinaryReader } from './binary.js'
import type { DecodeBatchResult } from './metric-batch-codec.js'

/**
 * Binary encoding of an AnomalyBatch as one log record value (binary.ts: version byte, kind byte 6,
 * string table), hand-written like the other batch codecs.
 *
 * ```
 * header + string table (binary.ts)
 * uvarint rows, then per row:
 *   s tenant | s source | s key | s feature | uvarint windowMs | f64 timeMs | f64 value | f64 score
 *   | u8 flags (1 alert, 2 changePoint) | f64 novelty levelZ seasonalZ detectedAtMs
 * ```
 */
export function encodeAnomalyBatch(batch: AnomalyBatch): Buffer {
  const table = new StringTable()
  const w = new BinaryWriter(32 + batch.rows.length * 72)
  w.uvarint(batch.rows.length)
  for (const r of batch.rows) {
    w.uvarint(table.ref(r.tenant))
    w.uvarint(table.ref(r.source))
    w.uvarint(table.ref(r.key))
    w.uvarint(table.ref(r.feature))
    w.uvarint(r.windowMs)
    w.f64(r.timeMs)
    w.f64(r.value)
    w.f64(r.score)
    w.u8((r.alert ? 1 : 0) | (r.changePoint ? 2 : 0))
    w.f64(r.novelty)
    w.f64(r.levelZ)
    w.f64(r.seasonalZ)
    w.f64(r.detectedAtMs)
  }
  return finishRecord('anomalies', table, w)
}

/** Decodes a record value written by `encodeAnomalyBatch`. Never throws on bad input. */
export function decodeAnomalyBatch(bytes: Uint8Array): DecodeBatchResult<AnomalyBatch> {
  return decodeRecord('anomalies', bytes, readAnomalyBatch)
}

function readAnomalyBatch(r: BinaryReader): AnomalyBatch {
  const n = r.count()
  const rows = new Array<AnomalyRow>(n)
  for (let i = 0; i < n; i++) {
    const tenant = r.string()
    const source = r.string()
    const key = r.string()
    const feature = r.string()
    const windowMs = r.uvarint()
    const timeMs = r.f64()
    const value = r.f64()
    const score = r.f64()
    const flags = r.below(4, 'anomaly flags')
    rows[i] = {
      tenant,
      source,
      key,
      feature,
      windowMs,
      timeMs,
      value,
      score,
      alert: (flags & 1) !== 0,
      changePoint: (flags & 2) !== 0,
      novelty: r.f64(),
      levelZ: r.f64(),
      seasonalZ: r.f64(),
      detectedAtMs: r.f64(),
    }
  }
  return { kind: 'anomalies', rows }
}
