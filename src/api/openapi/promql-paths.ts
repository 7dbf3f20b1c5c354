import {
  jsonContent,
  parameterRef,
  promSuccess,
  querySecurity,
  responseRef,
  schemaRef,
} from './components.js'
import type { JsonSchema, Operation, Parameter, PathItem, Reference, RequestBody } from './openapi-types.js'

/**
 * Prometheus' query API (`src/query/http/promql-routes.ts`, `src/query/promql/api/`): parameters,
 * answers and errors as Prometheus 2.42 has them, over the caller's tenant only.
 */

interface Field {
  readonly name: string
  readonly description: string
  readonly schema: JsonSchema
  readonly required?: boolean
}

const promTime: JsonSchema = {
  type: 'string',
  description: 'Unix seconds (a float; the fraction rounded to the millisecond) or RFC 3339.',
  examples: ['1700000000', '1700000000.5', '2023-11-14T22:13:20Z'],
}

const promDuration: JsonSchema = {
  type: 'string',
  description: 'Float seconds or a Prometheus duration.',
  examples: ['15', '15s', '1m30s'],
}

const selectors: JsonSchema = {
  type: 'array',
  items: { type: 'string', examples: ['up{job="api"}'] },
}

const field = {
  query: (description: string): Field => ({
    name: 'query',
    description,
    schema: { type: 'string', examples: ['sum by (job) (rate(http_requests_total[5m]))'] },
    required: true,
  }),
  time: {
    name: 'time',
    description: 'Evaluation time; default: now.',
    schema: promTime,
  },
  timeout: {
    name: 'timeout',
    description: 'Deadline of the evaluation; it can only shorten the configured `query.timeout`.',
    schema: promDuration,
  },
  rangeStart: {
    name: 'start',
    description: 'Start of the range, inclusive.',
    schema: promTime,
    required: true,
  },
  rangeEnd: {
    name: 'end',
    description: 'End of the range, inclusive; not before `start`.',
    schema: promTime,
    required: true,
  },
  step: {
    name: 'step',
    description: 'Resolution step, positive; at most 11,000 points per series.',
    schema: promDuration,
    required: true,
  },
  start: {
    name: 'start',
    description: 'Only series with samples at or after this time; default: no bound.',
    schema: promTime,
  },
  end: {
    name: 'end',
    description: 'Only series with samples at or before this time; default: no bound.',
    schema: promTime,
  },
  matchRequired: {
    name: 'match[]',
    description: 'Series selectors (repeat for several, ORed); at least one.',
    schema: { ...selectors, minItems: 1 },
    required: true,
  },
  match: {
    name: 'match[]',
    description: 'Series selectors (repeat for several, ORed); default: every series of the tenant.',
    schema: selectors,
  },
  exemplarStart: {
    name: 'start',
    description: 'Start of the range; default: no bound.',
    schema: promTime,
  },
  exemplarEnd: {
    name: 'end',
    description: 'End of the range, not before `start`; default: no bound.',
    schema: promTime,
  },
  metric: {
    name: 'metric',
    description: 'Only the metadata of this metric name.',
    schema: { type: 'string', examples: ['http_requests_total'] },
  },
  limit: {
    name: 'limit',
    description: 'At most this many metrics (an integer; negative: no limit).',
    schema: { type: 'string', pattern: '^[+-]?[0-9]+$', examples: ['100'] },
  },
  ruleType: {
    name: 'type',
    description: 'Only alerting (`alert`) or recording (`record`) rules, any case; default: both.',
    schema: { type: 'string', examples: ['alert', 'record'] },
  },
} satisfies Record<string, Field | ((description: string) => Field)>

function queryParameter(f: Field): Parameter {
  return {
    name: f.name,
    in: 'query',
    description: f.description,
    schema: f.schema,
    ...(f.required === true ? { required: true } : {}),
    ...(f.schema.type === 'array' ? { style: 'form', explode: true } : {}),
  }
}

/** The same fields as a form body (POST), as Grafana sends them. */
function formBody(fields: readonly Field[]): RequestBody {
  const required = fields.filter((f) => f.required === true).map((f) => f.name)
  const arrays = fields.filter((f) => f.schema.type === 'array').map((f) => f.name)
  return {
    description:
      'The parameters as a form (at most 1 MiB, not compressed). Parameters in the URL are accepted too; ' +
      'they come after the body ones.',
    content: {
      'application/x-www-form-urlencoded': {
        schema: {
          type: 'object',
          properties: Object.fromEntries(
            fields.map((f) => [f.name, { ...f.schema, description: f.description }]),
          ),
          ...(required.length === 0 ? {} : { required }),
        },
        ...(arrays.length === 0
          ? {}
          : { encoding: Object.fromEntries(arrays.map((name) => [name, { style: 'form', explode: true }])) }),
      },
    },
  }
}

const common = {
  tags: ['promql'],
  security: querySecurity,
}

const errorResponses = (method: 'get' | 'post', evaluates: boolean): Record<string, Reference> => ({
  '400': responseRef('BadData'),
  '401': responseRef('Unauthorized'),
  '403': responseRef('Forbidden'),
  ...(method === 'post' ? { '413': responseRef('PayloadTooLarge') } : {}),
  ...(method === 'post' ? { '415': responseRef('UnsupportedMediaType') } : {}),
  ...(evaluates
    ? {
        '422': responseRef('Execution'),
        '503': responseRef('Timeout'),
      }
    : {}),
  '500': responseRef('InternalError'),
})

interface Endpoint {
  readonly operationId: string
  readonly summary: string
  readonly description: string
  readonly fields: readonly Field[]
  readonly data: JsonSchema
  readonly dataDescription: string
  /** Runs a PromQL evaluation (422 `execution`, 503 `timeout`). */
  readonly evaluates: boolean
}

function okResponses(e: Endpoint, method: 'get' | 'post'): Operation['responses'] {
  return {
    '200': { description: e.dataDescription, content: jsonContent(promSuccess(e.data, e.dataDescription)) },
    ...errorResponses(method, e.evaluates),
  }
}

function getOperation(e: Endpoint): Operation {
  return {
    ...common,
    operationId: e.operationId,
    summary: e.summary,
    description: e.description,
    parameters: [...e.fields.map(queryParameter), parameterRef('ScopeOrgId')],
    responses: okResponses(e, 'get'),
  }
}

/** GET only, as Prometheus (and so Grafana) has it for label values, metadata, rules and build info. */
function getOnly(e: Endpoint): PathItem {
  return { get: getOperation(e) }
}

/** GET with query parameters and POST with a form body, as Prometheus offers both. */
function getAndPost(e: Endpoint): PathItem {
  const ok = (method: 'get' | 'post'): Operation['responses'] => okResponses(e, method)
  return {
    get: getOperation(e),
    post: {
      ...common,
      operationId: `${e.operationId}Post`,
      summary: `${e.summary} (form body)`,
      description: e.description,
      parameters: [parameterRef('ScopeOrgId')],
      requestBody: formBody(e.fields),
      responses: ok('post'),
    },
  }
}

const labelNames: JsonSchema = { type: 'array', items: { type: 'string' } }

const exemplarsData: JsonSchema = {
  type: ['array', 'null'],
  description:
    'Exemplars by series, in the shape of Prometheus: always empty, as Vigil stores no exemplars; null when ' +
    'the query selects no series (`1+1`), as Prometheus answers.',
  items: {
    type: 'object',
    required: ['seriesLabels', 'exemplars'],
    properties: {
      seriesLabels: schemaRef('Labels'),
      exemplars: {
        type: 'array',
        items: {
          type: 'object',
          required: ['labels', 'value', 'timestamp'],
          properties: {
            labels: schemaRef('Labels'),
            value: { type: 'string' },
            timestamp: { type: 'number' },
          },
        },
      },
    },
  },
  maxItems: 0,
}

const metadataData: JsonSchema = {
  type: 'object',
  description:
    'Metadata by metric name, in the shape of Prometheus: always `{}`, as Vigil keeps no TYPE, HELP or UNIT.',
  additionalProperties: {
    type: 'array',
    items: {
      type: 'object',
      required: ['type', 'help', 'unit'],
      properties: { type: { type: 'string' }, help: { type: 'string' }, unit: { type: 'string' } },
    },
  },
  maxProperties: 0,
}

const stringMap: JsonSchema = { type: 'object', additionalProperties: { type: 'string' } }
const rfc3339: JsonSchema = { type: 'string', format: 'date-time' }

const rulesData: JsonSchema = {
  type: 'object',
  required: ['groups'],
  properties: {
    groups: {
      type: 'array',
      description:
        "The tenant's alerting rules (its rule files' groups, then the group `anomaly` of the anomaly rules) " +
        'with their pending and firing alerts, in the shape of Prometheus 2.42. Recording rules are not ' +
        'evaluated, so never listed; a group left without rules by `type` is left out.',
      items: {
        type: 'object',
        required: ['name', 'file', 'rules', 'interval', 'limit', 'evaluationTime', 'lastEvaluation'],
        properties: {
          name: { type: 'string' },
          file: {
            type: 'string',
            description: 'The rule file; `vigil:alerting.anomalyRules` for the anomaly rules.',
          },
          interval: { type: 'number', description: 'Seconds.' },
          limit: { type: 'integer' },
          evaluationTime: { type: 'number' },
          lastEvaluation: rfc3339,
          rules: {
            type: 'array',
            items: {
              type: 'object',
              required: [
                'type',
                'state',
                'name',
                'query',
                'duration',
                'keepFiringFor',
                'labels',
                'annotations',
                'alerts',
                'health',
                'evaluationTime',
                'lastEvaluation',
              ],
              properties: {
                type: { const: 'alerting' },
                state: { type: 'string', enum: ['pending', 'firing', 'inactive'] },
                name: { type: 'string' },
                query: {
                  type: 'string',
                  description:
                    'The PromQL expression; for an anomaly rule its series selector (and minimum score).',
                },
                duration: { type: 'number', description: '`for`, in seconds.' },
                keepFiringFor: { type: 'number', description: 'Seconds.' },
                labels: stringMap,
                annotations: stringMap,
                alerts: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['labels', 'annotations', 'state', 'activeAt', 'value'],
                    properties: {
                      labels: stringMap,
                      annotations: stringMap,
                      state: { type: 'string', enum: ['pending', 'firing'] },
                      activeAt: rfc3339,
                      keepFiringSince: rfc3339,
                      value: { type: 'string', description: "Go's `%e` of the value: `9.9e-01`, `NaN`." },
                    },
                  },
                },
                health: {
                  type: 'string',
                  enum: ['ok', 'err', 'unknown'],
                  description: '`unknown`: Vigil does not report per-rule evaluation results here.',
                },
                lastError: { type: 'string' },
                evaluationTime: { type: 'number' },
                lastEvaluation: rfc3339,
              },
            },
          },
        },
      },
    },
  },
}

const str = (description: string): JsonSchema => ({ type: 'string', description })

const buildInfoData: JsonSchema = {
  type: 'object',
  required: ['version', 'revision', 'branch', 'buildUser', 'buildDate', 'goVersion'],
  properties: {
    version: {
      type: 'string',
      const: '2.42.0',
      description:
        "The Prometheus version whose API and PromQL semantics Vigil reproduces (not Vigil's own): clients " +
        'such as Grafana read it to decide which Prometheus features they may use.',
    },
    revision: {
      type: 'string',
      pattern: '^vigil-',
      description: "`vigil-` and Vigil's version.",
      examples: ['vigil-0.1.0'],
    },
    branch: { type: 'string', const: 'vigil' },
    buildUser: str('Empty.'),
    buildDate: str('Empty.'),
    goVersion: str('Empty: Vigil is not built with Go.'),
  },
  examples: [
    {
      version: '2.42.0',
      revision: 'vigil-0.1.0',
      branch: 'vigil',
      buildUser: '',
      buildDate: '',
      goVersion: '',
    },
  ],
}

export const promqlPaths: Readonly<Record<string, PathItem>> = {
  '/api/v1/query': getAndPost({
    operationId: 'queryInstant',
    summary: 'Evaluate a PromQL expression at one instant',
    description: 'An instant query over the raw samples in the store, with a lookback of 5 minutes.',
    fields: [field.query('The PromQL expression.'), field.time, field.timeout],
    data: schemaRef('PromQueryData'),
    dataDescription: 'The result: a vector, matrix, scalar or string.',
    evaluates: true,
  }),
  '/api/v1/query_range': getAndPost({
    operationId: 'queryRange',
    summary: 'Evaluate a PromQL expression over a range of time',
    description: 'A range query: the expression must be an instant vector or a scalar.',
    fields: [
      field.query('The PromQL expression (an instant vector or a scalar).'),
      field.rangeStart,
      field.rangeEnd,
      field.step,
      field.timeout,
    ],
    data: schemaRef('PromQueryData'),
    dataDescription: 'The result, a matrix.',
    evaluates: true,
  }),
  '/api/v1/series': getAndPost({
    operationId: 'findSeries',
    summary: 'Series matching selectors',
    description: 'The label sets of the committed series matching any selector, sorted.',
    fields: [field.matchRequired, field.start, field.end],
    data: { type: 'array', items: schemaRef('Labels') },
    dataDescription: 'The label sets of the matching series.',
    evaluates: false,
  }),
  '/api/v1/labels': getAndPost({
    operationId: 'listLabelNames',
    summary: 'Label names',
    description: 'The label names of the matching (default: all) series, sorted.',
    fields: [field.match, field.start, field.end],
    data: labelNames,
    dataDescription: 'Label names, sorted.',
    evaluates: false,
  }),
  '/api/v1/query_exemplars': getAndPost({
    operationId: 'queryExemplars',
    summary: 'Exemplars of the series a query selects',
    description:
      'Checks the parameters as Prometheus does (`query` must parse, `end` not before `start`) and answers ' +
      'no exemplars: Vigil stores none. Grafana calls it to decide whether to offer exemplars.',
    fields: [
      field.query('A PromQL expression; its series selectors choose the series.'),
      field.exemplarStart,
      field.exemplarEnd,
    ],
    data: exemplarsData,
    dataDescription: 'No exemplars (`[]`), or null for a query without a series selector.',
    evaluates: false,
  }),
  '/api/v1/metadata': getOnly({
    operationId: 'getMetricMetadata',
    summary: 'Metric metadata (TYPE, HELP, UNIT)',
    description: 'Always `{}`: Vigil keeps no metric metadata. `limit` must be an integer, as in Prometheus.',
    fields: [field.metric, field.limit],
    data: metadataData,
    dataDescription: 'No metadata.',
    evaluates: false,
  }),
  '/api/v1/rules': getOnly({
    operationId: 'listRules',
    summary: 'Recording and alerting rules',
    description:
      "The tenant's alerting rules and their alerts, when alerting runs (otherwise no groups). Grafana reads " +
      'it when a data source loads and for its alert list; `type` must be `alert`, `record` or empty, as in ' +
      'Prometheus.',
    fields: [field.ruleType],
    data: rulesData,
    dataDescription: 'The rule groups.',
    evaluates: false,
  }),
  '/api/v1/status/buildinfo': getOnly({
    operationId: 'getBuildInfo',
    summary: 'Build information, Prometheus-compatible',
    description:
      "Prometheus' build information. `version` is the Prometheus version Vigil's API is compatible with, " +
      "so that Grafana's version detection picks the right features; `revision` carries Vigil's version. " +
      'There is no `features` field (Grafana would take the server for Mimir).',
    fields: [],
    data: buildInfoData,
    dataDescription: 'The build information.',
    evaluates: false,
  }),
  '/api/v1/label/{name}/values': {
    get: {
      ...common,
      operationId: 'listLabelValues',
      summary: 'Values of a label',
      description: 'The values of one label over the matching (default: all) series, sorted.',
      parameters: [
        {
          name: 'name',
          in: 'path',
          required: true,
          description: 'The label name (`__name__` for metric names).',
          schema: { type: 'string', pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$' },
        },
        ...[field.match, field.start, field.end].map(queryParameter),
        parameterRef('ScopeOrgId'),
      ],
      responses: {
        '200': {
          description: 'Label values, sorted.',
          content: jsonContent(promSuccess(labelNames, 'Label values, sorted.')),
        },
        ...errorResponses('get', false),
      },
    },
  },
}
