import { z } from 'zod'
import { detectorConfig } from '../../detect/index.js'
import type { DetectorConfigOverrides } from '../../detect/index.js'
import { durationMs } from './duration.js'

/**
 * The `engine:` and `jobs:` sections of the pipeline config (docs/engine.md). Durations accept
 * `10s`-style strings. Validated with the rest of the config; `vigil config validate` reports every
 * problem with its path.
 */
export const engineConfigSchema = z
  .object({
    checkpointInterval: durationMs(10).describe(
      'How often each task commits (outputs + state + offsets); ≤ 1s keeps results fresh.',
    ),
    resultCommitDelay: durationMs(0).describe(
      'Once a task emitted results, it commits this soon instead of waiting for the checkpoint interval (0: only at the interval).',
    ),
    maxOutOfOrderness: durationMs(0).describe(
      'How far behind the newest event time a record may arrive and still be on time.',
    ),
    idleTimeout: durationMs(100).describe('A partition quiet this long stops holding the watermark back.'),
    allowedLateness: durationMs(0).describe(
      'After a window fired, records this late still update it (an upsert with a new revision).',
    ),
    tasks: z
      .number()
      .int()
      .min(1)
      .max(256)
      .describe('Tasks per job (each owns a share of the input partitions).'),
  })
  .strict()

export type EngineConfig = z.infer<typeof engineConfigSchema>

const windowList = z.array(durationMs(1_000)).min(1)

/** Detector settings over the defaults, checked by the detectors' own validation. */
const detectorOverrides = z
  .record(z.string(), z.unknown())
  .superRefine((value, ctx) => {
    try {
      detectorConfig(value as DetectorConfigOverrides)
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message })
    }
  })
  .transform((value) => value as DetectorConfigOverrides)

export const jobsConfigSchema = z
  .object({
    rollups: z
      .object({
        enabled: z.boolean(),
        windows: windowList.describe('Tumbling window sizes per series, e.g. [10s, 1m].'),
      })
      .strict(),
    red: z
      .object({
        enabled: z.boolean(),
        windows: windowList.describe('Windows of RED metrics per service and operation, from spans.'),
      })
      .strict(),
    logCounts: z
      .object({
        enabled: z.boolean(),
        windows: windowList.describe('Windows of log counts per service and severity.'),
      })
      .strict(),
    detect: z
      .object({
        enabled: z.boolean(),
        minScore: z
          .number()
          .min(0)
          .max(1)
          .describe(
            'Scored points below this score (and not alerting) are not written to the anomalies topic.',
          ),
        maxSeriesPerTask: z
          .number()
          .int()
          .positive()
          .describe('Detected series per engine task and job; new series past it are refused and counted.'),
        idleTimeout: durationMs(60_000).describe(
          'A detected series not seen for this long (event time) is forgotten.',
        ),
        detector: detectorOverrides.describe(
          'Overrides of the default detector configuration (docs/detection.md).',
        ),
        shadow: detectorOverrides
          .nullable()
          .describe(
            'A candidate detector (overrides of the defaults) run beside the live one: scored and stored as `<feature>@shadow`, never alerted on.',
          ),
      })
      .strict(),
  })
  .strict()

export type JobsConfig = z.infer<typeof jobsConfigSchema>

export function createDefaultEngineConfig(): EngineConfig {
  return {
    checkpointInterval: 1_000,
    resultCommitDelay: 100,
    maxOutOfOrderness: 5_000,
    idleTimeout: 5_000,
    allowedLateness: 60_000,
    tasks: 2,
  }
}

export function createDefaultJobsConfig(): JobsConfig {
  return {
    rollups: { enabled: true, windows: [10_000, 60_000] },
    red: { enabled: true, windows: [10_000, 60_000] },
    logCounts: { enabled: true, windows: [60_000] },
    detect: {
      enabled: true,
      minScore: 0.5,
      maxSeriesPerTask: 100_000,
      idleTimeout: 3_600_000,
      detector: {},
      shadow: null,
    },
  }
}
