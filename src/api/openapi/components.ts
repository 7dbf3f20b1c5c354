import { alertSchemas } from './alert-schemas.js'
import { anomalySchemas } from './anomaly-schemas.js'
import type {
  Components,
  Header,
  JsonSchema,
  MediaType,
  Parameter,
  Reference,
  Response,
  SecurityRequirement,
} from './openapi-types.js'

/** A reference to `#/components/schemas/<name>`. */
export const schemaRef = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` })

/** A reference to `#/components/parameters/<name>`. */
export const parameterRef = (name: string): Reference => ({ $ref: `#/components/parameters/${name}` })

/** A reference to `#/components/responses/<name>`. */
export const responseRef = (name: string): Reference => ({ $ref: `#/components/responses/${name}` })

const JSON_TYPE = 'application/json'

/** A JSON body of `schema`. */
export function jsonContent(schema: JsonSchema, example?: unknown): Readonly<Record<string, MediaType>> {
  return { [JSON_TYPE]: example === undefined ? { schema } : { schema, example } }
}

/** `{"status":"success","data":<data>}`, the success envelope of every query endpoint. */
export function promSuccess(data: JsonSchema, description: string): JsonSchema {
  return {
    type: 'object',
    description,
    required: ['status', 'data'],
    properties: { status: { const: 'success' }, data },
  }
}

/**
 * Query endpoints: an API key (Bearer, or Basic with the key as password) when `auth.mode` is
 * `keys`; nothing in `none` mode (development), hence the empty alternative.
 */
export const querySecurity: readonly SecurityRequirement[] = [{ apiKey: [] }, { basicApiKey: [] }, {}]

/** The operational endpoints (health, metrics, status, this document) need no credentials. */
export const noSecurity: readonly SecurityRequirement[] = []

/** Labels of a series, `{"__name__":"up","job":"api"}`. */
const labels: JsonSchema = {
  type: 'object',
  description: 'Label names and values of a series.',
  additionalProperties: { type: 'string' },
  examples: [{ __name__: 'http_requests_total', job: 'api' }],
}

const samplePair: JsonSchema = {
  type: 'array',
  description:
    'A sample: the time in unix seconds (a number, three decimals at most) and the value as a string ' +
    '(Go formatting; "NaN", "+Inf", "-Inf" included).',
  prefixItems: [{ type: 'number' }, { type: 'string' }],
  items: false,
  minItems: 2,
  maxItems: 2,
  examples: [[1700000000.5, '42']],
}

const promQueryData: JsonSchema = {
  description: 'The result of a PromQL query, by `resultType`, exactly as Prometheus 2.42 writes it.',
  oneOf: [
    {
      type: 'object',
      title: 'vector',
      required: ['resultType', 'result'],
      properties: {
        resultType: { const: 'vector' },
        result: {
          type: 'array',
          items: {
            type: 'object',
            required: ['metric', 'value'],
            properties: { metric: schemaRef('Labels'), value: schemaRef('SamplePair') },
          },
        },
      },
    },
    {
      type: 'object',
      title: 'matrix',
      required: ['resultType', 'result'],
      properties: {
        resultType: { const: 'matrix' },
        result: {
          type: 'array',
          items: {
            type: 'object',
            required: ['metric', 'values'],
            properties: {
              metric: schemaRef('Labels'),
              values: { type: 'array', items: schemaRef('SamplePair') },
            },
          },
        },
      },
    },
    {
      type: 'object',
      title: 'scalar',
      required: ['resultType', 'result'],
      properties: { resultType: { const: 'scalar' }, result: schemaRef('SamplePair') },
    },
    {
      type: 'object',
      title: 'string',
      required: ['resultType', 'result'],
      properties: {
        resultType: { const: 'string' },
        result: {
          type: 'array',
          description: 'The evaluation time in unix seconds and the string.',
          prefixItems: [{ type: 'number' }, { type: 'string' }],
          items: false,
          minItems: 2,
          maxItems: 2,
        },
      },
    },
  ],
}

/** Error types of the query API: Prometheus' own, plus `unauthorized` and `forbidden`. */
const promErrorTypes = [
  'bad_data',
  'unauthorized',
  'forbidden',
  'not_found',
  'timeout',
  'canceled',
  'execution',
  'unavailable',
  'internal',
] as const

const promError: JsonSchema = {
  type: 'object',
  description:
    "An error of the query API, in Prometheus' shape; `error` is the message for the user (Grafana shows it).",
  required: ['status', 'errorType', 'error'],
  properties: {
    status: { const: 'error' },
    errorType: { type: 'string', enum: promErrorTypes },
    error: { type: 'string' },
  },
  examples: [{ status: 'error', errorType: 'bad_data', error: 'invalid parameter "query": unexpected end' }],
}

const apiError: JsonSchema = {
  type: 'object',
  description:
    'An error of the API listener itself (unknown path 404, wrong method 405, a path segment that is ' +
    'not valid URL encoding 400, a failed handler 500) and of the operational endpoints.',
  required: ['error'],
  properties: { error: { type: 'string' } },
  examples: [{ error: 'Internal error; see the server log.' }],
}

const stringMap: JsonSchema = { type: 'object', additionalProperties: { type: 'string' } }
const countMap: JsonSchema = { type: 'object', additionalProperties: { type: 'integer' } }

const logEntry: JsonSchema = {
  type: 'object',
  description: 'One log record.',
  required: [
    'time',
    'timeUnixNano',
    'observedTime',
    'service',
    'severityNumber',
    'severityText',
    'body',
    'attributes',
    'resource',
    'scope',
    'traceId',
    'spanId',
    'templateId',
  ],
  properties: {
    time: {
      type: 'string',
      format: 'date-time',
      description: 'Event time (the observed time when the record had none), RFC 3339 with nanoseconds.',
    },
    timeUnixNano: { type: 'string', pattern: '^\\d+$', description: 'The same instant in unix nanoseconds.' },
    observedTime: { type: 'string', format: 'date-time', description: 'When the record was first seen.' },
    service: { type: 'string' },
    severityNumber: {
      type: 'integer',
      minimum: 0,
      maximum: 24,
      description: 'OTLP SeverityNumber; 0 unset.',
    },
    severityText: { type: 'string' },
    body: { type: 'string' },
    attributes: stringMap,
    resource: stringMap,
    scope: { type: 'string', description: 'Instrumentation scope, `name@version` (empty when absent).' },
    traceId: { type: ['string', 'null'], pattern: '^[0-9a-f]{32}$' },
    spanId: { type: ['string', 'null'], pattern: '^[0-9a-f]{16}$' },
    templateId: {
      type: ['string', 'null'],
      pattern: '^-?\\d+$',
      description: "The log template's id (a 64-bit integer as a string); null until one is assigned.",
    },
  },
}

const logsData: JsonSchema = {
  type: 'object',
  required: ['logs', 'nextCursor'],
  properties: {
    logs: { type: 'array', items: schemaRef('LogEntry') },
    nextCursor: {
      type: ['string', 'null'],
      description: 'Pass as `cursor` (same parameters otherwise) for the next page; null on the last page.',
    },
  },
}

const traceSummary: JsonSchema = {
  type: 'object',
  description: 'A trace found by a search, summarized over all its stored spans.',
  required: [
    'traceId',
    'rootService',
    'rootName',
    'startTime',
    'startTimeUnixNano',
    'durationNs',
    'spanCount',
    'errorCount',
    'services',
  ],
  properties: {
    traceId: { type: 'string', pattern: '^[0-9a-f]{32}$' },
    rootService: { type: 'string' },
    rootName: {
      type: 'string',
      description: 'Name of the root span (the earliest without a parent, else the earliest orphan).',
    },
    startTime: { type: 'string', format: 'date-time' },
    startTimeUnixNano: { type: 'string', pattern: '^\\d+$' },
    durationNs: { type: 'integer', description: 'From the earliest span start to the latest span end.' },
    spanCount: { type: 'integer' },
    errorCount: { type: 'integer', description: 'Spans with status `error`.' },
    services: { type: 'array', items: { type: 'string' }, description: 'Distinct services, sorted.' },
  },
}

const spanEvent: JsonSchema = {
  type: 'object',
  required: ['name', 'time', 'timeUnixNano', 'attributes'],
  properties: {
    name: { type: 'string' },
    time: { type: 'string', format: 'date-time' },
    timeUnixNano: { type: 'string', pattern: '^\\d+$' },
    attributes: stringMap,
  },
}

const spanLink: JsonSchema = {
  type: 'object',
  required: ['traceId', 'spanId', 'traceState', 'attributes'],
  properties: {
    traceId: { type: 'string' },
    spanId: { type: 'string' },
    traceState: { type: 'string' },
    attributes: stringMap,
  },
}

const spanNode: JsonSchema = {
  type: 'object',
  description: 'A span with its children, sorted by start time.',
  required: [
    'spanId',
    'parentSpanId',
    'traceState',
    'name',
    'service',
    'kind',
    'startTime',
    'startTimeUnixNano',
    'endTime',
    'endTimeUnixNano',
    'durationNs',
    'statusCode',
    'statusMessage',
    'attributes',
    'resource',
    'scope',
    'events',
    'links',
    'orphan',
    'children',
  ],
  properties: {
    spanId: { type: 'string' },
    parentSpanId: { type: ['string', 'null'], description: 'null for a root span.' },
    traceState: { type: 'string' },
    name: { type: 'string' },
    service: { type: 'string' },
    kind: {
      type: 'string',
      enum: ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'],
    },
    startTime: { type: 'string', format: 'date-time' },
    startTimeUnixNano: { type: 'string', pattern: '^\\d+$' },
    endTime: { type: 'string', format: 'date-time' },
    endTimeUnixNano: { type: 'string', pattern: '^\\d+$' },
    durationNs: { type: 'integer' },
    statusCode: { type: 'string', enum: ['unset', 'ok', 'error'] },
    statusMessage: { type: 'string' },
    attributes: stringMap,
    resource: stringMap,
    scope: { type: 'string', description: 'Instrumentation scope, `name@version` (empty when absent).' },
    events: { type: 'array', items: schemaRef('SpanEvent') },
    links: { type: 'array', items: schemaRef('SpanLink') },
    orphan: {
      type: 'boolean',
      description: 'The span has a parent id, but that parent is not in the trace (not stored, or cut off).',
    },
    children: { type: 'array', items: schemaRef('SpanNode') },
  },
}

const traceTree: JsonSchema = {
  type: 'object',
  description: 'A whole trace as trees of spans.',
  required: [
    'traceId',
    'spanCount',
    'startTime',
    'startTimeUnixNano',
    'durationNs',
    'services',
    'roots',
    'truncated',
  ],
  properties: {
    traceId: { type: 'string', pattern: '^[0-9a-f]{32}$' },
    spanCount: {
      type: 'integer',
      description: 'Spans of the trace in the store (all, also when truncated).',
    },
    startTime: { type: 'string', format: 'date-time' },
    startTimeUnixNano: { type: 'string', pattern: '^\\d+$' },
    durationNs: { type: 'integer' },
    services: { type: 'array', items: { type: 'string' } },
    roots: {
      type: 'array',
      items: schemaRef('SpanNode'),
      description: 'Spans without a parent, and orphans, by start time.',
    },
    truncated: {
      type: 'boolean',
      description: 'The trace has more than 10,000 spans: `roots` holds the earliest ones.',
    },
  },
}

const readiness: JsonSchema = {
  type: 'object',
  required: ['status', 'reason'],
  properties: {
    status: { type: 'string', enum: ['ready', 'not_ready'] },
    reason: { type: 'string', description: 'A sentence for operators.' },
  },
}

const ingestStatus: JsonSchema = {
  type: 'object',
  description: 'Counters of the ingest listener since start, per tenant and signal.',
  required: ['ledger', 'refusals', 'requests', 'inFlight', 'tenants', 'maxConsumerLag', 'topics'],
  properties: {
    ledger: {
      type: 'array',
      items: {
        type: 'object',
        required: [
          'tenant',
          'signal',
          'received',
          'accepted',
          'deadLettered',
          'dropped',
          'droppedByReason',
          'deadLetteredByReason',
        ],
        properties: {
          tenant: { type: 'string' },
          signal: { type: 'string', enum: ['metrics', 'logs', 'traces', 'events'] },
          received: { type: 'integer' },
          accepted: { type: 'integer' },
          deadLettered: { type: 'integer' },
          dropped: { type: 'integer' },
          droppedByReason: countMap,
          deadLetteredByReason: countMap,
        },
      },
    },
    refusals: {
      type: 'array',
      description: 'Requests refused as a whole, by protocol and reason.',
      items: {
        type: 'object',
        required: ['protocol', 'reason', 'count'],
        properties: { protocol: { type: 'string' }, reason: { type: 'string' }, count: { type: 'integer' } },
      },
    },
    requests: {
      type: 'array',
      items: {
        type: 'object',
        required: ['protocol', 'status', 'count'],
        properties: { protocol: { type: 'string' }, status: { type: 'integer' }, count: { type: 'integer' } },
      },
    },
    inFlight: {
      type: 'object',
      required: ['requests', 'bytes'],
      properties: { requests: { type: 'integer' }, bytes: { type: 'integer' } },
    },
    tenants: { type: 'integer' },
    maxConsumerLag: { type: 'integer' },
    topics: { ...stringMap, description: 'Log topics by signal, and `deadLetter`.' },
  },
}

const engineStatus: JsonSchema = {
  type: 'object',
  required: ['workers', 'restarts', 'tasks'],
  properties: {
    workers: { type: 'integer' },
    restarts: { type: 'integer', description: 'Workers replaced after a failure since start.' },
    tasks: {
      type: 'array',
      items: {
        type: 'object',
        required: [
          'job',
          'task',
          'epoch',
          'watermark',
          'recordsRead',
          'positions',
          'counters',
          'lastCommitMs',
          'lastSnapshotBytes',
        ],
        properties: {
          job: { type: 'string' },
          task: { type: 'integer' },
          epoch: { type: 'integer' },
          watermark: {
            type: ['string', 'null'],
            format: 'date-time',
            description: 'The event-time watermark; null before the first.',
          },
          recordsRead: { type: 'integer' },
          positions: { ...countMap, description: 'Next offset per `topic/partition`.' },
          counters: { type: 'object', additionalProperties: { type: 'number' } },
          lastCommitMs: { type: 'number' },
          lastSnapshotBytes: { type: 'integer' },
        },
      },
    },
  },
}

const storeStatus: JsonSchema = {
  type: 'object',
  required: ['path', 'sink'],
  properties: {
    path: { type: 'string', description: 'The DuckDB file.' },
    sink: {
      type: 'object',
      required: [
        'passes',
        'recordsConsumed',
        'rowsWritten',
        'recordsDropped',
        'transactions',
        'failedTransactions',
        'positions',
      ],
      properties: {
        passes: { type: 'integer' },
        recordsConsumed: { type: 'integer' },
        rowsWritten: { type: 'integer' },
        recordsDropped: { type: 'integer' },
        transactions: { type: 'integer' },
        failedTransactions: { type: 'integer' },
        positions: { ...countMap, description: 'Next offset per `topic/partition`.' },
      },
    },
  },
}

const schemas: Readonly<Record<string, JsonSchema>> = {
  Labels: labels,
  SamplePair: samplePair,
  PromQueryData: promQueryData,
  PromError: promError,
  ApiError: apiError,
  LogEntry: logEntry,
  LogsData: logsData,
  TraceSummary: traceSummary,
  SpanEvent: spanEvent,
  SpanLink: spanLink,
  SpanNode: spanNode,
  TraceTree: traceTree,
  Readiness: readiness,
  IngestStatus: ingestStatus,
  EngineStatus: engineStatus,
  StoreStatus: storeStatus,
  ...anomalySchemas,
  ...alertSchemas,
}

const parameters: Readonly<Record<string, Parameter>> = {
  ScopeOrgId: {
    name: 'X-Scope-OrgID',
    in: 'header',
    description:
      'The tenant to read. In `none` auth mode it selects the tenant (default: `auth.defaultTenant`); ' +
      "with keys it must equal the key's tenant, unless the key has the `admin` scope (any tenant).",
    schema: { type: 'string', pattern: '^[a-zA-Z0-9_.-]{1,64}$' },
  },
}

const headers: Readonly<Record<string, Header>> = {
  WwwAuthenticate: {
    description: 'The scheme to authenticate with.',
    schema: { const: 'Bearer realm="vigil"' },
  },
}

const promErrorResponse = (description: string): Response => ({
  description,
  content: jsonContent(schemaRef('PromError')),
})

const responses: Readonly<Record<string, Response>> = {
  BadData: {
    description:
      'A parameter or the X-Scope-OrgID header is invalid (`bad_data`; the message names it), or a path ' +
      'segment is not valid URL encoding (`{error}` from the listener).',
    content: jsonContent({ anyOf: [schemaRef('PromError'), schemaRef('ApiError')] }),
  },
  Unauthorized: {
    description: '`unauthorized`: no API key, or one that is unknown or revoked (`keys` auth mode only).',
    headers: { 'WWW-Authenticate': { $ref: '#/components/headers/WwwAuthenticate' } },
    content: jsonContent(schemaRef('PromError')),
  },
  Forbidden: promErrorResponse(
    '`forbidden`: the key lacks the `query` (or `admin`) scope, or X-Scope-OrgID (or the Basic user) ' +
      "names another tenant than the key's.",
  ),
  PayloadTooLarge: promErrorResponse('`bad_data`: the form body is larger than 1 MiB.'),
  UnsupportedMediaType: promErrorResponse(
    '`bad_data`: the body is not `application/x-www-form-urlencoded`, or it is compressed.',
  ),
  Execution: promErrorResponse(
    '`execution`: the evaluation failed, e.g. over a limit (`query.maxSamples`, `maxSeries`, `maxPoints`) ' +
      'or a many-to-many match.',
  ),
  Timeout: promErrorResponse(
    '`timeout`: the query ran past its deadline (`query.timeout`, or a shorter `timeout` parameter) ' +
      'and was cancelled.',
  ),
  InternalPromError: promErrorResponse('`internal`: the query failed unexpectedly; the server logs why.'),
  InternalError: {
    description: 'The handler failed unexpectedly; the server logs why.',
    content: jsonContent(schemaRef('ApiError')),
  },
}

export const components: Components = {
  schemas,
  parameters,
  responses,
  headers,
  securitySchemes: {
    apiKey: {
      type: 'http',
      scheme: 'bearer',
      description:
        'An API key from `vigil keys create` as `Authorization: Bearer <key>`; the key decides the tenant. ' +
        'Only checked when `auth.mode` is `keys`.',
    },
    basicApiKey: {
      type: 'http',
      scheme: 'basic',
      description:
        "Basic auth with the API key as password; the user name, when not empty, must be the key's tenant. " +
        'Only checked when `auth.mode` is `keys`.',
    },
  },
}
