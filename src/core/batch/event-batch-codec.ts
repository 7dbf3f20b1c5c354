import { BinaryWriter, StringTable, decodeRecord, finishRecord, writeAttributes } from './binary.js'
import type { BinaryReader } from './binary.js'
import type { EventBatch, EventRow } from './event-batch.js'
import type { DecodeBatchResult } from './metric-batch-codec.js'

/**
 * Binary encoding of an EventBatch as one log record value. Hand-written because it is the
 * product's own storage format (binary.ts: version byte, kind byte 4, string table). Field names
 * repeat on every event of a stream, so interning them is most of the saving over NDJSON.
 *
 * ```
 * header + string table (binary.ts)
 * s tenant | s stream | uvarint rows, then per row: f64 timeMs | s service | fields
 * ```
 * `s` is a uvarint string index; fields are a uvarint length then that many `s`.
 */
export function encodeEventBatch(batch: EventBatch): Buffer {
  const table = new StringTable()
  const w = new BinaryWriter(64 + batch.rows.length * 24)
  w.uvarint(table.ref(batch.tenant))
  w.uvarint(table.ref(batch.stream))
  w.uvarint(batch.rows.length)
  for (const row of batch.rows) {
    w.f64(row.timeMs)
    w.uvarint(table.ref(row.service))
    writeAttributes(w, table, row.fields)
  }
  return finishRecord('events', table, w)
}

/** Decodes a record value written by `encodeEventBatch`. Never throws on bad input. */
export function decodeEventBatch(bytes: Uint8Array): DecodeBatchResult<EventBatch> {
  return decodeRecord('events', bytes, readEventBatch)
}

function readEventBatch(r: BinaryReader): EventBatch {
  const tenant = r.string()
  const stream = r.string()
  const n = r.count()
  const rows = new Array<EventRow>(n)
  for (let i = 0; i < n; i++) rows[i] = { timeMs: r.f64(), service: r.string(), fields: r.attributes() }
  return { kind: 'events', tenant, stream, rows }
}
