import { Buffer, isUtf8 } from 'node:buffer'
import type { EventRow } from '../../core/batch/index.js'
import { emptyRejectCounts } from './decode-result.js'
import type { DecodeResult, RejectReason, RejectedEvent } from './decode-result.js'
import { eventTimeMs } from './event-time.js'
import { flattenEvent, isObject } from './flatten.js'
import type { EventsLimits } from './limits.js'
import { streamNameProblem } from './stream-name.js'

const LF = 0x0a
const CR = 0x0d

/**
 * Decodes an NDJSON body (one JSON object per line; `\n` or `\r\n`; blank lines skipped; a UTF-8
 * BOM at the start ignored) into an EventBatch for `tenant` and `stream` (README.md). A line that
 * is not a JSON object or breaks a limit is rejected with its reason, line number and bytes; the
 * others are accepted. Only an invalid stream name fails the request. Never throws.
 */
export function decodeEvents(
  body: Uint8Array,
  tenant: string,
  stream: string,
  receivedAtMs: number,
  limits: EventsLimits,
): DecodeResult {
  const problem = streamNameProblem(stream)
  if (problem !== undefined) return { ok: false, reason: problem }
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  const rows: EventRow[] = []
  const counts = emptyRejectCounts()
  const rejects: RejectedEvent[] = []
  let pos = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0
  for (let lineNo = 1; pos <= buf.length; lineNo++) {
    const nl = buf.indexOf(LF, pos)
    const next = nl < 0 ? buf.length : nl
    const end = next > pos && buf[next - 1] === CR ? next - 1 : next
    if (!isBlank(buf, pos, end)) {
      const row = decodeLine(buf, pos, end, receivedAtMs, limits)
      if (typeof row === 'string') {
        counts[row]++
        rejects.push({ reason: row, line: lineNo, payload: Uint8Array.prototype.slice.call(buf, pos, end) })
      } else rows.push(row)
    }
    pos = next + 1
  }
  return {
    ok: true,
    batch: { kind: 'events', tenant, stream, rows },
    accepted: rows.length,
    rejected: rejects.length,
    rejectReasons: counts,
    rejects,
  }
}

/** The event in `buf[start, end)`, or why it is rejected. */
function decodeLine(
  buf: Buffer,
  start: number,
  end: number,
  receivedAtMs: number,
  limits: EventsLimits,
): EventRow | RejectReason {
  if (end - start > limits.maxLineBytes) return 'line_too_long'
  const text = buf.toString('utf8', start, end)
  if (text.includes('\uFFFD') && !isUtf8(buf.subarray(start, end))) return 'invalid_utf8'
  let event: unknown
  try {
    event = JSON.parse(text)
  } catch {
    return 'invalid_json'
  }
  if (!isObject(event)) return 'not_an_object'
  const fields = flattenEvent(event, limits)
  if (typeof fields === 'string') return fields
  const timeMs = eventTimeMs(event, receivedAtMs)
  if (timeMs === undefined) return 'invalid_time'
  return { timeMs, service: serviceOf(event.service), fields }
}

/** The `service` field as text when it is a scalar (length-checked with the fields), else ''. */
function serviceOf(v: unknown): string {
  return v === undefined || v === null || typeof v === 'object' ? '' : String(v)
}

function isBlank(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = buf[i]
    if (c !== 0x20 && c !== 0x09 && c !== CR) return false
  }
  return true
}
