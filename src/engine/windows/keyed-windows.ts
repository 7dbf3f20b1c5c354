import { PipelineError } from '../../core/index.js'
import type { AccumulatorKind, WindowAccumulator } from './accumulator.js'
import { emitDue } from './emission.js'
import { addToFixedWindows } from './fixed-windows.js'
import { addToSession } from './session-windows.js'
import type { WindowAssigner } from './window-assigner.js'
import type { LateReason, WindowSink } from './window-result.js'
import { WindowTable, emitModes } from './window-table.js'
import type { EmitMode, WindowSettings } from './window-table.js'
import { restoreTable, takeSnapshot } from './windows-snapshot.js'
import type { WindowsSnapshot } from './windows-snapshot.js'

export interface KeyedWindowsOptions<A extends WindowAccumulator<A>> {
  readonly assigner: WindowAssigner
  readonly accumulator: AccumulatorKind<A>
  /** How long after its end a fired window still takes late records (upserts). Default 0. */
  readonly allowedLatenessMs?: number
  /** Default `emit-on-close`. */
  readonly emitMode?: EmitMode
  /** A repeated (key, ts) replaces the earlier sample instead of counting twice. Default true. */
  readonly dedupeByTimestamp?: boolean
  /** Beyond this many open windows, records needing a new window are refused. Default 1,000,000. */
  readonly maxOpenWindows?: number
}

export const DEFAULT_MAX_OPEN_WINDOWS = 1_000_000

/**
 * Keyed event-time windows: pure and synchronous. Time moves only through `advanceWatermark`; a
 * watermark W says every record with ts ≤ W has arrived, so a window [start, end) fires (emits its
 * final revision) once W ≥ end − 1, takes late records while W < end − 1 + allowedLatenessMs
 * (each re-emitted as the next revision), and is dropped after that. Results and refused records go
 * to the sink synchronously; see docs/windows.md for the full semantics.
 *
 * Not thread-safe; one instance per task. Example:
 * ```ts
 * const w = new KeyedWindows({ assigner: tumbling(10_000), accumulator: countSumKind }, sink)
 * w.add('cpu{host="a"}', 1_000, 0.5)
 * w.advanceWatermark(9_999) // sink.onResult({ windowStart: 0, windowEnd: 10_000, revision: 1, final: true, … })
 * ```
 */
export class KeyedWindows<A extends WindowAccumulator<A>> {
  readonly #settings: WindowSettings<A>
  readonly #sink: WindowSink<A>
  #table: WindowTable<A>

  constructor(options: KeyedWindowsOptions<A>, sink: WindowSink<A>) {
    this.#settings = resolveSettings(options)
    this.#sink = sink
    this.#table = new WindowTable(this.#settings)
  }

  get watermarkMs(): number {
    return this.#table.watermarkMs
  }

  get openWindows(): number {
    return this.#table.openCount
  }

  /**
   * Adds one sample. 'late' means nothing changed and `onLate` was called with the reason:
   * `window_closed` (every window of ts was dropped), `too_many_windows` (a new window would exceed
   * maxOpenWindows) or `invalid_timestamp` (ts not a finite number). A duplicate is 'accepted'.
   */
  add(key: string, ts: number, value: number): 'accepted' | 'late' {
    const outcome = !Number.isFinite(ts)
      ? 'invalid_timestamp'
      : this.#settings.assigner.kind === 'session'
        ? addToSession(this.#table, key, ts, value)
        : addToFixedWindows(this.#table, key, ts, value)
    if (outcome === 'accepted') return outcome
    this.#sink.onLate({ key, ts, value }, outcome satisfies LateReason)
    return 'late'
  }

  /**
   * Moves the watermark (never backwards; a smaller value only emits pending upserts) and emits
   * what became due, in (windowEnd, key) order.
   */
  advanceWatermark(watermarkMs: number): void {
    if (watermarkMs > this.#table.watermarkMs) this.#table.watermarkMs = watermarkMs
    emitDue(this.#table, this.#sink, true)
  }

  /** Call after each batch: emits late upserts, retractions and (emit-on-update) open windows' updates. */
  flushUpdates(): void {
    emitDue(this.#table, this.#sink, false)
  }

  /** The whole state as plain data (see WindowsSnapshot); encode it with encodeWindowsSnapshot. */
  snapshot(): WindowsSnapshot {
    return takeSnapshot(this.#table)
  }

  /** Replaces the whole state with a snapshot's. */
  restore(snapshot: WindowsSnapshot): void {
    this.#table = restoreTable(snapshot, this.#settings)
  }
}

/**
 * Options after defaults; throws one PipelineError (`invalid_window_config`) naming every problem.
 * Exported so specialised window code (the rollup's tumbling fast path) validates exactly alike.
 */
export function resolveSettings<A extends WindowAccumulator<A>>(
  options: KeyedWindowsOptions<A>,
): WindowSettings<A> {
  const settings: WindowSettings<A> = {
    assigner: options.assigner,
    accumulator: options.accumulator,
    allowedLatenessMs: options.allowedLatenessMs ?? 0,
    emitMode: options.emitMode ?? 'emit-on-close',
    dedupeByTimestamp: options.dedupeByTimestamp ?? true,
    maxOpenWindows: options.maxOpenWindows ?? DEFAULT_MAX_OPEN_WINDOWS,
  }
  const problems: string[] = []
  if (!Number.isSafeInteger(settings.allowedLatenessMs) || settings.allowedLatenessMs < 0) {
    problems.push(`allowedLatenessMs must be a non-negative integer, got ${settings.allowedLatenessMs}`)
  }
  if (!emitModes.includes(settings.emitMode)) problems.push(`unknown emitMode ${String(settings.emitMode)}`)
  if (!Number.isSafeInteger(settings.maxOpenWindows) || settings.maxOpenWindows < 1) {
    problems.push(`maxOpenWindows must be a positive integer, got ${settings.maxOpenWindows}`)
  }
  if (problems.length > 0) {
    throw new PipelineError(`invalid window options: ${problems.join('; ')}`, {
      code: 'invalid_window_config',
      domain: 'user',
      retryable: false,
    })
  }
  return settings
}
