import type { DecodeResult } from './decode-result.js'
import { decodeEvents } from './decode-events.js'
import { resolveLimits } from './limits.js'
import type { EventsLimits } from './limits.js'

export interface EventsDecoderOptions {
  readonly limits?: Partial<EventsLimits>
}

/**
 * Decodes `POST /api/v1/events/{stream}` NDJSON bodies into EventBatches (README.md). Pure and
 * synchronous; `decode` never throws. One instance per receiver; it holds only the limits. The
 * server checks the path first with `isValidStreamName` (400 on a bad name); `decode` checks again.
 *
 * ```ts
 * const events = new EventsDecoder({ limits: { maxFields: 128 } })
 * const res = events.decode(body, tenant, stream, clock.nowMs())
 * if (!res.ok) return reply(400, res.reason)
 * await log.append(res.batch) // then 200 with res.accepted / res.rejected; dead-letter res.rejects
 * ```
 */
export class EventsDecoder {
  readonly #limits: EventsLimits

  constructor(options: EventsDecoderOptions = {}) {
    this.#limits = resolveLimits(options.limits)
  }

  get limits(): EventsLimits {
    return this.#limits
  }

  /** `receivedAtMs` (integer epoch ms) is the time of events without a time field. */
  decode(body: Uint8Array, tenant: string, stream: string, receivedAtMs: number): DecodeResult {
    return decodeEvents(body, tenant, stream, receivedAtMs, this.#limits)
  }
}
