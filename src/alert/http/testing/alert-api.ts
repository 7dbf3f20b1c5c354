import assert from 'node:assert/strict'
import { pino } from 'pino'
import { ApiServer, openapiDocument } from '../../../api/index.js'
import { ResponseValidator } from '../../../api/openapi/testing/openapi-checks.js'
import { Authenticator, generateApiKey } from '../../../auth/index.js'
import type { Scope } from '../../../auth/index.js'
import type { AnomalyRow } from '../../../core/batch/index.js'
import { ManualClock } from '../../../core/testing/manual-clock.js'
import { withStore } from '../../../query/sql/testing/telemetry-fixture.js'
import { writeAlertHistory } from '../../../store/index.js'
import type { StoreDatabase } from '../../../store/index.js'
import { parsePrometheusRuleFile } from '../../rules/prometheus-rule-file.js'
import { DEFAULT_ROUTE_CONFIG } from '../../routing/route-config.js'
import { AlertService } from '../../service/alert-service.js'
import type { AnomalySource } from '../../service/alert-service.js'
import type { AlertStateChange } from '../../alert.js'
import type { AlertingRules } from '../prometheus-rules.js'
import { alertRoutes } from '../alert-routes.js'
import type { AlertApiService } from '../alert-routes.js'

/**
 * Test support for the alerting API: a real AlertService (anomaly rows handed in by the test, one
 * Prometheus rule on a stub query), its history written to a real store, and the routes on a real
 * ApiServer. Every answer is checked against the OpenAPI document with closed schemas.
 */

export const T0 = 1_700_000_000_000

const key = (tenant: string, scopes: Scope[]) => {
  const k = generateApiKey()
  return { ...k, tenant, scopes }
}
export const KEYS = {
  acme: key('acme', ['query']),
  acmeAdmin: key('acme', ['admin']),
  other: key('other', ['query']),
  otherAdmin: key('other', ['admin']),
  acmeIngest: key('acme', ['ingest']),
} as const
export type KeyName = keyof typeof KEYS

const auth = new Authenticator(
  { mode: 'keys', keys: [], defaultTenant: 'default' },
  Object.values(KEYS).map((k) => ({ id: k.id, tenant: k.tenant, scopes: [...k.scopes], hash: k.hash })),
)
const validator = new ResponseValidator(openapiDocument({ version: '0', alertApi: true }), { closed: true })

/** Anomaly rows handed in by the test. */
export class QueuedSource implements AnomalySource {
  queued: AnomalyRow[] = []
  async start(): Promise<void> {}
  async poll(): Promise<readonly AnomalyRow[]> {
    return this.queued.splice(0)
  }
}

/** An anomalous (or normal) point of `queue_depth{host, service="checkout"}`. */
export function anomaly(tenant: string, host: string, timeMs: number, isAnomaly = true): AnomalyRow {
  return {
    tenant,
    source: 'rollups',
    key: `__name__\u0000queue_depth\u0000host\u0000${host}\u0000service\u0000checkout`,
    feature: 'mean',
    windowMs: 10_000,
    timeMs,
    value: isAnomaly ? 400 : 40,
    score: isAnomaly ? 0.99 : 0.2,
    alert: isAnomaly,
    novelty: 0.99,
    levelZ: 0,
    seasonalZ: 0,
    changePoint: false,
    detectedAtMs: timeMs,
  }
}

const RULES = `
groups:
  - name: db
    rules:
      - alert: DatabaseDown
        expr: up{job="db"} == 0
        labels: { severity: page }
        annotations: { summary: '{{ $labels.instance }} is down' }
`

/** The rules of the test service: one anomaly rule (every tenant), one Prometheus rule file (acme). */
export const TEST_RULES: AlertingRules = {
  ruleFiles: [{ tenant: 'acme', file: parsePrometheusRuleFile(RULES, 'db.rules.yml') }],
  anomalyRules: [
    {
      name: 'QueueAnomaly',
      selector: 'queue_depth',
      forMs: 0,
      labels: { severity: 'warning' },
      annotations: { summary: 'queue on {{ $labels.host }}' },
    },
  ],
  ruleIntervalMs: 60_000,
  anomalyIntervalMs: 1_000,
}

/**
 * The alerting service of the tests, with `TEST_RULES`; the Prometheus rule's query answers one
 * sample with a NaN value for acme (`up{instance="db-1",job="db"}`), none for other tenants.
 */
export function alertService(
  clock: ManualClock,
  source: QueuedSource,
  history?: (changes: readonly AlertStateChange[]) => Promise<void>,
): AlertService {
  return new AlertService({
    clock,
    source,
    anomalyRules: TEST_RULES.anomalyRules,
    ruleFiles: TEST_RULES.ruleFiles,
    query: (tenant) => async () =>
      tenant === 'acme' ? [{ labels: { instance: 'db-1', job: 'db' }, value: NaN }] : [],
    route: DEFAULT_ROUTE_CONFIG,
    inhibitRules: [],
    ruleIntervalMs: TEST_RULES.ruleIntervalMs,
    lookbackMs: 3_600_000,
    maxAlertsPerTenant: 1000,
    externalURL: 'http://vigil.test',
    notify: () => undefined,
    ...(history === undefined ? {} : { history }),
    onError: (err) => assert.fail(String(err)),
  })
}

export interface Reply {
  readonly status: number
  readonly body: { status: string; data?: unknown; errorType?: string; error?: string }
  readonly text: string
}

export interface CallOptions {
  readonly as?: KeyName
  readonly headers?: Record<string, string>
  /** A JSON body (sent as application/json), or raw text with `headers` saying its type. */
  readonly body?: unknown
}

export interface AlertApi {
  readonly clock: ManualClock
  readonly source: QueuedSource
  readonly service: AlertService
  readonly db: StoreDatabase
  /** One evaluation of the service (anomalies in, history written). */
  tick(): Promise<void>
  call(method: 'GET' | 'POST' | 'DELETE', path: string, options?: CallOptions): Promise<Reply>
}

/** The documented template of a request path, for the response check. */
function templateOf(path: string): string {
  const p = path.split('?')[0]!
  if (/^\/api\/v1\/alerts\/[^/]+\/ack$/.test(p)) return '/api/v1/alerts/{fingerprint}/ack'
  if (/^\/api\/v1\/silences\/[^/]+$/.test(p)) return '/api/v1/silences/{id}'
  return p
}

export async function withAlertApi(
  fn: (api: AlertApi) => Promise<void>,
  options: { readonly withStore?: boolean; readonly service?: (s: AlertService) => AlertApiService } = {},
): Promise<void> {
  await withStore(async (db) => {
    const clock = new ManualClock(T0)
    const source = new QueuedSource()
    const history = await db.connect()
    const service = alertService(clock, source, async (changes) => {
      await writeAlertHistory(history, changes)
    })
    const logger = pino({ level: 'silent' })
    const routes = alertRoutes({
      service: options.service?.(service) ?? service,
      ...(options.withStore === false ? {} : { db }),
      auth,
      clock,
      limits: { timeoutMs: 10_000 },
      logger,
    })
    const server = new ApiServer({ host: '127.0.0.1', port: 0 }, { logger, routes })
    await server.start()
    const base = `http://127.0.0.1:${server.address().port}`
    try {
      await fn({
        clock,
        source,
        service,
        db,
        tick: () => service.tick(),
        call: async (method, path, o = {}) => {
          const headers: Record<string, string> = { ...o.headers }
          if (o.as !== undefined) headers.authorization = `Bearer ${KEYS[o.as].key}`
          let body: string | undefined
          if (typeof o.body === 'string') body = o.body
          else if (o.body !== undefined) {
            body = JSON.stringify(o.body)
            headers['content-type'] ??= 'application/json'
          }
          const res = await fetch(`${base}${path}`, {
            method,
            headers,
            ...(body === undefined ? {} : { body }),
          })
          const text = await res.text()
          const type = res.headers.get('content-type') ?? ''
          assert.deepEqual(
            validator.check(method, templateOf(path), res.status, type, text),
            [],
            `${method} ${path}`,
          )
          return { status: res.status, body: JSON.parse(text) as Reply['body'], text }
        },
      })
    } finally {
      await server.shutdown()
      await service.stop()
      history.closeSync()
    }
  })
}

/** The `data` of a 200 answer. */
export function dataOf<T>(reply: Reply): T {
  assert.equal(reply.status, 200, reply.text)
  assert.equal(reply.body.status, 'success')
  return reply.body.data as T
}

/** A 4xx/5xx answer's status, error type and message. */
export function errorOf(reply: Reply): [number, string, string] {
  assert.equal(reply.body.status, 'error', reply.text)
  return [reply.status, reply.body.errorType ?? '', reply.body.error ?? '']
}
