import { z } from 'zod'
import { durationMs } from '../engine/config/index.js'

/**
 * The `query:` section (docs/query.md): the limits every query endpoint applies, so one query can
 * neither hold the process nor exhaust its memory. Hitting one is an error that says which.
 */
export const queryConfigSchema = z
  .object({
    timeout: durationMs(1).describe(
      'Longest a query may run (a `timeout` parameter may shorten it); then 503 "timeout".',
    ),
    maxSamples: z
      .number()
      .int()
      .positive()
      .describe(
        'Samples one PromQL query holds at once (all selectors; per hour of a range query); above: 422.',
      ),
    maxSeries: z.number().int().positive().describe('Series one PromQL query may select; above: 422.'),
    maxPoints: z
      .number()
      .int()
      .positive()
      .describe('Points in one PromQL answer (series × steps); above: 422. Also 11,000 steps per series.'),
  })
  .strict()

export type QueryConfig = z.infer<typeof queryConfigSchema>

export function createDefaultQueryConfig(): QueryConfig {
  return { timeout: 60_000, maxSamples: 20_000_000, maxSeries: 100_000, maxPoints: 5_000_000 }
}
