import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace } from '@opentelemetry/api'
import type { HrTime } from '@opentelemetry/api'
import { SeverityNumber } from '@opentelemetry/api-logs'
import {
  JsonLogsSerializer,
  JsonTraceSerializer,
  ProtobufLogsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs'
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base'

/**
 * Real OTLP logs and traces payloads for tests, recorded with the OpenTelemetry JS SDK
 * (LoggerProvider, BasicTracerProvider, in-memory exporters) and serialised by its own OTLP
 * transformer, protobuf and JSON — encoders nobody in this repository wrote. Each builder returns
 * both encodings and the SDK's own records, so tests can compare every decoded field with what
 * the SDK recorded. Times are given as HrTime with odd nanoseconds, so exactness is tested.
 */
export interface SdkLogsPayload {
  readonly proto: Uint8Array
  readonly json: Uint8Array
  readonly records: readonly ReadableLogRecord[]
}

export interface SdkTracesPayload {
  readonly proto: Uint8Array
  readonly json: Uint8Array
  readonly spans: readonly ReadableSpan[]
}

export const SDK_RESOURCE = {
  'service.name': 'checkout',
  'service.namespace': 'shop',
  'host.name': 'node-7',
  'process.pid': 4242,
} as const

/** A trace context the logs point at. */
export const LOG_TRACE_ID = '5b8efff798038103d269b633813fc60c'
export const LOG_SPAN_ID = 'eee19b7ec3c1b174'

/** 2023-11-14T22:13:20.123456789Z and friends, as HrTime: exact nanoseconds, beyond 2^53 ns. */
export const T0: HrTime = [1_700_000_000, 123_456_789]
const at = (seconds: number, nanos: number): HrTime => [T0[0] + seconds, nanos]

/**
 * Five log records from two scopes of one resource: a plain INFO line, an ERROR with typed
 * attributes (int, double, bool, array, map, bytes) in a trace context, a map body, an event with
 * `eventName`, and a record with nothing but a body (no time, no severity).
 */
export function recordSdkLogs(): SdkLogsPayload {
  const exporter = new InMemoryLogRecordExporter()
  const provider = new LoggerProvider({
    resource: resourceFromAttributes(SDK_RESOURCE),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  })
  const http = provider.getLogger('http', '2.1.0')
  const jobs = provider.getLogger('jobs')
  const traced = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: LOG_TRACE_ID,
    spanId: LOG_SPAN_ID,
    traceFlags: TraceFlags.SAMPLED,
  })
  http.emit({
    timestamp: at(0, 123_456_789),
    observedTimestamp: at(1, 5),
    severityNumber: SeverityNumber.INFO,
    severityText: 'INFO',
    body: 'GET /cart 200',
    attributes: { 'http.route': '/cart', 'http.status_code': 200 },
  })
  http.emit({
    timestamp: at(2, 999_999_999),
    severityNumber: SeverityNumber.ERROR,
    severityText: 'ERROR',
    body: 'payment failed: ünïcødé ✓',
    attributes: {
      attempt: 3,
      ratio: 0.25,
      retry: true,
      tags: ['a', 'b'],
      user: { id: 7, vip: false },
      blob: new Uint8Array([1, 2, 255]),
    },
    context: traced,
  })
  jobs.emit({
    timestamp: at(3, 1),
    severityNumber: SeverityNumber.WARN4,
    body: { job: 'sync', items: [1, 2] },
  })
  jobs.emit({ timestamp: at(4, 0), eventName: 'job.finished', body: 'done', attributes: { job: 'sync' } })
  jobs.emit({ body: 'bare' })
  const records = exporter.getFinishedLogRecords()
  return { ...serializeLogs(records), records }
}

function serializeLogs(records: ReadableLogRecord[]): { proto: Uint8Array; json: Uint8Array } {
  const proto = ProtobufLogsSerializer.serializeRequest(records)
  const json = JsonLogsSerializer.serializeRequest(records)
  if (proto === undefined || json === undefined) throw new Error('the SDK serialiser returned nothing')
  return { proto, json }
}

/**
 * One trace of three spans plus an unrelated root: a SERVER root with an event and an error status,
 * its CLIENT child (attributes, a link to another trace with attributes, OK status), an INTERNAL
 * grandchild with two events, and a PRODUCER root in another scope.
 */
export function recordSdkTraces(): SdkTracesPayload {
  const exporter = new InMemorySpanExporter()
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(SDK_RESOURCE),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  })
  const tracer = provider.getTracer('http', '2.1.0')
  const root = tracer.startSpan('GET /cart', {
    kind: SpanKind.SERVER,
    startTime: at(0, 100),
    attributes: { 'http.route': '/cart', 'http.status_code': 500 },
  })
  root.addEvent('exception', { 'exception.type': 'TimeoutError' }, at(0, 900_000_001))
  root.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream timed out' })
  const inRoot = trace.setSpan(ROOT_CONTEXT, root)
  const client = tracer.startSpan(
    'POST payments',
    {
      kind: SpanKind.CLIENT,
      startTime: at(0, 200_000_000),
      attributes: { 'peer.service': 'payments', retries: 2, ok: false },
      links: [
        {
          context: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: TraceFlags.SAMPLED },
          attributes: { reason: 'batch' },
        },
      ],
    },
    inRoot,
  )
  const inner = tracer.startSpan(
    'serialize',
    { startTime: at(0, 250_000_000) },
    trace.setSpan(ROOT_CONTEXT, client),
  )
  inner.addEvent('start', at(0, 250_000_001))
  inner.addEvent('done', { bytes: 512 }, at(0, 260_000_000))
  inner.end(at(0, 260_000_001))
  client.setStatus({ code: SpanStatusCode.OK })
  client.end(at(0, 800_000_000))
  root.end(at(1, 0))
  const worker = provider.getTracer('queue')
  worker.startSpan('publish', { kind: SpanKind.PRODUCER, startTime: at(2, 0) }).end(at(2, 0))
  const spans = exporter.getFinishedSpans()
  const proto = ProtobufTraceSerializer.serializeRequest(spans)
  const json = JsonTraceSerializer.serializeRequest(spans)
  if (proto === undefined || json === undefined) throw new Error('the SDK serialiser returned nothing')
  return { proto, json, spans }
}
