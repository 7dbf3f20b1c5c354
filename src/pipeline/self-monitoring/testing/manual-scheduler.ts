import type { ManualClock } from '../../../core/testing/manual-clock.js'
import type { Cancel, Scheduler } from '../scheduler.js'

interface Entry {
  readonly dueMs: number
  readonly seq: number
  readonly task: () => Promise<void>
}

/**
 * Test-only: a Scheduler on a ManualClock. Nothing runs until `advance`, which moves the clock to
 * each due task in turn (by due time, then scheduling order), runs it and awaits it, then moves the
 * clock to the end of the step. A task scheduled by a running task runs in the same `advance` when
 * it falls due within the step.
 *
 * ```ts
 * const clock = new ManualClock()
 * const scheduler = new ManualScheduler(clock)
 * scheduler.schedule(10_000, async () => { ... })
 * await scheduler.advance(10_000) // runs it with clock.nowMs() === start + 10 s
 * ```
 */
export class ManualScheduler implements Scheduler {
  readonly #clock: ManualClock
  #entries: Entry[] = []
  #seq = 0

  constructor(clock: ManualClock) {
    this.#clock = clock
  }

  /** Tasks scheduled and not yet run or cancelled. */
  get pending(): number {
    return this.#entries.length
  }

  schedule(delayMs: number, task: () => Promise<void>): Cancel {
    const entry: Entry = { dueMs: this.#clock.nowMs() + Math.max(0, delayMs), seq: this.#seq++, task }
    this.#entries.push(entry)
    return () => {
      this.#entries = this.#entries.filter((e) => e !== entry)
    }
  }

  async advance(ms: number): Promise<void> {
    const endMs = this.#clock.nowMs() + ms
    for (;;) {
      let next: Entry | undefined
      for (const e of this.#entries) {
        if (e.dueMs > endMs) continue
        if (next === undefined || e.dueMs < next.dueMs || (e.dueMs === next.dueMs && e.seq < next.seq))
          next = e
      }
      if (next === undefined) break
      const run = next
      this.#entries = this.#entries.filter((e) => e !== run)
      if (run.dueMs > this.#clock.nowMs()) this.#clock.set(run.dueMs)
      await run.task()
    }
    if (endMs > this.#clock.nowMs()) this.#clock.set(endMs)
  }
}
