/**
 * A token bucket per tenant for request rates: `ratePerSecond` tokens are added per second up to
 * `burst`; a request takes one. Refilled lazily from the caller's clock (no timers), so it costs
 * two float operations per request and is exact under a manual clock in tests.
 */
export class TokenBucket {
  readonly #rate: number
  readonly #burst: number
  #tokens: number
  #lastMs: number

  constructor(ratePerSecond: number, burst: number, nowMs: number) {
    this.#rate = ratePerSecond
    this.#burst = burst
    this.#tokens = burst
    this.#lastMs = nowMs
  }

  /** Takes a token if there is one. */
  tryTake(nowMs: number): boolean {
    if (this.#rate === 0) return true
    const elapsed = nowMs - this.#lastMs
    if (elapsed > 0) {
      this.#tokens = Math.min(this.#burst, this.#tokens + (elapsed * this.#rate) / 1000)
      this.#lastMs = nowMs
    }
    if (this.#tokens < 1) return false
    this.#tokens -= 1
    return true
  }

  /** Whole seconds until a token is available (at least 1), for Retry-After. */
  secondsUntilToken(): number {
    if (this.#rate === 0) return 0
    return Math.max(1, Math.ceil((1 - this.#tokens) / this.#rate))
  }
}
