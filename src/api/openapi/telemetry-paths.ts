import { parameterRef, querySecurity, schemaRef } from './components.js'
import type { JsonSchema, Operation, PathItem } from './openapi-types.js'
import { limit, param, queryResponses as responses, range, repeated, time } from './query-parameters.js'

/**
 * The logs and traces endpoints (`src/query/http/telemetry-routes.ts`, `src/query/logs/`,
 * `src/query/traces/`). GET only; a parameter given twice (unless repeatable) or empty is a 400.
 */

const goDuration: JsonSchema = {
  type: 'string',
  description: 'A Go duration.',
  examples: ['250ms', '1.5s', '1h30m'],
}

const logs: Operation = {
  operationId: 'queryLogs',
  summary: 'Search logs',
  description:
    "One page of the tenant's log records matching every condition (a list's values are ORed), newest " +
    'first by default; continue with `cursor`.',
  tags: ['logs'],
  security: querySecurity,
  parameters: [
    ...range,
    param('service', 'Service names (repeat for several).', repeated(['checkout'])),
    param(
      'severity',
      'Minimum severity: an OTLP SeverityNumber 1–24, or a level name in any case (`trace`, `debug`, ' +
        '`info`, `warn`, `error`, `fatal`), which stands for the lowest number of its range (`warn` = 13).',
      { type: 'string', examples: ['warn', '17'] },
    ),
    param(
      'attr',
      'Attribute matchers (repeat for several): `k=v`, `k!=v`, `k=~re`, `k!~re` (RE2, anchored); ' +
        '`resource.k` matches a resource attribute. A missing attribute reads as empty.',
      repeated(['http.method=GET', 'resource.host.name=~web-.*']),
    ),
    param('contains', 'A case-sensitive substring of the body.', { type: 'string', minLength: 1 }),
    param('regex', 'An RE2 regular expression searched for in the body (unanchored).', {
      type: 'string',
      minLength: 1,
    }),
    param('trace_id', 'Only records of this trace.', { type: 'string', pattern: '^[0-9a-fA-F]{32}$' }),
    param('template', 'Only records of this log template id (a 64-bit integer).', {
      type: 'string',
      pattern: '^-?\\d{1,19}$',
    }),
    limit(100, 1000),
    param('cursor', '`nextCursor` of the previous page, to continue the same query.', {
      type: 'string',
      pattern: '^[A-Za-z0-9_-]+$',
    }),
    param('direction', '`backward` (newest first) or `forward` (oldest first); a cursor keeps its own.', {
      type: 'string',
      enum: ['backward', 'forward'],
      default: 'backward',
    }),
    parameterRef('ScopeOrgId'),
  ],
  responses: responses(schemaRef('LogsData'), 'A page of log records.'),
}

const traces: Operation = {
  operationId: 'searchTraces',
  summary: 'Search traces',
  description:
    'The traces with a span meeting every condition, latest start first; each summarized over all its spans.',
  tags: ['traces'],
  security: querySecurity,
  parameters: [
    param(
      'start',
      "Start of the range the matching span's start lies in; default: an hour before `end`.",
      time,
    ),
    param('end', 'End of the range, inclusive; default: now.', time),
    param('service', 'Service of the span (repeat for several).', repeated(['checkout'])),
    param('operation', 'Name of the span (repeat for several).', repeated(['GET /checkout'])),
    param('minDuration', 'Minimum span duration, inclusive.', goDuration),
    param('maxDuration', 'Maximum span duration, inclusive; not below `minDuration`.', goDuration),
    param('status', 'Span status (any case).', { type: 'string', enum: ['ok', 'error', 'unset'] }),
    limit(20, 1000),
    parameterRef('ScopeOrgId'),
  ],
  responses: responses(
    {
      type: 'object',
      required: ['traces'],
      properties: { traces: { type: 'array', items: schemaRef('TraceSummary') } },
    },
    'The matching traces.',
  ),
}

const trace: Operation = {
  operationId: 'getTrace',
  summary: 'Get a trace',
  description: 'A whole trace as trees of spans (at most 10,000 spans, the earliest).',
  tags: ['traces'],
  security: querySecurity,
  parameters: [
    {
      name: 'traceId',
      in: 'path',
      required: true,
      description: 'The trace id: 32 hexadecimal characters, any case.',
      schema: { type: 'string', pattern: '^[0-9a-fA-F]{32}$' },
    },
    parameterRef('ScopeOrgId'),
  ],
  responses: responses(schemaRef('TraceTree'), 'The trace.', '`not_found`: the tenant has no span of it.'),
}

export const telemetryPaths: Readonly<Record<string, PathItem>> = {
  '/api/v1/logs': { get: logs },
  '/api/v1/traces': { get: traces },
  '/api/v1/traces/{traceId}': { get: trace },
}
