/**
 * What the engine suite measures and how much of it: volumes for the full run and for `--quick`
 * (tiny volumes, every code path, numbers meaningless).
 */
export interface EngineBenchPlan {
  readonly quick: boolean
  readonly runs: number
  /** Throughput cases: series count and 10 s steps pre-filled (one sample per series per step). */
  readonly throughput: readonly ThroughputCaseSpec[]
  /** Partitions of `vigil.ingest.metrics` (as the ingest default) and engine tasks (2 cores). */
  readonly partitions: number
  readonly tasks: number
  /** Samples per pre-filled MetricBatch record. */
  readonly batchSamples: number
  readonly checkpointIntervalMs: number
  /** Series counts of the direct RollupOperator snapshot measurement. */
  readonly snapshotSeries: readonly number[]
  /** 10 s steps fed to the operator before snapshotting (the engine's steady state: 1 m windows fill up). */
  readonly snapshotSteps: number
  readonly latency: LatencyPlan
}

export interface ThroughputCaseSpec {
  readonly series: number
  readonly steps: number
  /** Time cap of one run: past it the rate is taken from what was read so far. */
  readonly maxSeconds: number
}

export interface LatencyPlan {
  /** Fractions of the 10k-series rollup throughput offered as load (0.5, 0.8). */
  readonly loadFractions: readonly number[]
  /** When the throughput case did not run (`--only`) or in quick mode: the reference rate. */
  readonly fallbackMaxSamplesPerSecond: number
  readonly series: number
  readonly warmupSeconds: number
  readonly seconds: number
  /** Request spacing (event time advances by the same step per request, so event time ≈ wall time). */
  readonly requestStepMs: number
  /** Tumbling windows of the latency server's rollup job; results are matched on the smallest. */
  readonly windowsMs: readonly number[]
  /** Checkpoint intervals tried: the default (1 s) and a shorter one. */
  readonly checkpointIntervalsMs: readonly number[]
  readonly idleTimeoutMs: number
  readonly connections: number
}

export const STEP_MS = 10_000
export const GOAL_SAMPLES_PER_SECOND = 1e6
export const GOAL_P99_MS = 1_000

export function engineBenchPlan(quick: boolean, runs: number | undefined): EngineBenchPlan {
  if (quick)
    return {
      quick,
      runs: runs ?? 1,
      throughput: [
        { series: 1_000, steps: 20, maxSeconds: 30 },
        { series: 5_000, steps: 3, maxSeconds: 30 },
      ],
      partitions: 4,
      tasks: 2,
      batchSamples: 2_000,
      checkpointIntervalMs: 1_000,
      snapshotSeries: [1_000, 5_000],
      snapshotSteps: 3,
      latency: {
        loadFractions: [0.5, 0.8],
        fallbackMaxSamplesPerSecond: 40_000,
        series: 1_000,
        warmupSeconds: 0.5,
        seconds: 2,
        requestStepMs: 10,
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
      { series: 10_000, steps: 200, maxSeconds: 90 },
      { series: 1_000_000, steps: 3, maxSeconds: 60 },
    ],
    partitions: 4,
    tasks: 2,
    batchSamples: 10_000,
    checkpointIntervalMs: 1_000,
    snapshotSeries: [10_000, 1_000_000],
    snapshotSteps: 3,
    latency: {
      loadFractions: [0.5, 0.8],
      fallbackMaxSamplesPerSecond: 50_000,
      series: 10_000,
      warmupSeconds: 2,
      seconds: 15,
      requestStepMs: 2,
      windowsMs: [1_000, 10_000],
      checkpointIntervalsMs: [1_000, 200],
      idleTimeoutMs: 200,
      connections: 16,
    },
  }
}

export const seriesLabel = (n: number): string =>
  n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}M` : n % 1000 === 0 ? `${n / 1000}k` : String(n)
