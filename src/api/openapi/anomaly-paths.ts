import { parameterRef, querySecurity, schemaRef } from './components.js'
import type { Operation, PathItem } from './openapi-types.js'
import { limit, param, queryResponses, range, repeated } from './query-parameters.js'

/** `GET /api/v1/anomalies` (`src/query/http/anomaly-routes.ts`, `src/query/anomalies/`). */
const anomalies: Operation = {
  operationId: 'queryAnomalies',
  summary: 'List anomalies',
  description:
    "One page of the tenant's scored points (the detectors' output on the engine's results) matching " +
    "every condition (a list's values are ORed), newest first; continue with `cursor`.",
  tags: ['anomalies'],
  security: querySecurity,
  parameters: [
    ...range.map((p) => ({ ...p, description: `${p.description} Bounds the scored windows' end times.` })),
    param(
      'min_score',
      'Only points scored at least this (a NaN score never qualifies); default: no minimum.',
      { type: 'number', minimum: 0, maximum: 1, examples: [0.9] },
    ),
    param('alert', 'Only points on which the alerting policy fired (`true`) or did not (`false`).', {
      type: 'string',
      enum: ['true', 'false'],
    }),
    param('source', 'The scored job (repeat for several).', repeated(['rollups', 'red', 'log-counts'])),
    param('feature', 'The scored feature (repeat for several).', repeated(['mean', 'error_ratio'])),
    param('key', 'One result key, exactly as stored (U+0000 as `%00`).', { type: 'string', minLength: 1 }),
    param(
      'match',
      "PromQL series selectors on the key's labels (repeat for several; any may match): " +
        '`cpu{host=~"web-.*"}`, `{service="checkout"}`. Regexes are RE2, anchored; at least one matcher ' +
        'must not match the empty string. An absent label reads as empty.',
      repeated(['cpu_usage{host=~"web-.*"}', '{service="checkout",operation="POST /pay"}']),
    ),
    limit(100, 10_000),
    param('cursor', '`nextCursor` of the previous page, to continue the same query.', {
      type: 'string',
      pattern: '^[A-Za-z0-9_-]+$',
    }),
    parameterRef('ScopeOrgId'),
  ],
  responses: queryResponses(schemaRef('AnomaliesData'), 'A page of anomalies.'),
}

export const anomalyPaths: Readonly<Record<string, PathItem>> = {
  '/api/v1/anomalies': { get: anomalies },
}
