import { LogBatchBuilder } from '../../core/batch/index.js'
import type { LogBatch } from '../../core/batch/index.js'
import { WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_VARINT } from '../protobuf/proto-reader.js'
import { readAnyValueField, readKeyValue } from './any-value-proto.js'
import { LogRecordScratch } from './log-record-scratch.js'
import { readNanoTime } from './nano-time.js'
import { walkOtlpProto } from './otlp-proto-walk.js'
import { within } from './proto-within.js'
import { resolveRecordLimits } from './record-limits.js'
import type { RecordLimits } from './record-limits.js'
import { RecordProtoContext } from './record-proto-context.js'
import type { RecordDecodeResult } from './record-result.js'
import { SPAN_ID_BYTES, TRACE_ID_BYTES, readId } from './trace-ids.js'

export type LogsDecodeResult = RecordDecodeResult<LogBatch>

/**
 * Decodes an OTLP `ExportLogsServiceRequest` (protobuf, opentelemetry-proto collector/logs/v1 and
 * logs/v1) into a LogBatch: one resource entry per resource + scope, one row per LogRecord. Never
 * throws: an unreadable request is `{ ok: false, reason }` naming the message and byte where it
 * broke; a record over a limit or with a malformed trace or span id is rejected on its own (its
 * bytes kept in `rejects`) and the rest is accepted. See README.md for the mapping.
 *
 * The batch and rejects do not reference `bytes`, so the caller may reuse the buffer.
 *
 * ```ts
 * const res = decodeOtlpLogsProto(body, 'acme')
 * if (!res.ok) return reply(400, res.reason)
 * await log.append(encodeLogBatch(res.batch)) // then a partial success if res.rejected > 0
 * ```
 */
export function decodeOtlpLogsProto(
  bytes: Uint8Array,
  tenant: string,
  limits?: Partial<RecordLimits>,
): LogsDecodeResult {
  const ctx = new RecordProtoContext(
    bytes,
    new LogBatchBuilder(tenant),
    resolveRecordLimits(limits),
    LOGS_MESSAGES,
    readLogRecord,
  )
  const failure = walkOtlpProto(ctx)
  if (failure !== undefined) return { ok: false, reason: failure }
  return ctx.tally.result(ctx.builder.build(), ctx.accepted)
}

const LOGS_MESSAGES = {
  request: 'ExportLogsServiceRequest',
  resource: 'ResourceLogs',
  scope: 'ScopeLogs',
  record: 'LogRecord',
} as const

type Context = RecordProtoContext<LogBatchBuilder>

const TIME_T = (1 << 3) | WIRE_I64
const SEVERITY_NUMBER_T = (2 << 3) | WIRE_VARINT
const SEVERITY_TEXT_T = (3 << 3) | WIRE_LEN
const BODY_T = (5 << 3) | WIRE_LEN
const ATTRIBUTES_T = (6 << 3) | WIRE_LEN
const FLAGS_T = (8 << 3) | WIRE_I32
const TRACE_ID_T = (9 << 3) | WIRE_LEN
const SPAN_ID_T = (10 << 3) | WIRE_LEN
const OBSERVED_TIME_T = (11 << 3) | WIRE_I64
const EVENT_NAME_T = (12 << 3) | WIRE_LEN

const rec = new LogRecordScratch()

function readLogRecord(ctx: Context): void {
  const r = ctx.r
  const start = r.pos
  rec.reset()
  ctx.attributes.reset()
  while (r.more) {
    const tag = r.tag()
    switch (tag) {
      case TIME_T:
        readNanoTime(r, rec.time)
        break
      case OBSERVED_TIME_T:
        readNanoTime(r, rec.observed)
        break
      case SEVERITY_NUMBER_T:
        rec.severity = r.uint32()
        break
      case SEVERITY_TEXT_T:
        rec.severityText = r.string()
        break
      case BODY_T:
        rec.body = readAnyValueField(r)
        break
      case ATTRIBUTES_T:
        within(ctx, 'KeyValue', readAttribute)
        break
      case FLAGS_T:
        rec.flags = r.fixed32()
        break
      case TRACE_ID_T:
        rec.traceId = readId(r, TRACE_ID_BYTES)
        break
      case SPAN_ID_T:
        rec.spanId = readId(r, SPAN_ID_BYTES)
        break
      case EVENT_NAME_T:
        rec.eventName = r.string()
        break
      default:
        r.skip(tag)
    }
  }
  if (r.error !== undefined) return
  const reason = rec.finish(ctx)
  if (reason !== undefined) ctx.reject(reason, start, r.end)
}

function readAttribute(ctx: Context): void {
  readKeyValue(ctx.r, ctx.attributes.add)
}
