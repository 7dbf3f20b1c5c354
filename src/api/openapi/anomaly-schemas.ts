import type { JsonSchema } from './openapi-types.js'

/**
 * The schemas of `GET /api/v1/anomalies` (src/query/anomalies/anomaly-entry.ts), listed in
 * `components.ts`. References are written out: this file is imported by components.ts, so it does
 * not import its helpers.
 */

/** A float in the answer: a JSON number when finite, else Prometheus' spelling of it. */
const float = (description: string): JsonSchema => ({
  description: `${description} NaN and ±Infinity, which JSON cannot hold, are the strings "NaN", "+Inf", "-Inf".`,
  anyOf: [{ type: 'number' }, { type: 'string', enum: ['NaN', '+Inf', '-Inf'] }],
})

const instant = (description: string): JsonSchema => ({ type: 'string', format: 'date-time', description })

const anomalyEntry: JsonSchema = {
  type: 'object',
  description:
    'One scored point of a detected series: a window of an engine job, its value, score and evidence.',
  required: [
    'source',
    'key',
    'labels',
    'feature',
    'windowMs',
    'time',
    'timeMs',
    'value',
    'score',
    'alert',
    'evidence',
    'detectedAt',
    'detectedAtMs',
  ],
  properties: {
    source: {
      type: 'string',
      description: 'The engine job whose results were scored: `rollups`, `red` or `log-counts`.',
      examples: ['rollups'],
    },
    key: {
      type: 'string',
      description:
        "The job's result key as stored: rollups, the series' label names and values alternating, " +
        'joined with U+0000; red, `service` U+0000 `operation`; log-counts, `service` U+0000 `severity`.',
    },
    labels: {
      type: 'object',
      description:
        "The key's labels: a rollups series' labels; `service` and `operation` (red) or `severity` " +
        '(log-counts); none for other sources. Labels with an empty value are left out.',
      additionalProperties: { type: 'string' },
      examples: [{ __name__: 'cpu_usage', host: 'web-1' }],
    },
    feature: {
      type: 'string',
      description:
        'Which value of the window was scored: `mean` or `increase` (counters) of a series, `rate`, ' +
        '`error_ratio`, `p99_ms` of an operation, `count` of a log stream.',
    },
    windowMs: { type: 'integer', minimum: 0, description: 'The window size.' },
    time: instant("The scored window's end (event time), RFC 3339."),
    timeMs: { type: 'integer', description: 'The same instant in unix milliseconds.' },
    value: float('The scored value.'),
    score: float('The anomaly score, in [0, 1].'),
    alert: { type: 'boolean', description: 'Whether the default alerting policy fired on this point.' },
    evidence: {
      type: 'object',
      description: 'Why the point scored as it did.',
      required: ['novelty', 'levelZ', 'seasonalZ', 'changePoint'],
      properties: {
        novelty: float("Surprise of the value under the series' recent distribution."),
        levelZ: float('Residual from the robust level, in scales.'),
        seasonalZ: float('Residual from the daily profile, in scales.'),
        changePoint: { type: 'boolean', description: 'Whether a level shift was declared at this point.' },
      },
    },
    detectedAt: instant('When the point was scored (processing time), RFC 3339.'),
    detectedAtMs: { type: 'integer', description: 'The same instant in unix milliseconds.' },
  },
}

const anomaliesData: JsonSchema = {
  type: 'object',
  required: ['anomalies', 'nextCursor'],
  properties: {
    anomalies: {
      type: 'array',
      description: 'Newest first (by `time`).',
      items: { $ref: '#/components/schemas/AnomalyEntry' },
    },
    nextCursor: {
      type: ['string', 'null'],
      description: 'Pass as `cursor` (same parameters otherwise) for the next page; null on the last page.',
    },
  },
}

export const anomalySchemas: Readonly<Record<string, JsonSchema>> = {
  AnomalyEntry: anomalyEntry,
  AnomaliesData: anomaliesData,
}
