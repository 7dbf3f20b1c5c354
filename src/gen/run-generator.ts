import type { Clock } from '../core/index.js'
import { openAckFile } from './ack-log.js'
import type { AckLog } from './ack-log.js'
import { backoffMs } from './backoff.js'
import { resolveGenOptions } from './gen-options.js'
import type { GenOptions, GenOptionsInput, GenSignal } from './gen-options.js'
import { GenStats } from './gen-stats.js'
import type { GenProgress, GenSummary } from './gen-stats.js'
import { createHttpTransport } from './http-transport.js'
import type { Transport } from './http-transport.js'
import { Pacer } from './pacer.js'
import { createPayloadBuilders } from './payload-builders.js'
import type { Payload, PayloadBuilder } from './payload.js'
import { Rng } from './rng.js'
import { realSleep } from './sleep.js'
import type { Sleep } from './sleep.js'

export interface RunGeneratorDeps {
  readonly clock: Clock
  /** Aborting stops the run: no new requests; the ones in flight finish, then it resolves. */
  readonly signal?: AbortSignal
  /** Called every `progressIntervalMs` (default 1000) of clock time. */
  readonly onProgress?: (progress: GenProgress) => void
  readonly progressIntervalMs?: number
  /** Defaults to real timers; tests inject virtual time. */
  readonly sleep?: Sleep
  /** Defaults to HTTP(S) to `options.url`. */
  readonly transport?: Transport
  /** Defaults to `options.ackFile` opened for append (when set). */
  readonly ackLog?: AckLog
}

interface Lane {
  readonly signal: GenSignal
  readonly builder: PayloadBuilder
  readonly pacer: Pacer
  /**
   * Records asked of each request: the batch, or one second's worth when the rate is lower, so
   * data flows every second even at a gentle rate. Also what pacing books before a build.
   */
  readonly perRequest: number
  readonly pool: readonly Payload[]
  poolIndex: number
}

/**
 * Runs the load generator until `durationS` has passed (by `deps.clock`) or `deps.signal`
 * aborts, and resolves with the summary. Never rejects for a failed request: connection errors,
 * 5xx and 429 are counted per outcome, followed by a backoff (honouring `Retry-After`), and the
 * run goes on with *new* requests after the pause (all workers wait) — a request identity (seq, metric timestamp) is never sent
 * twice, except from a `pool` (which cannot be combined with an ack file). Rejects only for bad
 * options or an ack file that cannot be opened.
 *
 * ```ts
 * const ac = new AbortController()
 * const summary = await runGenerator({ rate: 5000, signals: ['metrics'] }, { clock: systemClock, signal: ac.signal })
 * ```
 */
export async function runGenerator(input: GenOptionsInput, deps: RunGeneratorDeps): Promise<GenSummary> {
  const options = resolveGenOptions(input)
  const { clock } = deps
  const sleep = deps.sleep ?? realSleep
  const startMs = Math.floor(clock.nowMs())
  const endMs = options.durationS > 0 ? startMs + options.durationS * 1000 : Number.POSITIVE_INFINITY
  const builders = createPayloadBuilders({ ...options, seed: options.seed ?? startMs % 2 ** 31 }, startMs)
  const lanes = options.signals.map((signal) => makeLane(signal, builders[signal]!, options, clock, startMs))
  const ackLog = deps.ackLog ?? (options.ackFile === undefined ? undefined : openAckFile(options.ackFile))
  const transport = deps.transport ?? createHttpTransport(options, clock)
  const stats = new GenStats(startMs)
  const rng = new Rng((options.seed ?? startMs) ^ 0x5bd1e995)
  const stop = new AbortController()
  const onAbort = (): void => stop.abort()
  deps.signal?.addEventListener('abort', onAbort, { once: true })
  if (deps.signal?.aborted === true) stop.abort()

  let seq = 0
  let lastMetricMs = Number.NEGATIVE_INFINITY
  let failuresInRow = 0
  /** After a failure every worker holds off until then (a down server is not hammered). */
  let pausedUntilMs = Number.NEGATIVE_INFINITY
  let turn = 0

  const pickLane = (): Lane => {
    turn++
    if (options.rate === 0) return lanes[turn % lanes.length]!
    let best = lanes[turn % lanes.length]!
    for (const lane of lanes) if (lane.pacer.nextMs < best.pacer.nextMs) best = lane
    return best
  }

  const nextPayload = (lane: Lane): Payload => {
    seq++
    if (lane.pool.length > 0) return lane.pool[lane.poolIndex++ % lane.pool.length]!
    const now = Math.floor(clock.nowMs())
    let tsMs = now
    if (lane.signal === 'metrics') tsMs = lastMetricMs = Math.max(now, lastMetricMs + 1)
    return lane.builder.build(seq, tsMs, lane.perRequest)
  }

  const worker = async (): Promise<void> => {
    while (!stop.signal.aborted) {
      if (clock.nowMs() >= endMs) {
        stop.abort()
        break
      }
      const pause = pausedUntilMs - clock.nowMs()
      if (pause > 0) {
        await sleep(Math.min(pause, endMs - clock.nowMs()), stop.signal)
        continue
      }
      const lane = pickLane()
      const wait = lane.pacer.reserve(lane.perRequest)
      if (wait > 0) await sleep(Math.min(wait, endMs - clock.nowMs()), stop.signal)
      if (stop.signal.aborted) break
      if (clock.nowMs() >= endMs) {
        stop.abort()
        break
      }
      const payload = nextPayload(lane)
      lane.pacer.adjust(payload.records - lane.perRequest)
      stats.inFlight++
      const outcome = await transport.send(payload)
      stats.inFlight--
      const isOk = outcome.kind === 'response' && outcome.status >= 200 && outcome.status < 300
      const key = outcome.kind === 'response' ? String(outcome.status) : outcome.code
      stats.record(lane.signal, key, isOk, payload.records)
      if (isOk) {
        failuresInRow = 0
        ackLog?.append(payload, outcome.status)
        continue
      }
      failuresInRow++
      const retryAfterMs = outcome.kind === 'response' ? outcome.retryAfterMs : undefined
      pausedUntilMs = Math.max(pausedUntilMs, clock.nowMs() + backoffMs(failuresInRow, retryAfterMs, rng))
    }
  }

  const ticker = async (): Promise<void> => {
    const interval = deps.progressIntervalMs ?? 1000
    while (!stop.signal.aborted) {
      await sleep(Math.min(interval, endMs - clock.nowMs()), stop.signal)
      if (clock.nowMs() >= endMs) stop.abort()
      if (!stop.signal.aborted) deps.onProgress?.(stats.snapshot(clock.nowMs(), startMs))
    }
  }

  const guarded = async (task: () => Promise<void>): Promise<void> => {
    try {
      await task()
    } finally {
      stop.abort() // one task failing unexpectedly stops the others
    }
  }
  try {
    const tasks = [...Array.from({ length: options.concurrency }, () => worker), ticker]
    const results = await Promise.allSettled(tasks.map(guarded))
    const failed = results.find((r) => r.status === 'rejected')
    if (failed !== undefined) throw failed.reason
  } finally {
    deps.signal?.removeEventListener('abort', onAbort)
    if (deps.ackLog === undefined) ackLog?.close()
    if (deps.transport === undefined) transport.close()
  }
  const nowMs = clock.nowMs()
  const elapsedS = (nowMs - startMs) / 1000
  return {
    ...stats.snapshot(nowMs, startMs),
    lastSeq: seq,
    averageRecordsPerS: elapsedS > 0 ? stats.ackedRecords / elapsedS : 0,
  }
}

function makeLane(
  signal: GenSignal,
  builder: PayloadBuilder,
  options: GenOptions,
  clock: Clock,
  startMs: number,
): Lane {
  const batch = options.batch[signal]
  const perRequest = options.rate > 0 ? Math.min(batch, Math.max(1, Math.ceil(options.rate))) : batch
  const pool: Payload[] = []
  for (let k = 0; k < options.pool; k++) pool.push(builder.build(k + 1, startMs + k, perRequest))
  return { signal, builder, pacer: new Pacer(options.rate, clock), perRequest, pool, poolIndex: 0 }
}
