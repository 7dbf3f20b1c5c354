import { genSignals } from './gen-options.js'
import type { GenSignal } from './gen-options.js'

export interface SignalCounts {
  readonly requestsOk: number
  readonly requestsFailed: number
  /** Records in requests answered 2xx. */
  readonly ackedRecords: number
}

/** A moment of a run, reported every second to `onProgress`. */
export interface GenProgress {
  readonly elapsedMs: number
  readonly requestsOk: number
  readonly requestsFailed: number
  readonly ackedRecords: number
  /** Acked records per second since the previous report. */
  readonly recordsPerS: number
  readonly inFlight: number
  /** Requests per outcome: an HTTP status (`"204"`, `"503"`) or an error code (`"ECONNREFUSED"`). */
  readonly byOutcome: Readonly<Record<string, number>>
  readonly bySignal: Readonly<Partial<Record<GenSignal, SignalCounts>>>
}

/** The end of a run, resolved by `runGenerator`. */
export interface GenSummary extends GenProgress {
  /** Seq of the last request built (seqs are 1…lastSeq; some may not have been sent). */
  readonly lastSeq: number
  /** Acked records per second over the whole run. */
  readonly averageRecordsPerS: number
}

/** Mutable counters of one run; `snapshot` copies them out. */
export class GenStats {
  requestsOk = 0
  requestsFailed = 0
  ackedRecords = 0
  inFlight = 0
  readonly #byOutcome = new Map<string, number>()
  readonly #bySignal = new Map<
    GenSignal,
    { requestsOk: number; requestsFailed: number; ackedRecords: number }
  >()
  #lastAcked = 0
  #lastMs: number

  constructor(startMs: number) {
    this.#lastMs = startMs
  }

  record(signal: GenSignal, outcome: string, isOk: boolean, records: number): void {
    this.#byOutcome.set(outcome, (this.#byOutcome.get(outcome) ?? 0) + 1)
    let s = this.#bySignal.get(signal)
    if (s === undefined) {
      s = { requestsOk: 0, requestsFailed: 0, ackedRecords: 0 }
      this.#bySignal.set(signal, s)
    }
    if (isOk) {
      this.requestsOk++
      this.ackedRecords += records
      s.requestsOk++
      s.ackedRecords += records
    } else {
      this.requestsFailed++
      s.requestsFailed++
    }
  }

  /** A progress report; the records/s covers the time since the previous call. */
  snapshot(nowMs: number, startMs: number): GenProgress {
    const dt = nowMs - this.#lastMs
    const recordsPerS = dt > 0 ? ((this.ackedRecords - this.#lastAcked) * 1000) / dt : 0
    this.#lastMs = nowMs
    this.#lastAcked = this.ackedRecords
    const bySignal: Partial<Record<GenSignal, SignalCounts>> = {}
    for (const signal of genSignals) {
      const s = this.#bySignal.get(signal)
      if (s !== undefined) bySignal[signal] = { ...s }
    }
    return {
      elapsedMs: nowMs - startMs,
      requestsOk: this.requestsOk,
      requestsFailed: this.requestsFailed,
      ackedRecords: this.ackedRecords,
      recordsPerS,
      inFlight: this.inFlight,
      byOutcome: Object.fromEntries([...this.#byOutcome].sort(([a], [b]) => a.localeCompare(b))),
      bySignal,
    }
  }
}
