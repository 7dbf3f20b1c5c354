import type { Attributes, ResourceEntry } from './resource.js'
import { RowBatchBuilder } from './resource.js'

/**
 * A batch of spans of one tenant (DESIGN.md §5): fixed-shape rows plus a resource dictionary.
 * Times are exact, as in LogRow: integer epoch ms plus nanoseconds within the ms.
 */
export interface SpanEventRow {
  readonly name: string
  readonly timeMs: number
  readonly timeNanos: number
  readonly attributes: Attributes
}

export interface SpanLinkRow {
  readonly traceId: string
  readonly spanId: string
  readonly traceState: string
  readonly attributes: Attributes
}

/** OTLP Span.SpanKind: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
export const spanKinds = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const
/** OTLP Status.StatusCode: 0 unset, 1 ok, 2 error. */
export const spanStatusCodes = ['unset', 'ok', 'error'] as const

export interface SpanRow {
  /** Index into the batch's `resources` (service and scope). */
  readonly resource: number
  /** Lowercase hex: 32 characters for trace ids, 16 for span ids; '' when absent (root: no parent). */
  readonly traceId: string
  readonly spanId: string
  readonly parentSpanId: string
  readonly traceState: string
  readonly name: string
  /** Index into `spanKinds`. */
  readonly kind: number
  readonly startMs: number
  readonly startNanos: number
  readonly endMs: number
  readonly endNanos: number
  /** Index into `spanStatusCodes`. */
  readonly statusCode: number
  readonly statusMessage: string
  readonly attributes: Attributes
  readonly events: readonly SpanEventRow[]
  readonly links: readonly SpanLinkRow[]
  readonly flags: number
}

export interface SpanBatch {
  readonly kind: 'spans'
  readonly tenant: string
  readonly resources: readonly ResourceEntry[]
  readonly rows: readonly SpanRow[]
}

/** Duration of a span in nanoseconds (exact for spans shorter than about 104 days). */
export function spanDurationNanos(row: SpanRow): number {
  return (row.endMs - row.startMs) * 1_000_000 + (row.endNanos - row.startNanos)
}

/** Builds a SpanBatch; see LogBatchBuilder for the pattern. */
export class SpanBatchBuilder extends RowBatchBuilder<SpanRow> {
  build(): SpanBatch {
    return { kind: 'spans', tenant: this.tenant, resources: this.resources.entries, rows: this.rows }
  }
}
