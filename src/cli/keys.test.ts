import assert from 'node:assert/strict'
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { remoteWriteBody } from '../ingest/prometheus/testing/write-request-proto.js'
import { freePort, makeTempDir, runVigil, tryGet, VigilProcess, waitFor } from './testing/run-vigil.js'

test('vigil keys create/list/revoke, and vigil start --auth keys accepts the created key', async () => {
  const { dir, cleanup } = await makeTempDir()
  let vigil: VigilProcess | undefined
  try {
    const created = await runVigil([
      'keys',
      'create',
      '--data-dir',
      dir,
      '--tenant',
      'acme',
      '--scopes',
      'ingest,query',
    ])
    assert.equal(created.code, 0, created.stderr)
    const key = created.stdout.trim()
    assert.match(key, /^vgl_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/)
    assert.match(created.stderr, /shown only now/)
    const file = await readFile(join(dir, 'keys.json'), 'utf8')
    assert.ok(!file.includes(key.slice(17)), 'the keys file must not hold the secret')
    assert.equal((await stat(join(dir, 'keys.json'))).mode & 0o777, 0o600)

    const listed = await runVigil(['keys', 'list', '--data-dir', dir])
    assert.match(listed.stdout, /acme\s+ingest,query/)

    const bad = await runVigil(['keys', 'create', '--data-dir', dir, '--tenant', 'acme', '--scopes', 'write'])
    assert.equal(bad.code, 1)
    assert.match(bad.stderr, /unknown scope write/)

    const [api, ingest] = [await freePort(), await freePort()]
    vigil = new VigilProcess([
      'start',
      '--data-dir',
      dir,
      '--api-port',
      String(api),
      '--ingest-port',
      String(ingest),
      '--auth',
      'keys',
    ])
    await waitFor(async () => (await tryGet(`http://127.0.0.1:${api}/readyz`))?.status === 200, {
      timeoutMs: 20_000,
      what: 'vigil start to be ready',
      context: () => vigil?.describe() ?? '',
    })
    assert.match(vigil.stderr, /auth: keys — send Authorization: Bearer <key>/)
    const post = (headers: Record<string, string>): Promise<Response> =>
      fetch(`http://127.0.0.1:${ingest}/api/v1/write`, {
        method: 'POST',
        body: remoteWriteBody({
          timeseries: [
            { labels: [{ name: '__name__', value: 'up' }], samples: [{ timestamp: 1, value: 1 }] },
          ],
        }),
        headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy', ...headers },
      })
    assert.equal((await post({})).status, 401)
    assert.equal((await post({ authorization: `Bearer ${key}` })).status, 204)

    const id = key.slice(4, 16)
    const revoked = await runVigil(['keys', 'revoke', id, '--data-dir', dir])
    assert.equal(revoked.code, 0, revoked.stderr)
    assert.match((await runVigil(['keys', 'list', '--data-dir', dir])).stderr, /No keys/)
  } finally {
    vigil?.kill()
    await vigil?.exited.catch(() => undefined)
    await cleanup()
  }
})
