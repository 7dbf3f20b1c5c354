/**
 * A small, fast, seedable pseudo-random generator (mulberry32). Same seed, same sequence, so a
 * run can be reproduced; no allocation per draw.
 */
export class Rng {
  #state: number
  #spare = Number.NaN

  constructor(seed: number) {
    this.#state = seed >>> 0
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0)
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** A uniformly random unsigned 32-bit integer. */
  uint32(): number {
    return Math.floor(this.next() * 4294967296) >>> 0
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n)
  }

  /** Standard normal (Box–Muller, the second value kept for the next call). */
  normal(): number {
    if (!Number.isNaN(this.#spare)) {
      const v = this.#spare
      this.#spare = Number.NaN
      return v
    }
    const u = 1 - this.next()
    const v = this.next()
    const r = Math.sqrt(-2 * Math.log(u))
    this.#spare = r * Math.sin(2 * Math.PI * v)
    return r * Math.cos(2 * Math.PI * v)
  }

  /** Log-normal with the given median and shape (sigma of the underlying normal). */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal())
  }

  /** Fills `out[from, from+n)` with random bytes. */
  fill(out: Uint8Array, from: number, n: number): void {
    for (let i = 0; i < n; i += 4) {
      let x = this.uint32()
      for (let k = 0; k < 4 && i + k < n; k++) {
        out[from + i + k] = x & 0xff
        x >>>= 8
      }
    }
  }
}
