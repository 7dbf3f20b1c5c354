import { BinaryWriter, StringTable, decodeRecord, finishRecord, writeAttributes } from './binary.js'
import type { BinaryReader } from './binary.js'
import type { LogBatch, LogRow } from './log-batch.js'
import type { DecodeBatchResult } from './metric-batch-codec.js'
import { readResources, writeResources } from './resource-codec.js'

/**
 * Binary encoding of a LogBatch as one log record value. Hand-written because it is the product's
 * own storage format (binary.ts: version byte, kind byte 2, string table). Every string — tenant,
 * service, scope, attribute keys and values, severity text, body, ids — is interned once per
 * batch, so repeated bodies and attribute sets cost one index each.
 *
 * ```
 * header + string table (binary.ts)
 * s tenant | resources (resource-codec.ts)
 * uvarint rows, then per row:
 *   uvarint resource | f64 timeMs | uvarint timeNanos | f64 observedTimeMs | uvarint observedTimeNanos
 *   uvarint severityNumber | s severityText | s body | attributes | s traceId | s spanId | uvarint flags
 * ```
 * `s` is a uvarint string index; attributes are a uvarint length then that many `s`. Times are
 * doubles, so any epoch-ms value survives exactly; nanos, severity and flags are non-negative
 * integers.
 */
export function encodeLogBatch(batch: LogBatch): Buffer {
  const table = new StringTable()
  const w = new BinaryWriter(64 + batch.rows.length * 48)
  w.uvarint(table.ref(batch.tenant))
  writeResources(w, table, batch.resources)
  w.uvarint(batch.rows.length)
  for (const row of batch.rows) {
    w.uvarint(row.resource)
    w.f64(row.timeMs)
    w.uvarint(row.timeNanos)
    w.f64(row.observedTimeMs)
    w.uvarint(row.observedTimeNanos)
    w.uvarint(row.severityNumber)
    w.uvarint(table.ref(row.severityText))
    w.uvarint(table.ref(row.body))
    writeAttributes(w, table, row.attributes)
    w.uvarint(table.ref(row.traceId))
    w.uvarint(table.ref(row.spanId))
    w.uvarint(row.flags)
  }
  return finishRecord('logs', table, w)
}

/** Decodes a record value written by `encodeLogBatch`. Never throws on bad input. */
export function decodeLogBatch(bytes: Uint8Array): DecodeBatchResult<LogBatch> {
  return decodeRecord('logs', bytes, readLogBatch)
}

function readLogBatch(r: BinaryReader): LogBatch {
  const tenant = r.string()
  const resources = readResources(r)
  const n = r.count()
  const rows = new Array<LogRow>(n)
  for (let i = 0; i < n; i++) {
    rows[i] = {
      resource: r.below(resources.length, 'resource'),
      timeMs: r.f64(),
      timeNanos: r.uvarint(),
      observedTimeMs: r.f64(),
      observedTimeNanos: r.uvarint(),
      severityNumber: r.uvarint(),
      severityText: r.string(),
      body: r.string(),
      attributes: r.attributes(),
      traceId: r.string(),
      spanId: r.string(),
      flags: r.uvarint(),
    }
  }
  return { kind: 'logs', tenant, resources, rows }
}
