/**
 * The conservation ledger of ingest (DESIGN.md §4.3): per tenant and signal, every record decoded
 * from a request ends in exactly one of
 * - `accepted`: appended to the signal's ingest topic, durably (then acknowledged);
 * - `deadLettered`: appended to the dead-letter topic with its reason and original bytes;
 * - `dropped`: neither, counted per reason (e.g. the log refused the append; the client got a 5xx
 *   and may retry).
 * so `received = accepted + deadLettered + dropped` holds at every instant between requests (the
 * ledger is updated once per request, after its appends settled). Requests refused as a whole
 * (401, 413, 429, a body that does not decode …) carry no countable records; they are counted per
 * reason in `refusedRequests`.
 *
 * Counters live in memory for the life of the process (exported on /metrics, where Prometheus
 * handles restarts as counter resets). The tenant dimension is bounded by `ingest.limits.maxTenants`.
 */
export const signals = ['metrics', 'logs', 'traces', 'events'] as const
export type Signal = (typeof signals)[number]

export interface SignalCounts {
  received: number
  accepted: number
  deadLettered: number
  dropped: number
  /** Dropped records per reason; sums to `dropped`. */
  readonly droppedByReason: Map<string, number>
  /** Dead-lettered records per reason; sums to `deadLettered`. */
  readonly deadLetteredByReason: Map<string, number>
}

export interface LedgerRow {
  readonly tenant: string
  readonly signal: Signal
  readonly received: number
  readonly accepted: number
  readonly deadLettered: number
  readonly dropped: number
  readonly droppedByReason: Readonly<Record<string, number>>
  readonly deadLetteredByReason: Readonly<Record<string, number>>
}

/** What one request did to the ledger. */
export interface RequestOutcome {
  readonly received: number
  readonly accepted: number
  /** Dead-lettered records per reason. */
  readonly deadLettered: ReadonlyMap<string, number>
  /** Dropped records per reason. */
  readonly dropped: ReadonlyMap<string, number>
}

export class IngestLedger {
  readonly #byTenant = new Map<string, Map<Signal, SignalCounts>>()
  readonly #refused = new Map<string, number>()
  readonly #requests = new Map<string, number>()

  /** Adds a request's outcome. Throws if it does not conserve records (a bug, not bad input). */
  record(tenant: string, signal: Signal, outcome: RequestOutcome): void {
    const c = this.#counts(tenant, signal)
    let dl = 0
    for (const [reason, n] of outcome.deadLettered) {
      dl += n
      c.deadLetteredByReason.set(reason, (c.deadLetteredByReason.get(reason) ?? 0) + n)
    }
    let dropped = 0
    for (const [reason, n] of outcome.dropped) {
      dropped += n
      c.droppedByReason.set(reason, (c.droppedByReason.get(reason) ?? 0) + n)
    }
    if (outcome.accepted + dl + dropped !== outcome.received) {
      throw new Error(
        `ingest ledger: ${outcome.received} received but ${outcome.accepted} accepted + ${dl} dead-lettered + ${dropped} dropped`,
      )
    }
    c.received += outcome.received
    c.accepted += outcome.accepted
    c.deadLettered += dl
    c.dropped += dropped
  }

  /** Counts a request answered, by protocol and status code. */
  countRequest(protocol: string, status: number): void {
    const key = `${protocol}\u0000${status}`
    this.#requests.set(key, (this.#requests.get(key) ?? 0) + 1)
  }

  /** Counts a request refused as a whole, by protocol and reason. */
  countRefusal(protocol: string, reason: string): void {
    const key = `${protocol}\u0000${reason}`
    this.#refused.set(key, (this.#refused.get(key) ?? 0) + 1)
  }

  rows(): LedgerRow[] {
    const out: LedgerRow[] = []
    for (const [tenant, bySignal] of this.#byTenant) {
      for (const [signal, c] of bySignal) {
        out.push({
          tenant,
          signal,
          received: c.received,
          accepted: c.accepted,
          deadLettered: c.deadLettered,
          dropped: c.dropped,
          droppedByReason: Object.fromEntries(c.droppedByReason),
          deadLetteredByReason: Object.fromEntries(c.deadLetteredByReason),
        })
      }
    }
    return out
  }

  /** `{protocol, reason, count}` for every refusal reason seen. */
  refusals(): { protocol: string; reason: string; count: number }[] {
    return [...this.#refused].map(([key, count]) => {
      const [protocol = '', reason = ''] = key.split('\u0000')
      return { protocol, reason, count }
    })
  }

  /** `{protocol, status, count}` for every answered request. */
  requests(): { protocol: string; status: number; count: number }[] {
    return [...this.#requests].map(([key, count]) => {
      const [protocol = '', status = '0'] = key.split('\u0000')
      return { protocol, status: Number(status), count }
    })
  }

  #counts(tenant: string, signal: Signal): SignalCounts {
    let bySignal = this.#byTenant.get(tenant)
    if (bySignal === undefined) this.#byTenant.set(tenant, (bySignal = new Map()))
    let c = bySignal.get(signal)
    if (c === undefined) {
      c = {
        received: 0,
        accepted: 0,
        deadLettered: 0,
        dropped: 0,
        droppedByReason: new Map(),
        deadLetteredByReason: new Map(),
      }
      bySignal.set(signal, c)
    }
    return c
  }
}
