import assert from 'node:assert/strict'
import { test } from 'node:test'
import { pino } from 'pino'
import { ApiServer, openapiDocument } from '../../api/index.js'
import { ResponseValidator } from '../../api/openapi/testing/openapi-checks.js'
import { Authenticator } from '../../auth/index.js'
import { ManualClock } from '../../core/testing/manual-clock.js'
import { promqlRoutes } from '../../query/http/promql-routes.js'
import { PromQueryService } from '../../query/promql/api/prom-query-service.js'
import { ANOMALY_RULES_FILE, prometheusRuleGroups } from './prometheus-rules.js'
import { QueuedSource, T0, TEST_RULES, alertService, anomaly } from './testing/alert-api.js'

test("GET /api/v1/rules lists the tenant's alerting rules and their alerts, as Prometheus does", async () => {
  const clock = new ManualClock(T0)
  const source = new QueuedSource()
  const service = alertService(clock, source)
  source.queued.push(anomaly('acme', 'a', T0), anomaly('other', 'b', T0))
  await service.tick()
  const prom = new PromQueryService({
    clock,
    limits: { timeoutMs: 1_000, maxSamples: 1, maxSeries: 1, maxResultPoints: 1 },
    catalog: { select: () => [], all: () => [] },
    openSession: () => Promise.reject(new Error('rules read no samples')),
    ruleGroups: (tenant) =>
      prometheusRuleGroups(
        TEST_RULES,
        tenant,
        service.alerts(tenant).map((v) => v.alert),
      ),
  })
  const logger = pino({ level: 'silent' })
  const auth = new Authenticator({ mode: 'none', keys: [], defaultTenant: 'acme' }, [])
  const server = new ApiServer(
    { host: '127.0.0.1', port: 0 },
    { logger, routes: promqlRoutes({ service: prom, auth, version: '0' }) },
  )
  await server.start()
  const validator = new ResponseValidator(openapiDocument({ version: '0' }), { closed: true })
  const get = async (query: string, tenant = 'acme') => {
    const res = await fetch(`http://127.0.0.1:${server.address().port}/api/v1/rules${query}`, {
      headers: { 'x-scope-orgid': tenant },
    })
    const text = await res.text()
    assert.deepEqual(
      validator.check('GET', '/api/v1/rules', res.status, res.headers.get('content-type') ?? '', text),
      [],
    )
    return JSON.parse(text) as { data: { groups: { name: string; file: string; rules: unknown[] }[] } }
  }
  try {
    const { groups } = (await get('')).data
    assert.deepEqual(
      groups.map((g) => [g.name, g.file]),
      [
        ['db', 'db.rules.yml'],
        ['anomaly', ANOMALY_RULES_FILE],
      ],
    )
    assert.deepEqual(groups[0], {
      name: 'db',
      file: 'db.rules.yml',
      interval: 60,
      limit: 0,
      evaluationTime: 0,
      lastEvaluation: '2023-11-14T22:13:20Z',
      rules: [
        {
          state: 'firing',
          name: 'DatabaseDown',
          query: 'up{job="db"} == 0',
          duration: 0,
          keepFiringFor: 0,
          labels: { severity: 'page' },
          annotations: { summary: '{{ $labels.instance }} is down' },
          alerts: [
            {
              labels: { alertname: 'DatabaseDown', instance: 'db-1', job: 'db', severity: 'page' },
              annotations: { summary: 'db-1 is down' },
              state: 'firing',
              activeAt: '2023-11-14T22:13:20Z',
              value: 'NaN',
            },
          ],
          health: 'unknown',
          evaluationTime: 0,
          lastEvaluation: '2023-11-14T22:13:20Z',
          type: 'alerting',
        },
      ],
    })
    const anomalyRule = groups[1]!.rules[0] as {
      query: string
      alerts: { labels: { host: string }; value: string }[]
    }
    assert.equal(anomalyRule.query, 'queue_depth')
    assert.deepEqual(
      anomalyRule.alerts.map((a) => [a.labels.host, a.value]),
      [['a', '9.9e-01']],
    )
    // The other tenant: no rule file, the anomaly rules with its own alerts only.
    const other = (await get('', 'other')).data.groups
    assert.deepEqual(
      other.map((g) => g.name),
      ['anomaly'],
    )
    assert.deepEqual(
      (other[0]!.rules[0] as { alerts: { labels: { host: string } }[] }).alerts.map((a) => a.labels.host),
      ['b'],
    )
    assert.deepEqual((await get('?type=record')).data.groups, [])
    assert.equal((await get('?type=alert')).data.groups.length, 2)
  } finally {
    await server.shutdown()
  }
})
