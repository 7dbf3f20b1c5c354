import type { Attributes, ResourceEntry } from './resource.js'
import { RowBatchBuilder } from './resource.js'

/**
 * A batch of log records of one tenant (DESIGN.md §5): fixed-shape rows plus a resource
 * dictionary. Produced by the OTLP logs and Loki push decoders; one batch is one record value in
 * the log (see log-batch-codec.ts).
 *
 * Timestamps are exact: epoch milliseconds (integer) plus the nanoseconds within that millisecond
 * (0–999,999), so an OTLP `time_unix_nano` survives a round trip bit for bit while window code
 * can use `timeMs` directly.
 */
export interface LogRow {
  /** Index into the batch's `resources`. */
  readonly resource: number
  /** Event time: integer epoch ms; 0 when the record had none (then `observedTimeMs` is used). */
  readonly timeMs: number
  /** Nanoseconds within `timeMs`, 0–999,999. */
  readonly timeNanos: number
  /** When the collector/Vigil first saw it: integer epoch ms (0 = unknown). */
  readonly observedTimeMs: number
  readonly observedTimeNanos: number
  /** OTLP SeverityNumber 0–24 (0 = unspecified). */
  readonly severityNumber: number
  readonly severityText: string
  /** The body rendered as text (a string body as is; other AnyValues as in `Attributes`). */
  readonly body: string
  readonly attributes: Attributes
  /** Lowercase hex, '' when absent. */
  readonly traceId: string
  readonly spanId: string
  readonly flags: number
}

export interface LogBatch {
  readonly kind: 'logs'
  readonly tenant: string
  readonly resources: readonly ResourceEntry[]
  readonly rows: readonly LogRow[]
}

/**
 * Builds a LogBatch: intern the resource, then add rows that point at it.
 *
 * ```ts
 * const b = new LogBatchBuilder('acme')
 * const r = b.resource('checkout', ['service.name', 'checkout'])
 * b.add({ resource: r, timeMs: 1_700_000_000_000, timeNanos: 0, observedTimeMs: 0, observedTimeNanos: 0,
 *         severityNumber: 9, severityText: 'INFO', body: 'started', attributes: [], traceId: '', spanId: '', flags: 0 })
 * const batch = b.build()
 * ```
 */
export class LogBatchBuilder extends RowBatchBuilder<LogRow> {
  build(): LogBatch {
    return { kind: 'logs', tenant: this.tenant, resources: this.resources.entries, rows: this.rows }
  }
}
