import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { labelsFingerprint } from '../fingerprint.js'
import type { AlertChangeJson, AlertJson } from './alert-json.js'
import { T0, anomaly, dataOf, errorOf, withAlertApi } from './testing/alert-api.js'
import type { AlertApi, Reply } from './testing/alert-api.js'

const labels = (host: string) => ({
  alertname: 'QueueAnomaly',
  host,
  metric: 'queue_depth',
  service: 'checkout',
  severity: 'warning',
})
const FP_A = labelsFingerprint(labels('a'))
const FP_B = labelsFingerprint(labels('b'))
const FP_SECRET = labelsFingerprint(labels('SECRET'))

/** acme: anomalies on hosts a and b (firing) and the DatabaseDown rule; other: hosts a and SECRET. */
async function seed(api: AlertApi): Promise<void> {
  api.source.queued.push(
    anomaly('acme', 'a', T0),
    anomaly('acme', 'b', T0),
    anomaly('other', 'a', T0),
    anomaly('other', 'SECRET', T0),
  )
  await api.tick()
}

const alertsOf = async (api: AlertApi, query = '', as: 'acme' | 'other' = 'acme'): Promise<AlertJson[]> =>
  dataOf<{ alerts: AlertJson[] }>(await api.call('GET', `/api/v1/alerts${query}`, { as })).alerts

describe('GET /api/v1/alerts', () => {
  test("answers the caller's tenant's alerts with their marks, firing first", async () => {
    await withAlertApi(async (api) => {
      await seed(api)
      const alerts = await alertsOf(api)
      assert.deepEqual(
        alerts.map((a) => [a.ruleName, a.ruleKind, a.state]),
        [
          ['DatabaseDown', 'prometheus', 'firing'],
          ['QueueAnomaly', 'anomaly', 'firing'],
          ['QueueAnomaly', 'anomaly', 'firing'],
        ],
      )
      const a = alerts.find((x) => x.fingerprint === FP_A)!
      assert.deepEqual(a, {
        fingerprint: FP_A,
        ruleName: 'QueueAnomaly',
        ruleKind: 'anomaly',
        labels: labels('a'),
        annotations: { summary: 'queue on a' },
        state: 'firing',
        activeAt: '2023-11-14T22:13:20Z',
        firedAt: '2023-11-14T22:13:20Z',
        resolvedAt: null,
        keepFiringSince: null,
        lastEvaluation: '2023-11-14T22:13:20Z',
        value: 0.99,
        flapping: false,
        silencedBy: [],
        inhibitedBy: [],
        acknowledgedBy: null,
        acknowledgement: null,
        generatorURL: '',
      })
      const db = alerts[0]!
      assert.equal(db.value, 'NaN')
      assert.deepEqual(db.labels, {
        alertname: 'DatabaseDown',
        instance: 'db-1',
        job: 'db',
        severity: 'page',
      })
    })
  })

  test('filters by state, label matchers, silenced and acknowledged; bad filters are 400 naming them', async () => {
    await withAlertApi(async (api) => {
      await seed(api)
      const fps = async (q: string) => (await alertsOf(api, q)).map((a) => a.fingerprint).sort()
      assert.deepEqual(await fps('?filter=host%3D%22a%22'), [FP_A])
      assert.deepEqual(await fps('?filter=service%3D%22checkout%22&filter=host%21%3Da'), [FP_B])
      assert.deepEqual(
        await fps(`?filter=${encodeURIComponent('{alertname=~"Queue.*",host=~"a|b"}')}`),
        [FP_A, FP_B].sort(),
      )
      assert.deepEqual(await fps('?state=pending'), [])
      assert.equal((await fps('?state=pending&state=firing')).length, 3)
      assert.deepEqual(await fps('?silenced=true'), [])
      await api.call('POST', `/api/v1/alerts/${FP_B}/ack`, { as: 'acme', body: { by: 'alice' } })
      assert.deepEqual(await fps('?acknowledged=true'), [FP_B])
      assert.equal((await fps('?acknowledged=false&inhibited=false')).length, 2)
      for (const [q, message] of [
        ['state=gone', /^state: "gone" is not a state: give pending, firing, resolved$/],
        ['filter=host', /^filter: "host" is not a label matcher/],
        ['filter=host%3D~%22(%22', /^filter: .*invalid regular expression/],
        ['silenced=yes', /^silenced: "yes" is neither true nor false$/],
        ['acknowledged=true&acknowledged=false', /^acknowledged: given 2 times/],
      ] as const) {
        const [status, type, error] = errorOf(await api.call('GET', `/api/v1/alerts?${q}`, { as: 'acme' }))
        assert.deepEqual([status, type], [400, 'bad_data'], q)
        assert.match(error, message, q)
      }
    })
  })
})

describe('acknowledgements', () => {
  test('POST acknowledges the current state, DELETE takes it back; errors name the field', async () => {
    await withAlertApi(async (api) => {
      await seed(api)
      api.clock.advance(5_000)
      const ack = await api.call('POST', `/api/v1/alerts/${FP_A}/ack`, {
        as: 'acme',
        body: { by: 'alice', comment: 'on it' },
      })
      assert.deepEqual(dataOf(ack), {
        fingerprint: FP_A,
        by: 'alice',
        comment: 'on it',
        at: '2023-11-14T22:13:25Z',
      })
      const a = (await alertsOf(api)).find((x) => x.fingerprint === FP_A)!
      assert.equal(a.acknowledgedBy, 'alice')
      assert.deepEqual(a.acknowledgement, { by: 'alice', comment: 'on it', at: '2023-11-14T22:13:25Z' })
      assert.deepEqual(dataOf(await api.call('DELETE', `/api/v1/alerts/${FP_A}/ack`, { as: 'acme' })), {
        fingerprint: FP_A,
        removed: true,
      })
      assert.deepEqual(dataOf(await api.call('DELETE', `/api/v1/alerts/${FP_A}/ack`, { as: 'acme' })), {
        fingerprint: FP_A,
        removed: false,
      })
      assert.equal((await alertsOf(api)).find((x) => x.fingerprint === FP_A)!.acknowledgedBy, null)

      const post = (path: string, body: unknown, headers?: Record<string, string>) =>
        api.call('POST', path, { as: 'acme', body, ...(headers === undefined ? {} : { headers }) })
      const ackPath = `/api/v1/alerts/${FP_A}/ack`
      const cases: [() => Promise<Reply>, number, RegExp][] = [
        [() => post(`/api/v1/alerts/${'0'.repeat(16)}/ack`, { by: 'a' }), 404, /^no alert 0{16}/],
        [
          () => post('/api/v1/alerts/NOT-HEX/ack', { by: 'a' }),
          400,
          /^fingerprint: "NOT-HEX" is not an alert fingerprint/,
        ],
        [() => post(ackPath, {}), 400, /^by: is missing$/],
        [() => post(ackPath, { by: '  ' }), 400, /^by: is empty$/],
        [() => post(ackPath, { by: 'a', comment: 7 }), 400, /^comment: must be a string$/],
        [() => post(ackPath, [1]), 400, /^body: must be a JSON object$/],
        [
          () => post(ackPath, '{by', { 'content-type': 'application/json' }),
          400,
          /^The body is not valid JSON/,
        ],
        [
          () => post(ackPath, 'by=a', { 'content-type': 'application/x-www-form-urlencoded' }),
          415,
          /application\/json/,
        ],
        [() => post(ackPath, { by: 'x'.repeat(70_000) }), 413, /larger than the query limit of 65536 bytes/],
      ]
      for (const [send, status, message] of cases) {
        const [s, , error] = errorOf(await send())
        assert.equal(s, status, error)
        assert.match(error, message)
      }
      assert.equal(
        errorOf(await api.call('DELETE', `/api/v1/alerts/${'0'.repeat(16)}/ack`, { as: 'acme' }))[0],
        404,
      )
    })
  })
})

describe('GET /api/v1/alerts/history', () => {
  test('serves the recorded state changes, newest first, by fingerprint, paged', async () => {
    await withAlertApi(async (api) => {
      await seed(api)
      // Host a's next point is normal: its alert resolves at that point's (event) time. b stays firing.
      api.clock.advance(10_000)
      api.source.queued.push(anomaly('acme', 'a', T0 + 10_000, false), anomaly('acme', 'b', T0 + 10_000))
      await api.tick()
      api.clock.advance(6 * 60_000)
      api.source.queued.push(anomaly('acme', 'b', T0 + 6 * 60_000 + 10_000))
      await api.tick()
      const get = async (q: string, as: 'acme' | 'other' = 'acme') =>
        dataOf<{ changes: AlertChangeJson[]; nextCursor: string | null }>(
          await api.call('GET', `/api/v1/alerts/history?${q}`, { as }),
        )
      const range = `start=${T0 / 1000}&end=${T0 / 1000 + 3600}`
      const all = await get(range)
      const short = (c: AlertChangeJson) => [
        c.fingerprint === FP_A ? 'a' : c.fingerprint === FP_B ? 'b' : 'db',
        `${(c.atMs - T0) / 1000}s`,
        c.from,
        c.to,
      ]
      assert.deepEqual(all.changes.map(short), [
        ['a', '10s', 'firing', 'resolved'],
        ['b', '0s', 'pending', 'firing'],
        ['b', '0s', 'inactive', 'pending'],
        ['a', '0s', 'pending', 'firing'],
        ['a', '0s', 'inactive', 'pending'],
        ['db', '0s', 'pending', 'firing'],
        ['db', '0s', 'inactive', 'pending'],
      ])
      const resolved = all.changes[0]!
      assert.deepEqual(
        { ...resolved, at: undefined, atMs: undefined },
        {
          fingerprint: FP_A,
          ruleName: 'QueueAnomaly',
          ruleKind: 'anomaly',
          labels: labels('a'),
          annotations: { summary: 'queue on a' },
          from: 'firing',
          to: 'resolved',
          at: undefined,
          atMs: undefined,
          value: 0.99,
        },
      )
      assert.ok(all.changes.every((c, i) => i === 0 || all.changes[i - 1]!.atMs >= c.atMs))
      assert.equal(all.nextCursor, null)
      const onlyA = await get(`${range}&fingerprint=${FP_A}`)
      assert.deepEqual(
        onlyA.changes.map((c) => c.to),
        ['resolved', 'firing', 'pending'],
      )
      const seen: AlertChangeJson[] = []
      let cursor: string | null = ''
      while (cursor !== null) {
        const page = await get(`${range}&limit=2${cursor === '' ? '' : `&cursor=${cursor}`}`)
        assert.ok(page.changes.length <= 2)
        seen.push(...page.changes)
        cursor = page.nextCursor
      }
      assert.deepEqual(seen, all.changes)
      // The other tenant's history holds its own two alerts' changes only.
      const other = await get(range, 'other')
      assert.ok(other.changes.length > 0)
      assert.ok(other.changes.every((c) => c.labels.host === 'a' || c.labels.host === 'SECRET'))
      assert.ok(all.changes.every((c) => c.labels.host !== 'SECRET'))

      for (const [q, message] of [
        ['fingerprint=xyz', /^fingerprint: "xyz" is not an alert fingerprint/],
        ['cursor=nope', /^cursor: is not a cursor returned by this API/],
        ['limit=0', /^limit: "0" is not a positive integer/],
        ['limit=10001', /^limit: 10001 is above the maximum of 10000$/],
        ['start=2&end=1', /^start: 2 is after end/],
      ] as const) {
        const [status, type, error] = errorOf(
          await api.call('GET', `/api/v1/alerts/history?${q}`, { as: 'acme' }),
        )
        assert.deepEqual([status, type], [400, 'bad_data'], q)
        assert.match(error, message, q)
      }
    })
  })

  test('without the store it is 503 unavailable', async () => {
    await withAlertApi(
      async (api) => {
        const [status, type, error] = errorOf(await api.call('GET', '/api/v1/alerts/history', { as: 'acme' }))
        assert.deepEqual([status, type], [503, 'unavailable'])
        assert.match(error, /store\.enabled: false/)
      },
      { withStore: false },
    )
  })
})

describe('tenancy', () => {
  test("tenant A can never read, acknowledge or expire tenant B's alerts or silences", async () => {
    await withAlertApi(async (api) => {
      await seed(api)
      // Both tenants have an alert with fingerprint FP_A; only other has FP_SECRET.
      const otherAlerts = await alertsOf(api, '', 'other')
      assert.deepEqual(otherAlerts.map((a) => a.fingerprint).sort(), [FP_A, FP_SECRET].sort())
      const acmeText = (await api.call('GET', '/api/v1/alerts', { as: 'acme' })).text
      assert.ok(!acmeText.includes('SECRET') && !acmeText.includes(FP_SECRET))

      // acme cannot acknowledge other's alert; acknowledging its own FP_A leaves other's FP_A alone.
      assert.equal(
        (await api.call('POST', `/api/v1/alerts/${FP_SECRET}/ack`, { as: 'acme', body: { by: 'x' } })).status,
        404,
      )
      assert.equal((await api.call('DELETE', `/api/v1/alerts/${FP_SECRET}/ack`, { as: 'acme' })).status, 404)
      await api.call('POST', `/api/v1/alerts/${FP_A}/ack`, { as: 'acme', body: { by: 'alice' } })
      assert.equal(
        (await alertsOf(api, '', 'other')).find((a) => a.fingerprint === FP_A)!.acknowledgedBy,
        null,
      )
      assert.deepEqual(dataOf(await api.call('DELETE', `/api/v1/alerts/${FP_A}/ack`, { as: 'other' })), {
        fingerprint: FP_A,
        removed: false,
      })
      assert.equal((await alertsOf(api)).find((a) => a.fingerprint === FP_A)!.acknowledgedBy, 'alice')

      // other's silence: invisible to acme, not expirable by acme (even with an admin key of acme).
      const created = await api.call('POST', '/api/v1/silences', {
        as: 'otherAdmin',
        body: {
          matchers: [{ name: 'host', value: 'SECRET', isRegex: false }],
          endsAt: '2023-11-15T00:00:00Z',
          createdBy: 'bob',
          comment: 'SECRET maintenance',
        },
      })
      const { silenceID } = dataOf<{ silenceID: string }>(created)
      assert.deepEqual(dataOf(await api.call('GET', '/api/v1/silences', { as: 'acme' })), { silences: [] })
      assert.equal((await api.call('GET', `/api/v1/silences/${silenceID}`, { as: 'acme' })).status, 404)
      assert.equal(
        (await api.call('DELETE', `/api/v1/silences/${silenceID}`, { as: 'acmeAdmin' })).status,
        404,
      )
      const replace = await api.call('POST', '/api/v1/silences', {
        as: 'acmeAdmin',
        body: {
          id: silenceID,
          matchers: [{ name: 'host', value: 'a', isRegex: false }],
          endsAt: '2023-11-15T00:00:00Z',
          createdBy: 'eve',
          comment: 'take over',
        },
      })
      assert.equal(replace.status, 404)
      const mine = dataOf<{ status: { state: string } }>(
        await api.call('GET', `/api/v1/silences/${silenceID}`, { as: 'other' }),
      )
      assert.equal(mine.status.state, 'active')
      // other's silence mutes other's alert only.
      assert.deepEqual(
        (await alertsOf(api, '', 'other')).find((a) => a.fingerprint === FP_SECRET)!.silencedBy,
        [silenceID],
      )

      // Claiming the other tenant with a query key is refused; no key, or an ingest key, too.
      for (const [options, status] of [
        [{ as: 'acme', headers: { 'x-scope-orgid': 'other' } }, 403],
        [{ as: 'acmeIngest' }, 403],
        [{}, 401],
      ] as const) {
        for (const path of [
          '/api/v1/alerts',
          '/api/v1/alerts/history',
          '/api/v1/silences',
          `/api/v1/silences/${silenceID}`,
        ]) {
          assert.equal(
            (await api.call('GET', path, options)).status,
            status,
            `${path} ${JSON.stringify(options)}`,
          )
        }
      }
    })
  })
})
