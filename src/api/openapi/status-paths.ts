import { jsonContent, noSecurity, schemaRef } from './components.js'
import type { PathItem } from './openapi-types.js'

/** Where the document is served. */
export const OPENAPI_PATH = '/api/v1/openapi.json'

/**
 * The operational endpoints of the API listener: health (`src/api/routes/health.ts`), metrics, the
 * status of ingest, engine and store (`src/pipeline/all-in-one.ts`) and this document. None of them
 * needs credentials.
 */
export const statusPaths: Readonly<Record<string, PathItem>> = {
  '/healthz': {
    get: {
      operationId: 'getHealth',
      summary: 'Liveness',
      description: 'Always 200 while the process can answer.',
      tags: ['health'],
      security: noSecurity,
      responses: {
        '200': {
          description: 'The process is alive.',
          content: jsonContent(
            { type: 'object', required: ['status'], properties: { status: { const: 'ok' } } },
            { status: 'ok' },
          ),
        },
      },
    },
  },
  '/readyz': {
    get: {
      operationId: 'getReadiness',
      summary: 'Readiness',
      description: 'Ready between the end of startup and the beginning of shutdown.',
      tags: ['health'],
      security: noSecurity,
      responses: {
        '200': {
          description: 'Ready: the log is open, the engine runs and both listeners are serving.',
          content: jsonContent(schemaRef('Readiness')),
        },
        '503': {
          description: 'Not ready (starting or shutting down); `reason` says which.',
          content: jsonContent(schemaRef('Readiness')),
        },
      },
    },
  },
  '/metrics': {
    get: {
      operationId: 'getMetrics',
      summary: "Vigil's own metrics",
      description: 'Process, log, ingest, engine and store metrics, collected per scrape.',
      tags: ['metrics'],
      security: noSecurity,
      responses: {
        '200': {
          description: 'The Prometheus text exposition format (version 0.0.4).',
          content: { 'text/plain': { schema: { type: 'string' } } },
        },
        '500': { $ref: '#/components/responses/InternalError' },
      },
    },
  },
  '/api/v1/ingest/status': {
    get: {
      operationId: 'getIngestStatus',
      summary: 'Ingest status',
      description:
        'What the ingest listener received, accepted, dead-lettered and dropped, per tenant and signal.',
      tags: ['status'],
      security: noSecurity,
      responses: {
        '200': { description: 'The ingest counters.', content: jsonContent(schemaRef('IngestStatus')) },
      },
    },
  },
  '/api/v1/engine/status': {
    get: {
      operationId: 'getEngineStatus',
      summary: 'Engine status',
      description: 'Workers and, per job task, its watermark, positions and counters.',
      tags: ['status'],
      security: noSecurity,
      responses: {
        '200': { description: 'The engine status.', content: jsonContent(schemaRef('EngineStatus')) },
      },
    },
  },
  '/api/v1/store/status': {
    get: {
      operationId: 'getStoreStatus',
      summary: 'Store status',
      description: 'The DuckDB file and what the store sink consumed and wrote.',
      tags: ['status'],
      security: noSecurity,
      responses: {
        '200': { description: 'The store status.', content: jsonContent(schemaRef('StoreStatus')) },
        '404': {
          description: 'The store is disabled (`store.enabled: false`).',
          content: jsonContent(schemaRef('ApiError')),
        },
      },
    },
  },
  [OPENAPI_PATH]: {
    get: {
      operationId: 'getOpenApi',
      summary: 'This API description',
      description: 'The OpenAPI 3.1 description of the API listener, as JSON.',
      tags: ['meta'],
      security: noSecurity,
      responses: {
        '200': {
          description: 'The OpenAPI document.',
          content: jsonContent({
            type: 'object',
            required: ['openapi', 'info', 'paths'],
            properties: {
              openapi: { type: 'string', const: '3.1.0' },
              info: { type: 'object' },
              paths: { type: 'object' },
            },
            additionalProperties: true,
          }),
        },
      },
    },
  },
}
