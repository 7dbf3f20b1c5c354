import { BinaryWriter, StringTable, decodeRecord, finishRecord, writeAttributes } from './binary.js'
import type { BinaryReader } from './binary.js'
import type { DecodeBatchResult } from './metric-batch-codec.js'
import { readResources, writeResources } from './resource-codec.js'
import { spanKinds, spanStatusCodes } from './span-batch.js'
import type { SpanBatch, SpanEventRow, SpanLinkRow, SpanRow } from './span-batch.js'

/**
 * Binary encoding of a SpanBatch as one log record value. Hand-written because it is the product's
 * own storage format (binary.ts: version byte, kind byte 3, string table). Ids are interned like
 * every other string: the spans of one trace share their trace id's entry.
 *
 * ```
 * header + string table (binary.ts)
 * s tenant | resources (resource-codec.ts)
 * uvarint rows, then per row:
 *   uvarint resource | s traceId | s spanId | s parentSpanId | s traceState | s name | uvarint kind
 *   f64 startMs | uvarint startNanos | f64 endMs | uvarint endNanos
 *   uvarint statusCode | s statusMessage | attributes | uvarint flags
 *   uvarint events, per event: s name | f64 timeMs | uvarint timeNanos | attributes
 *   uvarint links, per link: s traceId | s spanId | s traceState | attributes
 * ```
 * `s` is a uvarint string index; attributes are a uvarint length then that many `s`. Decoding
 * checks that kinds and status codes are known and resource indexes exist.
 */
export function encodeSpanBatch(batch: SpanBatch): Buffer {
  const table = new StringTable()
  const w = new BinaryWriter(64 + batch.rows.length * 64)
  w.uvarint(table.ref(batch.tenant))
  writeResources(w, table, batch.resources)
  w.uvarint(batch.rows.length)
  for (const row of batch.rows) {
    w.uvarint(row.resource)
    w.uvarint(table.ref(row.traceId))
    w.uvarint(table.ref(row.spanId))
    w.uvarint(table.ref(row.parentSpanId))
    w.uvarint(table.ref(row.traceState))
    w.uvarint(table.ref(row.name))
    w.uvarint(row.kind)
    w.f64(row.startMs)
    w.uvarint(row.startNanos)
    w.f64(row.endMs)
    w.uvarint(row.endNanos)
    w.uvarint(row.statusCode)
    w.uvarint(table.ref(row.statusMessage))
    writeAttributes(w, table, row.attributes)
    w.uvarint(row.flags)
    w.uvarint(row.events.length)
    for (const e of row.events) {
      w.uvarint(table.ref(e.name))
      w.f64(e.timeMs)
      w.uvarint(e.timeNanos)
      writeAttributes(w, table, e.attributes)
    }
    w.uvarint(row.links.length)
    for (const l of row.links) {
      w.uvarint(table.ref(l.traceId))
      w.uvarint(table.ref(l.spanId))
      w.uvarint(table.ref(l.traceState))
      writeAttributes(w, table, l.attributes)
    }
  }
  return finishRecord('spans', table, w)
}

/** Decodes a record value written by `encodeSpanBatch`. Never throws on bad input. */
export function decodeSpanBatch(bytes: Uint8Array): DecodeBatchResult<SpanBatch> {
  return decodeRecord('spans', bytes, readSpanBatch)
}

function readSpanBatch(r: BinaryReader): SpanBatch {
  const tenant = r.string()
  const resources = readResources(r)
  const n = r.count()
  const rows = new Array<SpanRow>(n)
  for (let i = 0; i < n; i++) {
    rows[i] = {
      resource: r.below(resources.length, 'resource'),
      traceId: r.string(),
      spanId: r.string(),
      parentSpanId: r.string(),
      traceState: r.string(),
      name: r.string(),
      kind: r.below(spanKinds.length, 'span kind'),
      startMs: r.f64(),
      startNanos: r.uvarint(),
      endMs: r.f64(),
      endNanos: r.uvarint(),
      statusCode: r.below(spanStatusCodes.length, 'status code'),
      statusMessage: r.string(),
      attributes: r.attributes(),
      flags: r.uvarint(),
      events: readEvents(r),
      links: readLinks(r),
    }
  }
  return { kind: 'spans', tenant, resources, rows }
}

function readEvents(r: BinaryReader): SpanEventRow[] {
  const n = r.count()
  const out = new Array<SpanEventRow>(n)
  for (let i = 0; i < n; i++) {
    out[i] = { name: r.string(), timeMs: r.f64(), timeNanos: r.uvarint(), attributes: r.attributes() }
  }
  return out
}

function readLinks(r: BinaryReader): SpanLinkRow[] {
  const n = r.count()
  const out = new Array<SpanLinkRow>(n)
  for (let i = 0; i < n; i++) {
    out[i] = { traceId: r.string(), spanId: r.string(), traceState: r.string(), attributes: r.attributes() }
  }
  return out
}
