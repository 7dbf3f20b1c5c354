/**
 * One record of the dead-letter topic (`vigil.ingest.deadletter`): what was rejected inside an
 * otherwise valid request, why, and the original bytes, so it can be inspected and replayed later
 * (`format` says how to read `payload`). Hand-written binary (version 1, little-endian) because it
 * is the product's own storage format:
 *
 * ```
 * u8 version = 1 | f64 receivedAtMs | u32 records
 * 5 × (u32 byteLength + UTF-8): tenant, signal, format, reason, detail
 * u32 byteLength + payload bytes
 * ```
 */
export const DEAD_LETTER_FORMAT_VERSION = 1

export interface DeadLetterRecord {
  readonly tenant: string
  /** `metrics`, `logs`, `traces` or `events`. */
  readonly signal: string
  /**
   * How `payload` is encoded, e.g. `otlp.NumberDataPoint`, `otlp.LogRecord`, `otlp.json`,
   * `prometheus.TimeSeries`, `loki.EntryAdapter`, `loki.json`, `ndjson.line`, `vigil.MetricBatch`.
   */
  readonly format: string
  /** Machine-readable reason, e.g. `too_many_labels`, `series_limit`. */
  readonly reason: string
  /** A human sentence (the metric or series, the limit), may be ''. */
  readonly detail: string
  /** How many ledger records this entry stands for (a remote_write series may hold many samples). */
  readonly records: number
  readonly receivedAtMs: number
  readonly payload: Uint8Array
}

const FIXED = 1 + 8 + 4

export function encodeDeadLetterRecord(r: DeadLetterRecord): Buffer {
  const strings = [r.tenant, r.signal, r.format, r.reason, r.detail].map((s) => Buffer.from(s, 'utf8'))
  let size = FIXED + 4 + r.payload.length
  for (const s of strings) size += 4 + s.length
  const buf = Buffer.allocUnsafe(size)
  buf.writeUInt8(DEAD_LETTER_FORMAT_VERSION, 0)
  buf.writeDoubleLE(r.receivedAtMs, 1)
  buf.writeUInt32LE(r.records, 9)
  let pos = FIXED
  for (const s of [...strings, r.payload]) {
    buf.writeUInt32LE(s.length, pos)
    buf.set(s, pos + 4)
    pos += 4 + s.length
  }
  return buf
}

export type DecodeDeadLetterResult =
  { readonly ok: true; readonly record: DeadLetterRecord } | { readonly ok: false; readonly reason: string }

/** Reads a dead-letter record back; never throws. The payload is a copy. */
export function decodeDeadLetterRecord(bytes: Uint8Array): DecodeDeadLetterResult {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (buf.length < FIXED) return { ok: false, reason: 'dead-letter record shorter than its header' }
  const version = buf.readUInt8(0)
  if (version !== DEAD_LETTER_FORMAT_VERSION)
    return { ok: false, reason: `unsupported dead-letter version ${version}` }
  const receivedAtMs = buf.readDoubleLE(1)
  const records = buf.readUInt32LE(9)
  let pos = FIXED
  const parts: Buffer[] = []
  for (let i = 0; i < 6; i++) {
    if (pos + 4 > buf.length) return { ok: false, reason: `dead-letter record truncated at byte ${pos}` }
    const len = buf.readUInt32LE(pos)
    if (pos + 4 + len > buf.length)
      return { ok: false, reason: `dead-letter field ${i} runs past the end at byte ${pos}` }
    parts.push(buf.subarray(pos + 4, pos + 4 + len))
    pos += 4 + len
  }
  if (pos !== buf.length)
    return { ok: false, reason: `dead-letter record has ${buf.length - pos} trailing bytes` }
  const [tenant, signal, format, reason, detail, payload] = parts as [
    Buffer,
    Buffer,
    Buffer,
    Buffer,
    Buffer,
    Buffer,
  ]
  return {
    ok: true,
    record: {
      tenant: tenant.toString('utf8'),
      signal: signal.toString('utf8'),
      format: format.toString('utf8'),
      reason: reason.toString('utf8'),
      detail: detail.toString('utf8'),
      records,
      receivedAtMs,
      payload: new Uint8Array(payload),
    },
  }
}
