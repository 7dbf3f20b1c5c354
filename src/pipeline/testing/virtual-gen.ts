import { setImmediate as nextTurn } from 'node:timers/promises'
import { ManualClock } from '../../core/testing/manual-clock.js'
import { createHttpTransport, resolveGenOptions, runGenerator } from '../../gen/index.js'
import type { GenOptionsInput, GenSummary, Payload, SendOutcome, Sleep, Transport } from '../../gen/index.js'

/** One request a generator sent over real HTTP, and what became of it. */
export interface SentRequest {
  readonly payload: Payload
  readonly outcome: SendOutcome
  /** The virtual time it was sent at (epoch ms). */
  readonly atMs: number
}

export interface VirtualGenRun {
  readonly summary: GenSummary
  /** Every request, in the order it was sent. */
  readonly sent: readonly SentRequest[]
  /** The requests answered 2xx (what `--ack-file` would list), in order. */
  readonly acked: readonly Payload[]
}

/**
 * Test-only: runs `vigil gen`'s generator (`runGenerator`, the code behind the CLI) in-process, over
 * real HTTP to a real server, in **simulated time**: its clock is a ManualClock that jumps to the
 * next sleeper's wake-up only when no request is in flight, so pacing, metric timestamps and
 * progress ticks depend on the options alone, never on how fast the server answers. A 20-minute
 * run with a fixed seed therefore sends the same requests (same bytes, same timestamps) every
 * time, in a few seconds of real time.
 *
 * Several runs may share one `VirtualTime` (`runAll`): they advance in lockstep, so, say, two
 * tenants' data cover the same event times as it arrives (a log partition shared by both never
 * sees one tenant's data far behind the other's).
 *
 * ```ts
 * const time = new VirtualTime(startMs)
 * const [rw, otlp] = await time.runAll([{ ...opts, tenant: 'a' }, { ...opts, tenant: 'b', metricsProtocol: 'otlp' }])
 * ```
 */
export class VirtualTime {
  readonly clock: ManualClock
  #timers: { at: number; order: number; wake: () => void }[] = []
  #order = 0
  readonly #inFlight = new Set<Promise<unknown>>()

  constructor(startMs: number) {
    this.clock = new ManualClock(startMs)
  }

  readonly sleep: Sleep = (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal.aborted || ms <= 0) {
        resolve()
        return
      }
      const timer = {
        at: this.clock.nowMs() + ms,
        order: this.#order++,
        wake: () => {
          signal.removeEventListener('abort', onAbort)
          resolve()
        },
      }
      const onAbort = (): void => {
        this.#timers = this.#timers.filter((t) => t !== timer)
        resolve()
      }
      signal.addEventListener('abort', onAbort, { once: true })
      this.#timers.push(timer)
    })

  /** Wraps `inner` so the time stands still while one of its requests is in flight. */
  track(inner: Transport, sent: SentRequest[]): Transport {
    return {
      send: (payload) => {
        const atMs = this.clock.nowMs()
        const pending = inner.send(payload).then((outcome) => {
          sent.push({ payload, outcome, atMs })
          return outcome
        })
        this.#inFlight.add(pending)
        void pending.finally(() => this.#inFlight.delete(pending))
        return pending
      },
      close: () => inner.close(),
    }
  }

  /** Runs one generator per options object, all in this simulated time, until every one ends. */
  async runAll(inputs: readonly GenOptionsInput[]): Promise<VirtualGenRun[]> {
    const runs = inputs.map((input) => {
      const options = resolveGenOptions(input)
      const sent: SentRequest[] = []
      const transport = this.track(createHttpTransport(options, this.clock), sent)
      const done = runGenerator(input, { clock: this.clock, sleep: this.sleep, transport }).finally(() =>
        transport.close(),
      )
      return { sent, done }
    })
    const all = Promise.all(runs.map((r) => r.done))
    let settled = false
    all.then(
      () => (settled = true),
      () => (settled = true),
    )
    while (!settled) {
      // Let every woken task run to its next sleep or request, and every answer arrive.
      await nextTurn()
      if (this.#inFlight.size > 0) {
        await Promise.allSettled([...this.#inFlight])
        continue
      }
      if (settled || this.#timers.length === 0) continue
      this.#timers.sort((a, b) => a.at - b.at || a.order - b.order)
      const next = this.#timers.shift()!
      if (next.at > this.clock.nowMs()) this.clock.set(next.at)
      next.wake()
    }
    const summaries = await all
    return runs.map((r, i) => {
      const acked = r.sent
        .filter((s) => s.outcome.kind === 'response' && s.outcome.status >= 200 && s.outcome.status < 300)
        .map((s) => s.payload)
      return { summary: summaries[i]!, sent: r.sent, acked }
    })
  }
}
