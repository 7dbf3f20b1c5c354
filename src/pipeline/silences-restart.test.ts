import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import pino from 'pino'
import { AllInOne } from './all-in-one.js'
import { IngestApp } from './testing/ingest-app.js'

let vigil: IngestApp | undefined
let again: AllInOne | undefined
after(async () => {
  await again?.shutdown()
  await vigil?.dispose()
})

async function silences(
  apiUrl: string,
): Promise<{ id: string; comment: string; status: { state: string } }[]> {
  const res = await fetch(`${apiUrl}/api/v1/silences`, { headers: { 'X-Scope-OrgID': 'acme' } })
  assert.equal(res.status, 200)
  return (
    (await res.json()) as { data: { silences: { id: string; comment: string; status: { state: string } }[] } }
  ).data.silences
}

test('silences are kept in the store: created and expired ones come back after a restart', async () => {
  vigil = await IngestApp.start({ selfMonitoring: { enabled: false } })
  const post = async (comment: string): Promise<string> => {
    const res = await fetch(`${vigil!.apiUrl}/api/v1/silences`, {
      method: 'POST',
      headers: { 'X-Scope-OrgID': 'acme', 'content-type': 'application/json' },
      body: JSON.stringify({
        matchers: [{ name: 'service', value: 'checkout', isRegex: false, isEqual: true }],
        startsAt: new Date(Date.now() - 1000).toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        createdBy: 'sre',
        comment,
      }),
    })
    assert.equal(res.status, 200, await res.clone().text())
    return ((await res.json()) as { data: { silenceID: string } }).data.silenceID
  }
  const kept = await post('deploy window')
  const ended = await post('ended early')
  const del = await fetch(`${vigil.apiUrl}/api/v1/silences/${ended}`, {
    method: 'DELETE',
    headers: { 'X-Scope-OrgID': 'acme' },
  })
  assert.equal(del.status, 200)
  const before = await silences(vigil.apiUrl)
  await vigil.app.shutdown()

  again = new AllInOne(vigil.config, { logger: pino({ level: 'silent' }) })
  await again.start()
  const apiUrl = `http://127.0.0.1:${again.apiAddress().port}`
  const after = await silences(apiUrl)
  assert.deepEqual(after, before)
  assert.deepEqual(
    after.map((s) => [s.id, s.status.state]).sort(),
    [
      [kept, 'active'],
      [ended, 'expired'],
    ].sort(),
  )
})
