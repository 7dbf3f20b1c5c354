import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { pino } from 'pino'
import { ApiServer } from '../server.js'
import { openapiDocument } from './openapi-document.js'
import { openapiRoute } from './openapi-route.js'
import { OPENAPI_PATH } from './status-paths.js'
import {
  compareRoutes,
  openapiSchemaErrors,
  operationsOf,
  ResponseValidator,
  structuralProblems,
  templateOf,
} from './testing/openapi-checks.js'

const doc = openapiDocument({ version: '1.2.3' })

describe('openapiDocument', () => {
  test('is OpenAPI 3.1.0 with the given version', () => {
    assert.equal(doc.openapi, '3.1.0')
    assert.equal(doc.info.version, '1.2.3')
  })

  test('is valid against the OpenAPI 3.1 schema', () => {
    assert.deepEqual(openapiSchemaErrors(doc), [])
    // The check does catch mistakes: a parameter without `in`.
    const broken = { ...doc, paths: { '/x': { get: { responses: {}, parameters: [{ name: 'a' }] } } } }
    assert.notDeepEqual(openapiSchemaErrors(broken), [])
  })

  test('has unique operationIds, responses, declared tags and path parameters, resolving refs', () => {
    assert.deepEqual(structuralProblems(doc), [])
    const broken = openapiDocument({ version: '0' })
    const labelValues = broken.paths['/api/v1/label/{name}/values']!.get!
    const withoutParams = {
      ...broken,
      paths: {
        ...broken.paths,
        '/api/v1/label/{label}/values': { get: { ...labelValues, operationId: 'getHealth' } },
      },
    }
    assert.deepEqual(structuralProblems(withoutParams), [
      'GET /api/v1/label/{label}/values: operationId getHealth is also used by GET /healthz',
      'GET /api/v1/label/{label}/values: path parameter {label} is not declared',
      'GET /api/v1/label/{label}/values: path parameter name is not in the path',
    ])
  })

  test('its schemas are clean JSON Schema 2020-12 (Ajv strict mode)', () => {
    new ResponseValidator(doc).compileAll()
  })

  test('with the alerting API it adds the alert and silence operations, valid and consistent', () => {
    const withAlerts = openapiDocument({ version: '1.2.3', alertApi: true })
    assert.deepEqual(openapiSchemaErrors(withAlerts), [])
    assert.deepEqual(structuralProblems(withAlerts), [])
    new ResponseValidator(withAlerts).compileAll()
    const added = operationsOf(withAlerts)
      .map((o) => `${o.method} ${o.path}`)
      .filter((op) => !operationsOf(doc).some((o) => `${o.method} ${o.path}` === op))
    assert.deepEqual(added, [
      'GET /api/v1/alerts',
      'GET /api/v1/alerts/history',
      'POST /api/v1/alerts/{fingerprint}/ack',
      'DELETE /api/v1/alerts/{fingerprint}/ack',
      'GET /api/v1/silences',
      'POST /api/v1/silences',
      'GET /api/v1/silences/{id}',
      'DELETE /api/v1/silences/{id}',
    ])
  })

  test('without the query API it keeps the operational endpoints only', () => {
    const ops = operationsOf(openapiDocument({ version: '1.2.3', queryApi: false })).map(
      (o) => `${o.method} ${o.path}`,
    )
    assert.deepEqual(ops, [
      'GET /healthz',
      'GET /readyz',
      'GET /metrics',
      'GET /api/v1/ingest/status',
      'GET /api/v1/engine/status',
      'GET /api/v1/store/status',
      `GET ${OPENAPI_PATH}`,
    ])
  })
})

describe('compareRoutes', () => {
  test('matches :name to {name}, ignores HEAD, lists what each side lacks', () => {
    const small = openapiDocument({ version: '0', queryApi: false })
    const routes = operationsOf(small).map((o) => ({ method: 'GET' as const, path: o.path }))
    assert.deepEqual(compareRoutes(small, routes), { undocumented: [], unregistered: [] })
    assert.equal(templateOf('/api/v1/label/:name/values'), '/api/v1/label/{name}/values')
    assert.deepEqual(
      compareRoutes(small, [
        ...routes.filter((r) => r.path !== '/metrics'),
        { method: 'HEAD', path: '/x' },
        { method: 'DELETE', path: '/api/v1/things/:id' },
      ]),
      { undocumented: ['DELETE /api/v1/things/{id}'], unregistered: ['GET /metrics'] },
    )
  })
})

describe('openapiRoute', () => {
  test('serves the document as JSON; ApiServer.routes() lists what it serves', async () => {
    const logger = pino({ level: 'silent' })
    const server = new ApiServer({ host: '127.0.0.1', port: 0 }, { logger, routes: [openapiRoute(doc)] })
    assert.deepEqual(server.routes(), [{ method: 'GET', path: OPENAPI_PATH }])
    await server.start()
    try {
      const res = await fetch(`http://127.0.0.1:${server.address().port}${OPENAPI_PATH}`)
      assert.equal(res.status, 200)
      assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8')
      assert.deepEqual(await res.json(), JSON.parse(JSON.stringify(doc)))
    } finally {
      await server.shutdown()
    }
  })
})
