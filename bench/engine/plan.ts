/**
 * What the engine suite measures and how much of it: volumes for the full run and for `--quick`
 * (tiny volumes, every code path, numbers meaningless).
 */
export interface EngineBenchPlan {
  readonly quick: boolean
  readonly runs: number
  /** Throughput cases: series count, event-time step and steps pre-filled (one sample per series per step). */
  readonly throughput: readonly ThroughputCaseSpec[]
  /** Partitions of `vigil.ingest.metrics` (as the ingest default) and engine tasks (2 cores). */
  readonly partitions: number
  readonly tasks: number
  /** Samples per pre-filled MetricBatch record. */
  readonly batchSamples: number
  readonly checkpointIntervalMs: number
  /** Series counts of the direct RollupOperator snapshot measurement. */
  readonly snapshotSeries: readonly number[]
  /**
   * Steps of `snapshotStepMs` fed to the operator before snapshotting. At 1 s steps, 3 steps are 3 s of
   * event time: one open 10 s and one open 1 m window per series (nothing closed yet), each holding the
   * 3 samples (the operator retains samples, so a fuller 1 m window snapshots larger).
   */
  readonly snapshotSteps: number
  /** Event-time step of the snapshot measurement (one sample per series per step). */
  readonly snapshotStepMs: number
  readonly latency: LatencyPlan
}

export interface ThroughputCaseSpec {
  readonly series: number
  /**
   * Event time between a series' consecutive samples. 1 s: ten samples per series per 10 s window.
   * 10 s: every sample closes a 10 s window (one result row per sample), the emission worst case.
   */
  readonly stepMs: number
  readonly steps: number
  /** Reported apart from the ≥ 1 M samples/s goal: the emission worst case, not the goal's density. */
  readonly emissionWorstCase?: boolean
  /** Time cap of one run: past it the rate is taken from what was read so far. */
  readonly maxSeconds: number
}

export interface LatencyPlan {
  /** Fractions of the reference throughput case's rate offered as load (0.5, 0.8). */
  readonly loadFractions: readonly number[]
  /** The throughput case whose median rate is the load reference (full plan: `throughput/10k/1s`). */
  readonly referenceCase: string
  /** When the throughput case did not run (`--only`) or in quick mode: the reference rate. */
  readonly fallbackMaxSamplesPerSecond: number
  readonly series: number
  readonly warmupSeconds: number
  readonly seconds: number
  /**
   * How the loads' reference, the sustained end-to-end capacity, is found: overload runs offered at
   * the reference rate give an upper bound (the rate at which samples came out as results, at most
   * the acknowledged rate); then probes from that bound down in steps of `probeStep` × it, the
   * first sustained one (capacity.ts) being the capacity.
   */
  readonly capacity: {
    readonly warmupSeconds: number
    readonly seconds: number
    readonly probes: number
    readonly probeStep: number
    readonly probeSeconds: number
  }
  /**
   * Samples per remote_write request (Prometheus' `max_samples_per_send` default is 2000); the load
   * sets the spacing of requests (whole ms), and event time advances by the same step per request,
   * so event time ≈ wall time. A fixed request size keeps the capacity run and the loads comparable.
   */
  readonly samplesPerRequest: number
  /** Tumbling windows of the latency server's rollup job; results are matched on the smallest. */
  readonly windowsMs: readonly number[]
  /** Checkpoint intervals tried: the default (1 s) and a shorter one. */
  readonly checkpointIntervalsMs: readonly number[]
  readonly idleTimeoutMs: number
  readonly connections: number
}

/** The smallest rollup window of the throughput and snapshot cases. */
export const WINDOW_MS = 10_000
export const GOAL_SAMPLES_PER_SECOND = 1e6
export const GOAL_P99_MS = 1_000

export function engineBenchPlan(quick: boolean, runs: number | undefined): EngineBenchPlan {
  if (quick)
    return {
      quick,
      runs: runs ?? 1,
      throughput: [
        { series: 1_000, stepMs: 1_000, steps: 30, maxSeconds: 30 },
        { series: 1_000, stepMs: 10_000, steps: 10, maxSeconds: 30, emissionWorstCase: true },
        { series: 5_000, stepMs: 1_000, steps: 4, maxSeconds: 30 },
      ],
      partitions: 4,
      tasks: 2,
      batchSamples: 2_000,
      checkpointIntervalMs: 1_000,
      snapshotSeries: [1_000, 5_000],
      snapshotSteps: 3,
      snapshotStepMs: 1_000,
      latency: {
        loadFractions: [0.5, 0.8],
        referenceCase: 'throughput/1k/1s',
        fallbackMaxSamplesPerSecond: 40_000,
        series: 1_000,
        warmupSeconds: 0.5,
        seconds: 2,
        capacity: { warmupSeconds: 0.5, seconds: 2, probes: 2, probeStep: 0.5, probeSeconds: 2 },
        samplesPerRequest: 200,
        windowsMs: [1_000, 10_000],
        checkpointIntervalsMs: [1_000, 200],
        idleTimeoutMs: 200,
        connections: 8,
      },
    }
  return {
    quick,
    runs: runs ?? 3,
    throughput: [
      { series: 10_000, stepMs: 1_000, steps: 600, maxSeconds: 60 },
      { series: 10_000, stepMs: 10_000, steps: 100, maxSeconds: 60, emissionWorstCase: true },
      { series: 1_000_000, stepMs: 1_000, steps: 8, maxSeconds: 150 },
    ],
    partitions: 4,
    tasks: 2,
    batchSamples: 10_000,
    checkpointIntervalMs: 1_000,
    snapshotSeries: [10_000, 1_000_000],
    snapshotSteps: 3,
    snapshotStepMs: 1_000,
    latency: {
      loadFractions: [0.5, 0.8],
      referenceCase: 'throughput/10k/1s',
      fallbackMaxSamplesPerSecond: 1_000_000,
      series: 10_000,
      // Past start-up: ingest's series caches and the engine's series tables fill and the JIT warms
      // in the first seconds, when result latency reaches a few seconds (docs/benchmarks.md).
      warmupSeconds: 10,
      seconds: 15,
      capacity: { warmupSeconds: 5, seconds: 10, probes: 8, probeStep: 0.1, probeSeconds: 10 },
      samplesPerRequest: 2_000,
      windowsMs: [1_000, 10_000],
      checkpointIntervalsMs: [1_000, 200],
      idleTimeoutMs: 200,
      connections: 16,
    },
  }
}

export const seriesLabel = (n: number): string =>
  n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}M` : n % 1000 === 0 ? `${n / 1000}k` : String(n)

export const stepLabel = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`)

/** `throughput/<series>/<step>`, e.g. `throughput/10k/1s`. */
export const throughputCaseId = (spec: ThroughputCaseSpec): string =>
  `throughput/${seriesLabel(spec.series)}/${stepLabel(spec.stepMs)}`

/** Samples of one series in one 10 s window at the case's step. */
export const samplesPerWindow = (stepMs: number): number => Math.max(1, WINDOW_MS / stepMs)
