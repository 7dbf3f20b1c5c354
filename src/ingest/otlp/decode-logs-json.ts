import { LogBatchBuilder } from '../../core/batch/index.js'
import { anyValueText, forEachAttribute } from './any-value-json.js'
import type { LogsDecodeResult } from './decode-logs.js'
import { arrayField, asObject, intField, stringField } from './json-fields.js'
import { enumField } from './json-enum.js'
import { LogRecordScratch } from './log-record-scratch.js'
import { readJsonNanoTime } from './nano-time.js'
import { RecordJsonContext, walkOtlpJson } from './otlp-json-walk.js'
import { resolveRecordLimits } from './record-limits.js'
import type { RecordLimits } from './record-limits.js'
import { SPAN_ID_BYTES, TRACE_ID_BYTES, idFromJson } from './trace-ids.js'

/**
 * Decodes an OTLP/JSON `ExportLogsServiceRequest` (`application/json`: lowerCamelCase keys, 64-bit
 * integers as strings or numbers, enums as integers or names, trace and span ids as hex) into the
 * same LogBatch the protobuf decoder makes from the same request, with the same rules and rejects
 * (README.md). Not the hot path: `JSON.parse`, then a walk into the builder. Never throws: bad JSON
 * or a field of the wrong type is `{ ok: false, reason }` naming the field's path. A rejected
 * record's payload is its JSON text.
 */
export function decodeOtlpLogsJson(
  body: Uint8Array | string,
  tenant: string,
  limits?: Partial<RecordLimits>,
): LogsDecodeResult {
  const ctx = new RecordJsonContext(new LogBatchBuilder(tenant), resolveRecordLimits(limits))
  const failure = walkOtlpJson(body, ctx, LOGS_KEYS, readLogRecord)
  if (failure !== undefined) return { ok: false, reason: failure }
  return ctx.tally.result(ctx.builder.build(), ctx.accepted)
}

const LOGS_KEYS = { resource: 'resourceLogs', scope: 'scopeLogs', record: 'logRecords' } as const

const rec = new LogRecordScratch()

function readLogRecord(ctx: RecordJsonContext<LogBatchBuilder>, v: unknown, what: string): void {
  const record = asObject(v, what)
  rec.reset()
  readJsonNanoTime(record, 'timeUnixNano', what, rec.time)
  readJsonNanoTime(record, 'observedTimeUnixNano', what, rec.observed)
  rec.severity = enumField(record, 'severityNumber', what, SEVERITY_NAMES)
  rec.severityText = stringField(record, 'severityText', what)
  rec.body = anyValueText(record.body, `${what}.body`)
  ctx.attributes.reset()
  forEachAttribute(arrayField(record, 'attributes', what), `${what}.attributes`, ctx.attributes.add)
  rec.flags = intField(record, 'flags', what)
  rec.traceId = idFromJson(record, 'traceId', what, TRACE_ID_BYTES)
  rec.spanId = idFromJson(record, 'spanId', what, SPAN_ID_BYTES)
  rec.eventName = stringField(record, 'eventName', what)
  const reason = rec.finish(ctx)
  if (reason !== undefined) ctx.reject(reason, v)
}

/** SeverityNumber names, for senders that write enums by name; index = number. */
const SEVERITY_NAMES: readonly string[] = [
  'SEVERITY_NUMBER_UNSPECIFIED',
  ...['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].flatMap((level) =>
    ['', '2', '3', '4'].map((n) => `SEVERITY_NUMBER_${level}${n}`),
  ),
]
