import { labelsKey } from '../../src/core/batch/index.js'
import { defaultDetectorConfig } from '../../src/detect/index.js'

/** What the detect suite measures and how much of it; `detectBenchPlan` picks the sizes. */
export interface DetectBenchPlan {
  /** Repetitions of each timed measurement (medians are reported). */
  readonly runs: number
  /** Series per bank (the 100k); the 2-core case splits them over `threads` workers. */
  readonly series: number
  readonly threads: number
  /** The detector's range-learning and warm-up lengths (points), from the default config. */
  readonly rangePoints: number
  readonly warmupPoints: number
  /** Rounds (one point per series each) before the steady-state rounds; ≥ `warmupPoints`. */
  readonly prewarmRounds: number
  /** Event time per round during those rounds (6 min: 490 rounds span the 2 days the daily profile needs). */
  readonly prewarmStepMs: number
  /** Event time per round afterwards: one 10 s rollup window. */
  readonly stepMs: number
  /** Timed rounds per run once every series is past warm-up. */
  readonly steadyRounds: number
  /** Warm-up rounds are timed in blocks of at most this many (their values are generated in between). */
  readonly blockRounds: number
  /** `maxSeries` of the banks: the engine's default `jobs.detect.maxSeriesPerTask` (or `series` if larger). */
  readonly maxSeries: number
  /** Share of series that change between the full checkpoint and the delta. */
  readonly changedFraction: number
  /** Timed stage rounds per steady run (the stage warms up once; its steady runs follow one another). */
  readonly stageSteadyRounds: number
  readonly seed: number
}

/** `jobs.detect.maxSeriesPerTask` in src/engine/config/engine-config.ts (the bank never grows past it). */
export const ENGINE_MAX_SERIES_PER_TASK = 100_000

export function detectBenchPlan(quick: boolean, runs: number | undefined): DetectBenchPlan {
  const series = quick ? 1_000 : 100_000
  const { rangePoints, warmupPoints } = defaultDetectorConfig
  return {
    runs: runs ?? (quick ? 1 : 3),
    series,
    threads: 2,
    rangePoints,
    warmupPoints,
    prewarmRounds: 490,
    prewarmStepMs: 360_000,
    stepMs: 10_000,
    steadyRounds: quick ? 5 : 20,
    blockRounds: 25,
    maxSeries: Math.max(series, ENGINE_MAX_SERIES_PER_TASK),
    changedFraction: 0.1,
    stageSteadyRounds: quick ? 5 : 20,
    seed: 0x5eed,
  }
}

export const DAY_MS = 86_400_000
/** Event time of round 0 (rounds are 1-based: round k is the series' k-th point). */
export const START_MS = Date.UTC(2026, 0, 1)

/** The event time of round `k` (1-based): `prewarmStepMs` apart up to `prewarmRounds`, `stepMs` after. */
export function roundTimeMs(plan: DetectBenchPlan, k: number): number {
  const pre = Math.min(k, plan.prewarmRounds)
  return START_MS + pre * plan.prewarmStepMs + Math.max(0, k - plan.prewarmRounds) * plan.stepMs
}

/** A timed stretch of rounds: `[first, first + rounds)`, all in one phase. */
export interface Block {
  readonly phase: Phase
  readonly first: number
  readonly rounds: number
}

export const phases = ['warm-up', 'steady'] as const
export type Phase = (typeof phases)[number]

/**
 * The timed blocks of one run: the whole warm-up (points 1 … warmupPoints, split where range
 * learning ends so the two stretches can be told apart) in blocks of ≤ `blockRounds`, then, after the
 * untimed rounds up to `prewarmRounds`, `steadyRounds` rounds in one block.
 */
export function timedBlocks(plan: DetectBenchPlan): Block[] {
  const blocks: Block[] = []
  const chunk = (from: number, to: number): void => {
    for (let k = from; k <= to; k += plan.blockRounds)
      blocks.push({ phase: 'warm-up', first: k, rounds: Math.min(plan.blockRounds, to - k + 1) })
  }
  chunk(1, plan.rangePoints)
  chunk(plan.rangePoints + 1, plan.warmupPoints)
  blocks.push({ phase: 'steady', first: plan.prewarmRounds + 1, rounds: plan.steadyRounds })
  return blocks
}

/** A small, fast, deterministic PRNG (mulberry32): uniform in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A 32-bit mix of (seed, i): per-series parameters do not depend on which worker builds them. */
function hash(seed: number, i: number): number {
  let h = Math.imul(seed ^ Math.imul(i, 0x9e3779b1), 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

export const seriesKinds = ['gauge', 'seasonal', 'spiky'] as const
export type SeriesKind = (typeof seriesKinds)[number]
/** Out of 10 series: 5 noisy gauges, 3 daily-seasonal, 2 gauges with occasional spikes. */
const KIND_OF_TENTH: readonly SeriesKind[] = [
  'gauge',
  'gauge',
  'gauge',
  'gauge',
  'gauge',
  'seasonal',
  'seasonal',
  'seasonal',
  'spiky',
  'spiky',
]
/** Share of the series that are spiky. */
export const SPIKY_SHARE = KIND_OF_TENTH.filter((k) => k === 'spiky').length / KIND_OF_TENTH.length
/** Probability of a spike per point of a spiky series. */
export const SPIKE_PROBABILITY = 0.002

const GAUGES = ['container_memory_working_set_bytes', 'node_load1', 'go_goroutines', 'queue_depth']
const COUNTERS = ['http_requests_total', 'container_cpu_usage_seconds_total']

/** One series in four is a counter (`…_total`): the stage scores its increase per window. */
export const isCounter = (i: number): boolean => i % 4 === 0

/**
 * Series `i`'s labels, Kubernetes-style (6 labels, sorted by name), and its key as the rollups job
 * keys its results (`labelsKey`: names and values joined with NUL; about 130 characters).
 */
export function seriesKey(seed: number, i: number): string {
  const h = hash(seed, i)
  const app = `svc-${h % 997}`
  return labelsKey([
    '__name__',
    isCounter(i) ? COUNTERS[(i >> 2) % COUNTERS.length]! : GAUGES[i % GAUGES.length]!,
    'container',
    app,
    'instance',
    `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:9100`,
    'job',
    'kubernetes-pods',
    'namespace',
    `team-${h % 37}`,
    'pod',
    `${app}-${(h >>> 8).toString(16).padStart(6, '0')}-${i.toString(36)}`,
  ])
}

/**
 * The values of series `[from, to)`: each series' parameters come from (seed, index), the noise from
 * one PRNG stream per instance, so a round's values are generated in series order, round by round.
 * Counters' raw values are cumulative (their per-window increase follows the series' kind).
 */
export class SeriesValues {
  readonly n: number
  readonly #kind: Uint8Array
  readonly #level: Float64Array
  readonly #noise: Float64Array
  readonly #amplitude: Float64Array
  readonly #phase: Float64Array
  readonly #total: Float64Array
  readonly #rng: () => number
  #spare = Number.NaN

  constructor(
    seed: number,
    readonly from: number,
    to: number,
  ) {
    const n = (this.n = to - from)
    this.#kind = new Uint8Array(n)
    this.#level = new Float64Array(n)
    this.#noise = new Float64Array(n)
    this.#amplitude = new Float64Array(n)
    this.#phase = new Float64Array(n)
    this.#total = new Float64Array(n)
    for (let j = 0; j < n; j++) {
      const i = from + j
      const r = prng(hash(seed, i) ^ 0xa5a5a5a5)
      const kind = KIND_OF_TENTH[hash(seed + 1, i) % 10]!
      this.#kind[j] = seriesKinds.indexOf(kind)
      const level = 10 ** (r() * 4) // 1 … 10,000
      this.#level[j] = level
      const amplitude = kind === 'seasonal' ? level * (0.2 + 0.6 * r()) : 0
      this.#amplitude[j] = amplitude
      this.#noise[j] = kind === 'seasonal' ? amplitude * (0.05 + 0.15 * r()) : level * (0.01 + 0.09 * r())
      this.#phase[j] = r()
    }
    this.#rng = prng(hash(seed + 2, from))
  }

  #gauss(): number {
    if (!Number.isNaN(this.#spare)) {
      const s = this.#spare
      this.#spare = Number.NaN
      return s
    }
    const u = 1 - this.#rng()
    const v = this.#rng()
    const m = Math.sqrt(-2 * Math.log(u))
    this.#spare = m * Math.sin(2 * Math.PI * v)
    return m * Math.cos(2 * Math.PI * v)
  }

  /** The point of every series at `timeMs` into `out[at …]` (gauge value, or a counter's increase). */
  fill(timeMs: number, out: Float64Array, at: number): void {
    const dayPhase = (timeMs % DAY_MS) / DAY_MS
    for (let j = 0; j < this.n; j++) {
      const level = this.#level[j]!
      const noise = this.#noise[j]! * this.#gauss()
      let v: number
      switch (this.#kind[j]) {
        case 1: // seasonal
          v = level + this.#amplitude[j]! * Math.sin(2 * Math.PI * (dayPhase + this.#phase[j]!)) + noise
          break
        case 2: // spiky
          v = level + noise + (this.#rng() < SPIKE_PROBABILITY ? this.#noise[j]! * (8 + 22 * this.#rng()) : 0)
          break
        default:
          v = level + noise
      }
      out[at + j] = v > 0 ? v : 0
    }
  }

  /** `fill`, then counters' values turned into their running totals (the raw `last` of a window). */
  fillRaw(timeMs: number, out: Float64Array, at: number): void {
    this.fill(timeMs, out, at)
    for (let j = 0; j < this.n; j++) {
      if (!isCounter(this.from + j)) continue
      this.#total[j] = this.#total[j]! + out[at + j]!
      out[at + j] = this.#total[j]!
    }
  }
}
