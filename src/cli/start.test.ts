import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { freePort, makeTempDir, runVigil, tryGet, VigilProcess, waitFor } from './testing/run-vigil.js'

const READY_TIMEOUT_MS = 20_000

describe('vigil start', () => {
  let dataDir: string
  let cleanup: () => Promise<void>
  let port: number
  let vigil: VigilProcess
  let base: string

  before(async () => {
    ;({ dir: dataDir, cleanup } = await makeTempDir())
    port = await freePort()
    base = `http://127.0.0.1:${port}`
    const ingestPort = await freePort()
    vigil = new VigilProcess([
      'start',
      '--data-dir',
      dataDir,
      '--api-port',
      String(port),
      '--ingest-port',
      String(ingestPort),
    ])
    await waitFor(
      async () => {
        if (vigil.hasExited) throw new Error(`vigil start exited early.\n${vigil.describe()}`)
        return (await tryGet(`${base}/readyz`))?.status === 200
      },
      { timeoutMs: READY_TIMEOUT_MS, what: `${base}/readyz to answer 200`, context: () => vigil.describe() },
    )
  })

  after(async () => {
    vigil.kill()
    await vigil.exited.catch(() => undefined)
    await cleanup()
  })

  test('prints where it listens and what to curl', () => {
    assert.match(vigil.stderr, new RegExp(`curl ${base}/readyz`))
    assert.match(vigil.stderr, new RegExp(`curl ${base}/metrics`))
    assert.ok(vigil.stderr.includes(dataDir), vigil.describe())
  })

  test('writes structured JSON logs to stdout', () => {
    const lines = vigil.stdout.split('\n').filter((l) => l.trim() !== '')
    assert.ok(lines.length > 0, vigil.describe())
    for (const line of lines) {
      const entry = JSON.parse(line) as { level?: unknown; msg?: unknown }
      assert.equal(typeof entry.level, 'number', line)
      assert.equal(typeof entry.msg, 'string', line)
    }
  })

  test('/healthz and /readyz answer 200 with JSON', async () => {
    const health = await fetch(`${base}/healthz`)
    assert.equal(health.status, 200)
    assert.deepEqual(await health.json(), { status: 'ok' })
    const ready = await fetch(`${base}/readyz`)
    assert.equal(ready.status, 200)
    const body = (await ready.json()) as { status: string; reason: string }
    assert.equal(body.status, 'ready')
    assert.equal(typeof body.reason, 'string')
  })

  test('/metrics has process metrics and the log counters', async () => {
    const res = await fetch(`${base}/metrics`)
    assert.equal(res.status, 200)
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/)
    const text = await res.text()
    assert.match(text, /^# TYPE vigil_log_appended_records_total counter$/m)
    assert.match(text, /^vigil_log_appended_records_total \d+/m)
    assert.match(text, /^vigil_log_fsyncs_total \d+/m)
    assert.match(text, /^process_cpu_user_seconds_total /m)
    assert.match(text, /^# TYPE vigil_log_partition_high_watermark gauge$/m)
  })

  test('an unknown path is a JSON 404', async () => {
    const res = await fetch(`${base}/no/such/path?x=1`)
    assert.equal(res.status, 404)
    const body = (await res.json()) as { error?: unknown }
    assert.equal(typeof body.error, 'string')
  })

  test('a second vigil start on the same data dir fails with a one-line lock message', async () => {
    const other = await runVigil(['start', '--data-dir', dataDir, '--api-port', String(await freePort())])
    assert.equal(other.code, 1, `${other.stdout}\n${other.stderr}`)
    assert.match(other.stderr, /LOG_DIR_LOCKED/)
    assert.match(other.stderr, /in use/)
    assert.equal(other.stderr.trim().split('\n').length, 1, other.stderr)
    assert.doesNotMatch(other.stderr, /^\s+at /m)
    // The first process is untouched.
    assert.equal((await tryGet(`${base}/readyz`))?.status, 200)
  })

  test('SIGTERM stops it gracefully with exit code 0', async () => {
    vigil.child.kill('SIGTERM')
    const result = await vigil.exited
    assert.equal(result.code, 0, vigil.describe())
    assert.equal(await tryGet(`${base}/healthz`), undefined)
    assert.match(result.stdout, /Vigil stopped/)
  })
})

describe('vigil start rejects bad flags with one line and exit code 1', () => {
  const cases: readonly (readonly [string, readonly string[], RegExp])[] = [
    ['unknown fsync policy', ['--fsync', 'sometimes'], /--fsync "sometimes": .*always/],
    ['non-numeric port', ['--api-port', 'abc'], /--api-port: expected an integer, got "abc"/],
    ['port out of range', ['--api-port', '70000'], /--api-port 70000: /],
    ['fsync interval too large', ['--fsync-interval-ms', '999999'], /--fsync-interval-ms 999999: /],
    ['unknown flag', ['--no-such-flag'], /Unknown option `--noSuchFlag`|Unknown option/],
    ['stray argument', ['extra'], /takes no argument "extra"/],
    ['repeated flag', ['--fsync', 'none', '--fsync', 'always'], /--fsync: given more than once/],
    ['unknown auth mode', ['--auth', 'maybe'], /--auth "maybe": .*none.*keys/],
    ['non-numeric ingest port', ['--ingest-port', 'x'], /--ingest-port: expected an integer, got "x"/],
    [
      'missing config file',
      ['--config', '/no/such/vigil.yaml'],
      /cannot read the config file \/no\/such\/vigil\.yaml/,
    ],
  ]
  for (const [name, args, message] of cases) {
    test(name, async () => {
      const { dir, cleanup } = await makeTempDir()
      try {
        const port = args.includes('--api-port') ? [] : ['--api-port', '0']
        const result = await runVigil(['start', '--data-dir', dir, ...port, ...args])
        assert.equal(result.code, 1, result.stderr)
        assert.match(result.stderr, message)
        assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr)
      } finally {
        await cleanup()
      }
    })
  }
})

describe('vigil start --demo', () => {
  test('runs the load generator in-process: every signal reaches the log', async () => {
    const { dir, cleanup } = await makeTempDir()
    const [api, ingest] = [await freePort(), await freePort()]
    const vigil = new VigilProcess([
      'start',
      '--demo',
      '--data-dir',
      dir,
      '--api-port',
      String(api),
      '--ingest-port',
      String(ingest),
    ])
    try {
      const accepted = async (): Promise<Record<string, number>> => {
        const res = await tryGet(`http://127.0.0.1:${api}/api/v1/ingest/status`)
        if (res?.status !== 200) return {}
        const status = JSON.parse(res.body) as { ledger: { signal: string; accepted: number }[] }
        return Object.fromEntries(status.ledger.map((r) => [r.signal, r.accepted]))
      }
      await waitFor(
        async () => {
          const a = await accepted()
          return (a['metrics'] ?? 0) > 0 && (a['logs'] ?? 0) > 0 && (a['traces'] ?? 0) > 0
        },
        {
          timeoutMs: READY_TIMEOUT_MS,
          what: 'demo traffic in every signal',
          context: () => vigil.describe(),
        },
      )
      assert.match(vigil.stderr, /Demo {7}sending synthetic metrics, logs and traces/)
      vigil.child.kill('SIGTERM')
      assert.equal((await vigil.exited).code, 0, vigil.describe())
    } finally {
      vigil.kill()
      await cleanup()
    }
  })

  test('refuses --demo with --auth keys', async () => {
    const { dir, cleanup } = await makeTempDir()
    try {
      const result = await runVigil([
        'start',
        '--demo',
        '--auth',
        'keys',
        '--data-dir',
        dir,
        '--api-port',
        '0',
        '--ingest-port',
        '0',
      ])
      assert.equal(result.code, 1)
      assert.match(result.stderr, /--demo .* needs --auth none/)
    } finally {
      await cleanup()
    }
  })
})

describe('vigil start --config', () => {
  test('reads a YAML file; flags override it; unknown keys are named', async () => {
    const { dir, cleanup } = await makeTempDir()
    const [fileApi, flagApi, ingest] = [await freePort(), await freePort(), await freePort()]
    const file = join(dir, 'vigil.yaml')
    await writeFile(
      file,
      [
        `api:`,
        `  port: ${fileApi}`,
        `ingest:`,
        `  port: ${ingest}`,
        `  limits:`,
        `    maxTenants: 7`,
        '',
      ].join('\n'),
    )
    const vigil = new VigilProcess([
      'start',
      '--config',
      file,
      '--data-dir',
      join(dir, 'data'),
      '--api-port',
      String(flagApi),
    ])
    try {
      await waitFor(async () => (await tryGet(`http://127.0.0.1:${flagApi}/readyz`))?.status === 200, {
        timeoutMs: READY_TIMEOUT_MS,
        what: 'the API on the port given by the flag',
        context: () => vigil.describe(),
      })
      assert.equal(
        await tryGet(`http://127.0.0.1:${fileApi}/readyz`),
        undefined,
        'the flag wins over the file',
      )
      const res = await fetch(`http://127.0.0.1:${ingest}/api/v1/events/x`, {
        method: 'POST',
        body: '{"a":1}\n',
      })
      assert.equal(res.status, 200, 'ingest listens on the port from the file')
    } finally {
      vigil.kill()
      await vigil.exited.catch(() => undefined)
    }
    await writeFile(file, 'ingest:\n  limits:\n    maxTenant: 7\n')
    const bad = await runVigil(['start', '--config', file, '--data-dir', join(dir, 'data2')])
    assert.equal(bad.code, 1)
    assert.match(bad.stderr, /config ingest\.limits.*maxTenant/)
    await cleanup()
  })
})
