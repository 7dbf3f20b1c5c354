import { decodeLogBatch, decodeSpanBatch } from '../../../core/batch/index.js'
import type { LogBatch, ResultRow, SpanBatch } from '../../../core/batch/index.js'
import type { EngineConfig, JobsConfig } from '../../config/index.js'
import type { TaskJob } from '../../runtime/task-job.js'
import { LogCountsOperator, maxLogTimeMs } from '../log-counts/index.js'
import { RedOperator, maxSpanEndMs } from '../red/index.js'
import { DetectStage, detectorConfig } from '../../../detect/index.js'
import type { DetectStageSettings, DetectorConfig } from '../../../detect/index.js'
import { resultJob } from './result-job.js'
import type { SnapshottingOperator } from './result-job.js'
import { ROLLUP_MAX_OPEN_WINDOWS, RollupResults, decodeMetrics, maxSampleTimeMs } from './rollups.js'

export const builtInJobNames = ['rollups', 'red', 'log-counts'] as const
export type BuiltInJobName = (typeof builtInJobNames)[number]

/** The ingest topics the built-in jobs read (named by the pipeline, which owns the topic layout). */
export interface JobInputTopics {
  readonly metrics: string
  readonly traces: string
  readonly logs: string
}

/** One runnable built-in job: where it reads, and how to build the TaskJob of one of its tasks. */
export interface BuiltInJob {
  readonly name: BuiltInJobName
  readonly inputTopic: string
  /**
   * One task of the job. With `anomalyTopic` (and `jobs.detect` on), the detectors are chained
   * behind the job's operator and write that topic (replays leave it out: no live anomalies).
   */
  createTask(task: number, outputTopic: string, anomalyTopic?: string): TaskJob<unknown, ResultRow[]>
}

/** Where the detectors' anomalies go (one partition per engine task). */
export const ANOMALY_TOPIC = 'vigil.anomalies'

/** The live result topic of a job; a replay writes `<topic>.v<N>` (docs/engine.md#replay). */
export function resultTopic(job: string, version?: number): string {
  return version === undefined ? `vigil.results.${job}` : `vigil.results.${job}.v${version}`
}

/** Where records later than the allowed lateness go, with their reason (one partition per task). */
export function lateTopic(job: string): string {
  return `vigil.late.${job}`
}

/** The built-in jobs the config enables, in a fixed order. */
export function builtInJobs(jobs: JobsConfig, engine: EngineConfig, topics: JobInputTopics): BuiltInJob[] {
  const lateness = engine.allowedLateness
  const out: BuiltInJob[] = []
  const define = <In>(
    name: BuiltInJobName,
    inputTopic: string,
    decode: (value: Uint8Array) => In | undefined,
    maxEventTimeMs: (batch: In) => number,
    operator: () => SnapshottingOperator<In>,
    windows: readonly number[],
  ): BuiltInJob =>
    defineJob(name, inputTopic, decode, maxEventTimeMs, operator, detectSettings(jobs, windows))
  if (jobs.rollups.enabled) {
    out.push(
      define(
        'rollups',
        topics.metrics,
        decodeMetrics,
        maxSampleTimeMs,
        () => {
          return new RollupResults({
            windowsMs: jobs.rollups.windows,
            allowedLatenessMs: lateness,
            maxOpenWindows: ROLLUP_MAX_OPEN_WINDOWS,
          })
        },
        jobs.rollups.windows,
      ),
    )
  }
  if (jobs.red.enabled) {
    const decode = (v: Uint8Array): SpanBatch | undefined => okBatch(decodeSpanBatch(v))
    out.push(
      define(
        'red',
        topics.traces,
        decode,
        maxSpanEndMs,
        () => {
          return new RedOperator({ windowsMs: jobs.red.windows, allowedLatenessMs: lateness })
        },
        jobs.red.windows,
      ),
    )
  }
  if (jobs.logCounts.enabled) {
    const decode = (v: Uint8Array): LogBatch | undefined => okBatch(decodeLogBatch(v))
    out.push(
      define(
        'log-counts',
        topics.logs,
        decode,
        maxLogTimeMs,
        () => {
          return new LogCountsOperator({ windowsMs: jobs.logCounts.windows, allowedLatenessMs: lateness })
        },
        jobs.logCounts.windows,
      ),
    )
  }
  return out
}

/** The detect stage's settings for a job: it scores the job's smallest window. */
function detectSettings(jobs: JobsConfig, windows: readonly number[]): DetectStageSettings[] | undefined {
  if (!jobs.detect.enabled) return undefined
  const live = detectStageSettings(jobs, windows, detectorConfig(jobs.detect.detector))
  const shadow = jobs.detect.shadow
  return shadow === null
    ? [live]
    : [live, { ...detectStageSettings(jobs, windows, detectorConfig(shadow)), shadow: true }]
}

function detectStageSettings(
  jobs: JobsConfig,
  windows: readonly number[],
  detector: DetectorConfig,
): DetectStageSettings {
  return {
    detector,
    windowMs: Math.min(...windows),
    minScore: jobs.detect.minScore,
    maxSeries: jobs.detect.maxSeriesPerTask,
    idleTtlMs: jobs.detect.idleTimeout,
  }
}

function defineJob<In>(
  name: BuiltInJobName,
  inputTopic: string,
  decode: (value: Uint8Array) => In | undefined,
  maxEventTimeMs: (batch: In) => number,
  operator: () => SnapshottingOperator<In>,
  detect: readonly DetectStageSettings[] | undefined,
): BuiltInJob {
  return {
    name,
    inputTopic,
    createTask: (task, outputTopic, anomalyTopic) =>
      resultJob({
        name,
        decode,
        maxEventTimeMs,
        operator: operator(),
        outputTopic,
        task,
        ...(detect !== undefined && anomalyTopic !== undefined
          ? { detect: { stages: detect.map((d) => new DetectStage(name, d)), topic: anomalyTopic } }
          : {}),
      }) as TaskJob<unknown, ResultRow[]>,
  }
}

function okBatch<B>(d: { ok: true; batch: B } | { ok: false }): B | undefined {
  return d.ok ? d.batch : undefined
}
