import type { HrTime } from '@opentelemetry/api'
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs'
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base'
import type { LogRow, ResourceEntry, SpanRow } from '../../../core/batch/index.js'

/**
 * What the decoders should make of records the OpenTelemetry JS SDK recorded (sdk-logs-traces.ts),
 * computed from the SDK's own objects and not from any payload: an independent oracle for tests.
 */

/** Renders an SDK attribute or body value the way `Attributes` documents it. */
export function renderValue(v: unknown, nested = false): string {
  if (v === undefined || v === null) return nested ? 'null' : ''
  if (typeof v === 'string') return nested ? JSON.stringify(v) : v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  if (v instanceof Uint8Array) {
    const b64 = Buffer.from(v).toString('base64')
    return nested ? JSON.stringify(b64) : b64
  }
  if (Array.isArray(v)) return `[${v.map((x) => renderValue(x, true)).join(',')}]`
  const entries = Object.entries(v as Record<string, unknown>)
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${renderValue(x, true)}`).join(',')}}`
}

export function renderAttributes(attributes: Readonly<Record<string, unknown>>): string[] {
  return Object.entries(attributes).flatMap(([k, v]) => [k, renderValue(v)])
}

/** An HrTime as integer epoch ms plus nanoseconds within the ms. */
export function hrParts(t: HrTime): { ms: number; nanos: number } {
  return { ms: t[0] * 1000 + Math.floor(t[1] / 1e6), nanos: t[1] % 1e6 }
}

export function expectedResource(
  attributes: Readonly<Record<string, unknown>>,
  scope: string,
  scopeVersion = '',
): ResourceEntry {
  const rendered = renderAttributes(attributes)
  return { service: String(attributes['service.name'] ?? ''), attributes: rendered, scope, scopeVersion }
}

export function expectedLogRow(rec: ReadableLogRecord, resource: number): LogRow {
  const time = hrParts(rec.hrTime)
  const observed = hrParts(rec.hrTimeObserved)
  const attributes = renderAttributes(rec.attributes)
  if (rec.eventName !== undefined) attributes.push('event.name', rec.eventName)
  return {
    resource,
    timeMs: time.ms,
    timeNanos: time.nanos,
    observedTimeMs: observed.ms,
    observedTimeNanos: observed.nanos,
    severityNumber: rec.severityNumber ?? 0,
    severityText: rec.severityText ?? '',
    body: renderValue(rec.body),
    attributes,
    traceId: rec.spanContext?.traceId ?? '',
    spanId: rec.spanContext?.spanId ?? '',
    flags: rec.spanContext?.traceFlags ?? 0,
  }
}

/** SDK SpanKind is 0-based without "unspecified"; OTLP adds 1. Flags carry "has is_remote". */
export function expectedSpanRow(span: ReadableSpan, resource: number): SpanRow {
  const ctx = span.spanContext()
  const start = hrParts(span.startTime)
  const end = hrParts(span.endTime)
  return {
    resource,
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? '',
    traceState: ctx.traceState?.serialize() ?? '',
    name: span.name,
    kind: span.kind + 1,
    startMs: start.ms,
    startNanos: start.nanos,
    endMs: end.ms,
    endNanos: end.nanos,
    statusCode: span.status.code,
    statusMessage: span.status.message ?? '',
    attributes: renderAttributes(span.attributes),
    events: span.events.map((e) => {
      const t = hrParts(e.time)
      return {
        name: e.name,
        timeMs: t.ms,
        timeNanos: t.nanos,
        attributes: renderAttributes(e.attributes ?? {}),
      }
    }),
    links: span.links.map((l) => ({
      traceId: l.context.traceId,
      spanId: l.context.spanId,
      traceState: l.context.traceState?.serialize() ?? '',
      attributes: renderAttributes(l.attributes ?? {}),
    })),
    flags: (ctx.traceFlags & 0xff) | 0x100 | (span.parentSpanContext?.isRemote === true ? 0x200 : 0),
  }
}
