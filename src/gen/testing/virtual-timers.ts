import { ManualClock } from '../../core/testing/manual-clock.js'
import type { Sleep } from '../sleep.js'

/**
 * Virtual time for generator tests: `sleep` parks the caller on a timer, and `run(promise)` lets
 * every pending callback run, then jumps the clock to the earliest timer and wakes it, until the
 * promise settles. A 10-minute run takes milliseconds and never waits for real.
 */
export class VirtualTimers {
  readonly clock: ManualClock
  #timers: { at: number; wake: () => void }[] = []

  constructor(startMs = 1_700_000_000_000) {
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

  async run<T>(promise: Promise<T>, maxSteps = 1_000_000): Promise<T> {
    let settled = false
    promise.then(
      () => (settled = true),
      () => (settled = true),
    )
    for (let step = 0; !settled && step < maxSteps; step++) {
      await new Promise((r) => setImmediate(r))
      if (settled) break
      if (this.#timers.length === 0) continue
      this.#timers.sort((a, b) => a.at - b.at)
      const next = this.#timers.shift()!
      if (next.at > this.clock.nowMs()) this.clock.set(next.at)
      next.wake()
    }
    return promise
  }
}
