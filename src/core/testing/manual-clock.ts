import type { Clock } from '../clock.js'

/** A Clock that only moves when a test moves it. */
export class ManualClock implements Clock {
  #nowMs: number

  constructor(startMs = 1_700_000_000_000) {
    this.#nowMs = startMs
  }

  nowMs(): number {
    return this.#nowMs
  }

  advance(ms: number): void {
    if (ms < 0) throw new RangeError('ManualClock cannot go backwards')
    this.#nowMs += ms
  }

  set(ms: number): void {
    this.#nowMs = ms
  }
}
