import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { labelsFingerprint } from '../fingerprint.js'
import { Silences } from '../routing/silences.js'
import type { AlertJson, SilenceJson } from './alert-json.js'
import { T0, anomaly, dataOf, errorOf, withAlertApi } from './testing/alert-api.js'

const FP_A = labelsFingerprint({
  alertname: 'QueueAnomaly',
  host: 'a',
  metric: 'queue_depth',
  service: 'checkout',
  severity: 'warning',
})
const HOUR = 3_600_000
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z')

/** An Alertmanager v2 silence body (amtool's shape), matching host="a". */
const postable = (over: Record<string, unknown> = {}) => ({
  matchers: [{ name: 'host', value: 'a', isRegex: false, isEqual: true }],
  startsAt: iso(T0),
  endsAt: iso(T0 + HOUR),
  createdBy: 'alice',
  comment: 'deploying',
  ...over,
})

describe('silences', () => {
  test('create (admin), list, read, mute matching alerts, replace by id, expire', async () => {
    await withAlertApi(async (api) => {
      api.source.queued.push(anomaly('acme', 'a', T0), anomaly('acme', 'b', T0))
      await api.tick()
      const created = await api.call('POST', '/api/v1/silences', { as: 'acmeAdmin', body: postable() })
      const { silenceID: id } = dataOf<{ silenceID: string }>(created)
      const silence = dataOf<SilenceJson>(await api.call('GET', `/api/v1/silences/${id}`, { as: 'acme' }))
      assert.deepEqual(silence, {
        id,
        status: { state: 'active' },
        matchers: [{ name: 'host', value: 'a', isRegex: false, isEqual: true }],
        startsAt: iso(T0),
        endsAt: iso(T0 + HOUR),
        updatedAt: iso(T0),
        createdBy: 'alice',
        comment: 'deploying',
      })
      const alerts = dataOf<{ alerts: AlertJson[] }>(
        await api.call('GET', '/api/v1/alerts?silenced=true', { as: 'acme' }),
      )
      assert.deepEqual(
        alerts.alerts.map((a) => [a.fingerprint, a.silencedBy]),
        [[FP_A, [id]]],
      )

      // A pending silence (starts later), every matcher type; listed after the active one.
      api.clock.advance(1_000)
      const later = dataOf<{ silenceID: string }>(
        await api.call('POST', '/api/v1/silences', {
          as: 'acmeAdmin',
          body: postable({
            matchers: [
              { name: 'service', value: 'check.*', isRegex: true },
              { name: 'env', value: 'dev', isRegex: false, isEqual: false },
              { name: 'host', value: 'z.*', isRegex: true, isEqual: false },
            ],
            startsAt: iso(T0 + HOUR),
            endsAt: iso(T0 + 2 * HOUR),
          }),
        }),
      ).silenceID
      const listed = dataOf<{ silences: SilenceJson[] }>(
        await api.call('GET', '/api/v1/silences', { as: 'acme' }),
      )
      assert.deepEqual(
        listed.silences.map((s) => [s.id, s.status.state]),
        [
          [id, 'active'],
          [later, 'pending'],
        ],
      )
      assert.deepEqual(
        listed.silences[1]!.matchers.map((m) => [m.isRegex, m.isEqual]),
        [
          [true, true],
          [false, false],
          [true, false],
        ],
      )

      // Posting with `id` replaces: a new silence, the old one expired (amtool's update).
      const replaced = dataOf<{ silenceID: string }>(
        await api.call('POST', '/api/v1/silences', {
          as: 'acmeAdmin',
          body: { ...silence, endsAt: iso(T0 + 3 * HOUR), comment: 'longer' },
        }),
      ).silenceID
      assert.notEqual(replaced, id)
      const old = dataOf<SilenceJson>(await api.call('GET', `/api/v1/silences/${id}`, { as: 'acme' }))
      assert.deepEqual([old.status.state, old.endsAt], ['expired', iso(T0 + 1_000)])

      // Expire: the alert is no longer silenced; expiring again changes nothing.
      const expired = dataOf<SilenceJson>(
        await api.call('DELETE', `/api/v1/silences/${replaced}`, { as: 'acmeAdmin' }),
      )
      assert.equal(expired.status.state, 'expired')
      const again = dataOf<SilenceJson>(
        await api.call('DELETE', `/api/v1/silences/${replaced}`, { as: 'acmeAdmin' }),
      )
      assert.deepEqual(again, expired)
      const now = dataOf<{ alerts: AlertJson[] }>(
        await api.call('GET', '/api/v1/alerts?silenced=true', { as: 'acme' }),
      )
      assert.deepEqual(now.alerts, [])

      // Creating and expiring need the admin scope; reading needs query.
      assert.equal((await api.call('POST', '/api/v1/silences', { as: 'acme', body: postable() })).status, 403)
      assert.equal((await api.call('DELETE', `/api/v1/silences/${later}`, { as: 'acme' })).status, 403)
      assert.equal((await api.call('GET', `/api/v1/silences/${later}`, { as: 'acme' })).status, 200)
      assert.equal((await api.call('GET', '/api/v1/silences/no-such-id', { as: 'acme' })).status, 404)
      assert.equal((await api.call('DELETE', '/api/v1/silences/no-such-id', { as: 'acmeAdmin' })).status, 404)
    })
  })

  test('a bad silence is 400 naming the field', async () => {
    await withAlertApi(async (api) => {
      const cases: [unknown, RegExp][] = [
        [postable({ matchers: [] }), /^matchers: give at least one matcher/],
        [
          postable({ matchers: [{ name: 'host', value: '(', isRegex: true }] }),
          /^matchers\[0\]: invalid regular expression/,
        ],
        [
          postable({ matchers: [{ name: 'bad-name', value: 'a', isRegex: false }] }),
          /^matchers\[0\]: invalid label name/,
        ],
        [
          postable({ matchers: [{ name: 'host', value: 'a' }] }),
          /^matchers\[0\]\.isRegex: must be true or false$/,
        ],
        [
          postable({ matchers: [{ name: 'host', value: '.*', isRegex: true }] }),
          /^matchers: every matcher matches the empty string/,
        ],
        [postable({ endsAt: iso(T0 - 1_000) }), /^endsAt: "2023-11-14T22:13:19Z" is not after startsAt/],
        [
          postable({ startsAt: iso(T0 - 2 * HOUR), endsAt: iso(T0 - HOUR) }),
          /^endsAt: "2023-11-14T21:13:20Z" is in the past$/,
        ],
        [postable({ endsAt: undefined }), /^endsAt: is missing/],
        [postable({ endsAt: 'tomorrow' }), /^endsAt: "tomorrow" is not a time/],
        [postable({ startsAt: 5 }), /^startsAt: must be a time as a string/],
        [postable({ createdBy: '' }), /^createdBy: is empty$/],
        [postable({ comment: undefined }), /^comment: is missing$/],
        ['[]', /^body: must be a JSON object$/],
      ]
      for (const [body, message] of cases) {
        const reply = await api.call('POST', '/api/v1/silences', {
          as: 'acmeAdmin',
          body: typeof body === 'string' ? body : JSON.parse(JSON.stringify(body)),
          headers: { 'content-type': 'application/json' },
        })
        const [status, type, error] = errorOf(reply)
        assert.deepEqual([status, type], [400, 'bad_data'], error)
        assert.match(error, message)
      }
      const unknown = await api.call('POST', '/api/v1/silences', {
        as: 'acmeAdmin',
        body: postable({ id: 'nope' }),
      })
      assert.deepEqual(errorOf(unknown).slice(0, 2), [404, 'not_found'])
    })
  })

  test("past the tenant's silence limit, creating is 422 execution", async () => {
    await withAlertApi(
      async (api) => {
        for (let i = 0; i < 2; i++) {
          assert.equal(
            (await api.call('POST', '/api/v1/silences', { as: 'acmeAdmin', body: postable() })).status,
            200,
          )
        }
        const [status, type, error] = errorOf(
          await api.call('POST', '/api/v1/silences', { as: 'acmeAdmin', body: postable() }),
        )
        assert.deepEqual([status, type], [422, 'execution'])
        assert.match(error, /too many silences: tenant "acme" has 2/)
        // Another tenant has its own limit.
        assert.equal(
          (await api.call('POST', '/api/v1/silences', { as: 'otherAdmin', body: postable() })).status,
          200,
        )
      },
      {
        service: (s) => ({
          alerts: (t) => s.alerts(t),
          alert: (t, f) => s.alert(t, f),
          acknowledgements: s.acknowledgements,
          silences: new Silences({ maxPerTenant: 2 }),
        }),
      },
    )
  })
})
