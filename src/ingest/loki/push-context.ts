import { LogBatchBuilder } from '../../core/batch/index.js'
import type { Attributes, Labels } from '../../core/batch/index.js'
import { RejectTally } from './decode-result.js'
import type { DecodeSuccess, RejectReason } from './decode-result.js'
import type { LokiLimits } from './limits.js'
import { levelOf, severityNumber } from './severity.js'
import { checkPairs, checkStreamLabels, streamService } from './stream-labels.js'

/** A stream of the request being decoded: its resource, or why all its entries are rejected. */
export interface OpenStream {
  /** The labels as received, for reject reports. */
  readonly text: string
  /** Sorted labels, the resource attributes (empty when the stream is rejected). */
  readonly labels: Labels
  readonly reason: RejectReason | undefined
  /** The `level`/`detected_level` stream label, the fallback for entries without one. */
  readonly level: string | undefined
  /** Index in the batch's resources, set when its first entry is accepted (-1 before). */
  resource: number
}

/**
 * State of one push decode, shared by the JSON and protobuf decoders so both apply the same
 * mapping and limits: streams become resources, accepted entries rows, the rest counted rejects.
 */
export class PushContext {
  readonly limits: LokiLimits
  readonly #builder: LogBatchBuilder
  readonly #tally = new RejectTally()
  readonly #observedAtMs: number

  constructor(tenant: string, limits: LokiLimits, observedAtMs: number) {
    this.limits = limits
    this.#builder = new LogBatchBuilder(tenant)
    this.#observedAtMs = observedAtMs
  }

  /** Opens a stream from its sorted labels, or from the reason they could not be read. */
  openStream(labels: string[] | RejectReason, text: string): OpenStream {
    const reason = typeof labels === 'string' ? labels : checkStreamLabels(labels, this.limits)
    if (typeof labels === 'string' || reason !== undefined) {
      return { text, labels: [], reason, level: undefined, resource: -1 }
    }
    return { text, labels, reason: undefined, level: levelOf(labels), resource: -1 }
  }

  /** Why an entry's structured metadata (flat pairs, `pairs` of them sent) breaks a limit. */
  checkMetadata(metadata: Attributes, pairs: number): RejectReason | undefined {
    if (pairs > this.limits.maxStructuredMetadataPairs) return 'too_many_structured_metadata'
    return checkPairs(metadata, this.limits)
  }

  /** Adds an accepted entry; its severity comes from its metadata, else from the stream labels. */
  add(stream: OpenStream, timeMs: number, timeNanos: number, line: string, metadata: Attributes): void {
    const level = levelOf(metadata) ?? stream.level
    if (stream.resource < 0)
      stream.resource = this.#builder.resource(streamService(stream.labels), stream.labels)
    this.#builder.add({
      resource: stream.resource,
      timeMs,
      timeNanos,
      observedTimeMs: this.#observedAtMs,
      observedTimeNanos: 0,
      severityNumber: level === undefined ? 0 : severityNumber(level),
      severityText: level ?? '',
      body: line,
      attributes: metadata,
      traceId: '',
      spanId: '',
      flags: 0,
    })
  }

  reject(stream: OpenStream, reason: RejectReason, payload: Uint8Array): void {
    this.#tally.add(reason, stream.text, payload)
  }

  result(): DecodeSuccess {
    const batch = this.#builder.build()
    const t = this.#tally
    return {
      ok: true,
      batch,
      accepted: batch.rows.length,
      rejected: t.rejects.length,
      rejectReasons: t.counts,
      rejects: t.rejects,
    }
  }
}

/** Sets `name` to `value` in flat `pairs`, replacing an earlier value (names stay unique). */
export function setPair(pairs: string[], name: string, value: string): void {
  for (let i = 0; i < pairs.length; i += 2) {
    if (pairs[i] === name) {
      pairs[i + 1] = value
      return
    }
  }
  pairs.push(name, value)
}
