import {
  COUNTER,
  DURATION_BOUNDS,
  FAMILY_CPU,
  FAMILY_MEMORY,
  FAMILY_QUEUE,
  GAUGE,
  STATUS_SHARE,
} from './metric-catalog.js'
import type { MetricCatalog } from './metric-catalog.js'
import type { Rng } from './rng.js'
import type { ServiceHealth } from './service-health.js'

const DAY_MS = 86_400_000
const WAVE_MS = 600_000
const BUCKETS = DURATION_BOUNDS.length + 1
/** Observations drawn per histogram update at most (keeps an update O(1)). */
const MAX_OBSERVATIONS = 64
const SPIKE_FACTOR = 12
const LEVEL_SHIFT_FACTOR = 1.6

/**
 * The evolving values behind a `MetricCatalog`, in typed arrays (no object per instrument or
 * sample). `advance(i, tsMs)` moves instrument `i` to `tsMs`: counters grow with their request
 * rate, gauges random-walk around a baseline with a daily and a 10-minute wave, histograms draw
 * log-normal latencies into cumulative buckets. Incidents (see incident.ts) bend the values.
 */
export class MetricModel {
  readonly catalog: MetricCatalog
  /** Gauge value, or counter total. */
  readonly value: Float64Array
  /** Histogram buckets, `BUCKETS` per instrument (non-cumulative counts). */
  readonly buckets: Float64Array
  readonly sum: Float64Array
  readonly count: Float64Array
  /** When each instrument was last advanced (epoch ms); NaN before the first time. */
  readonly lastMs: Float64Array
  readonly #base: Float64Array
  readonly #walk: Float64Array
  readonly #phase: Float64Array
  /** Requests per second per instrument (counters, histograms). */
  readonly #rps: Float64Array
  readonly #rng: Rng
  readonly #health: ServiceHealth
  /** Start of the cumulative series (OTLP start_time_unix_nano). */
  readonly startMs: number

  constructor(catalog: MetricCatalog, rng: Rng, health: ServiceHealth, startMs: number) {
    const n = catalog.length
    this.catalog = catalog
    this.#rng = rng
    this.#health = health
    this.startMs = startMs
    this.value = new Float64Array(n)
    this.buckets = new Float64Array(n * BUCKETS)
    this.sum = new Float64Array(n)
    this.count = new Float64Array(n)
    this.lastMs = new Float64Array(n).fill(Number.NaN)
    this.#base = new Float64Array(n)
    this.#walk = new Float64Array(n)
    this.#phase = new Float64Array(n)
    this.#rps = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      this.#phase[i] = rng.next() * 2 * Math.PI
      const f = catalog.family[i]!
      if (f === FAMILY_CPU) this.#base[i] = 0.15 + rng.next() * 0.4
      else if (f === FAMILY_MEMORY) this.#base[i] = (200 + rng.next() * 800) * 1024 * 1024
      else if (f === FAMILY_QUEUE) this.#base[i] = 5 + rng.next() * 40
      const routeRps = 5 + rng.next() * 45
      this.#rps[i] = catalog.kind[i] === COUNTER ? routeRps * STATUS_SHARE[catalog.status[i]!]! : routeRps
      this.value[i] = catalog.kind[i] === GAUGE ? this.#base[i]! : 0
    }
  }

  /** Moves instrument `i` to `tsMs` (no-op for a time not after the last one). */
  advance(i: number, tsMs: number): void {
    const last = this.lastMs[i]!
    const dtS = Number.isNaN(last) ? 1 : (tsMs - last) / 1000
    if (dtS <= 0) return
    this.lastMs[i] = tsMs
    const kind = this.catalog.kind[i]!
    if (kind === GAUGE) this.#gauge(i, tsMs, dtS)
    else if (kind === COUNTER) this.#counter(i, tsMs, dtS)
    else this.#histogram(i, tsMs, dtS)
  }

  #wave(i: number, tsMs: number): number {
    const p = this.#phase[i]!
    return (
      1 +
      0.25 * Math.sin((2 * Math.PI * tsMs) / DAY_MS + p) +
      0.08 * Math.sin((2 * Math.PI * tsMs) / WAVE_MS + p)
    )
  }

  #gauge(i: number, tsMs: number, dtS: number): void {
    const rng = this.#rng
    const walk = Math.max(
      -0.3,
      Math.min(0.3, this.#walk[i]! + 0.02 * rng.normal() * Math.sqrt(Math.min(dtS, 60))),
    )
    this.#walk[i] = walk
    const f = this.catalog.family[i]!
    const s = this.catalog.service[i]!
    let v = this.#base[i]! * (this.#wave(i, tsMs) + walk)
    if (f === FAMILY_CPU) v = Math.min(1, Math.max(0, v * this.#health.latencyFactor(s, tsMs) ** 0.3))
    else if (f === FAMILY_MEMORY && this.#health.isActive('level-shift', s, tsMs)) v *= LEVEL_SHIFT_FACTOR
    else if (f === FAMILY_QUEUE) {
      v = Math.max(0, Math.round(v + rng.normal()))
      if (this.#isSpikeSeries(i) && this.#health.isActive('spike', s, tsMs)) v *= SPIKE_FACTOR
    }
    this.value[i] = v
  }

  /** The spike hits the service's `queue_depth{queue="jobs"}` only: one series. */
  #isSpikeSeries(i: number): boolean {
    return this.catalog.labels[i]!.some(([k, v]) => k === 'queue' && v === 'jobs')
  }

  #counter(i: number, tsMs: number, dtS: number): void {
    const s = this.catalog.service[i]!
    let rps = this.#rps[i]! * this.#wave(i, tsMs)
    const share = this.#health.errorShare(s, tsMs)
    if (share > STATUS_SHARE[2]! && this.catalog.status[i] === 2) rps *= share / STATUS_SHARE[2]!
    const inc = rps * dtS * (1 + 0.1 * this.#rng.normal())
    if (inc > 0) this.value[i] = this.value[i]! + Math.round(inc)
  }

  #histogram(i: number, tsMs: number, dtS: number): void {
    const rng = this.#rng
    const s = this.catalog.service[i]!
    const n = Math.max(1, Math.round(this.#rps[i]! * this.#wave(i, tsMs) * dtS))
    const draws = Math.min(n, MAX_OBSERVATIONS)
    const weight = n / draws
    const median = 0.03 * this.#health.latencyFactor(s, tsMs)
    const at = i * BUCKETS
    for (let d = 0; d < draws; d++) {
      const x = rng.logNormal(median, 0.7)
      const w = d === draws - 1 ? n - Math.floor(weight) * (draws - 1) : Math.floor(weight)
      let b = 0
      while (b < DURATION_BOUNDS.length && x > DURATION_BOUNDS[b]!) b++
      this.buckets[at + b] = this.buckets[at + b]! + w
      this.sum[i] = this.sum[i]! + x * w
    }
    this.count[i] = this.count[i]! + n
  }
}

export const HISTOGRAM_BUCKETS = BUCKETS
