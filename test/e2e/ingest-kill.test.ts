import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { test } from 'node:test'
import { attributeValue, decodeBatch } from '../../src/core/batch/index.js'
import { INGEST_TOPICS } from '../../src/ingest/http/index.js'
import { createDefaultEmbeddedLogConfig } from '../../src/log/embedded/index.js'
import { readTopic } from '../../src/pipeline/testing/read-topic.js'
import { freePort, makeTempDir, tryGet, VigilProcess, waitFor } from '../../src/cli/testing/run-vigil.js'
import { Rng, crashSeed } from '../crash/harness.js'

/**
 * Acceptance (issue 3): while `vigil gen` streams metrics, logs and traces as fast as it can,
 * `kill -9` the server several times and restart it. Every request that got a 2xx (recorded by the
 * generator in its ack file) must be in the log exactly once:
 * - metrics: each remote_write request's samples all carry the request's unique timestamp, so
 *   the number of stored samples at that timestamp must equal the request's sample count;
 * - logs and spans carry `gen.seq`; the stored rows with that seq must equal the request's count.
 * Requests that got no answer may be stored or not (the client could not know); never twice,
 * because the generator never resends an identity.
 */
const KILLS = Number(process.env['VIGIL_INGEST_KILLS'] ?? 4)

interface Ack {
  readonly seq: number
  readonly signal: 'metrics' | 'logs' | 'traces'
  readonly status: number
  readonly records: number
  readonly tsMs?: number
}

test(`kill -9 vigil start ${KILLS} times under vigil gen: every acknowledged request is stored exactly once`, async (t) => {
  const rng = new Rng(crashSeed())
  const { dir, cleanup } = await makeTempDir()
  const dataDir = join(dir, 'data')
  const ackFile = join(dir, 'acks.ndjson')
  const [api, ingest] = [await freePort(), await freePort()]
  const startArgs = [
    'start',
    '--data-dir',
    dataDir,
    '--api-port',
    String(api),
    '--ingest-port',
    String(ingest),
  ]
  const ready = async (p: VigilProcess): Promise<void> =>
    waitFor(
      async () => {
        if (p.hasExited) throw new Error(`vigil start exited.\n${p.describe()}`)
        return (await tryGet(`http://127.0.0.1:${api}/readyz`))?.status === 200
      },
      { timeoutMs: 30_000, what: 'vigil start ready', context: () => p.describe() },
    )
  let server = new VigilProcess(startArgs)
  const gen = new VigilProcess([
    'gen',
    '--url',
    `http://127.0.0.1:${ingest}`,
    '--signals',
    'metrics,logs,traces',
    '--rate',
    '0',
    '--services',
    '4',
    '--series',
    '400',
    '--concurrency',
    '4',
    '--ack-file',
    ackFile,
    '--quiet',
  ])
  try {
    await ready(server)
    for (let k = 0; k < KILLS; k++) {
      await delay(rng.int(800, 2_000))
      server.kill('SIGKILL')
      await server.exited
      server = new VigilProcess(startArgs)
      await ready(server)
    }
    await delay(800)
    gen.child.kill('SIGINT')
    const genResult = await gen.exited
    assert.equal(genResult.code, 0, gen.describe())
    server.child.kill('SIGTERM')
    assert.equal((await server.exited).code, 0, server.describe())

    const acks = (await readFile(ackFile, 'utf8'))
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Ack)
    const bySignal = (s: Ack['signal']): Ack[] => acks.filter((a) => a.signal === s)
    for (const s of ['metrics', 'logs', 'traces'] as const) {
      assert.ok(
        bySignal(s).length > 5,
        `too few acknowledged ${s} requests to mean anything: ${bySignal(s).length}`,
      )
    }
    for (const a of acks) assert.ok(a.status >= 200 && a.status < 300)
    t.diagnostic(
      `acknowledged requests: metrics ${bySignal('metrics').length}, logs ${bySignal('logs').length}, ` +
        `traces ${bySignal('traces').length}; gen: ${genResult.stderr.trim().split('\n').slice(-3).join(' | ')}`,
    )

    const logConfig = createDefaultEmbeddedLogConfig(dataDir)
    // Metrics: samples per timestamp.
    const samplesAt = new Map<number, number>()
    for (const r of await readTopic(logConfig, INGEST_TOPICS.metrics)) {
      const d = decodeBatch(r.value)
      assert.ok(d.ok && d.batch.kind === 'metrics', 'a metric record decodes')
      for (const ts of d.batch.ts) samplesAt.set(ts, (samplesAt.get(ts) ?? 0) + 1)
    }
    for (const a of bySignal('metrics')) {
      assert.equal(samplesAt.get(a.tsMs!), a.records, `metrics request ${a.seq} @${a.tsMs}`)
    }
    // Logs and spans: rows per gen.seq.
    for (const [signal, topic] of [
      ['logs', INGEST_TOPICS.logs],
      ['traces', INGEST_TOPICS.traces],
    ] as const) {
      const rowsBySeq = new Map<string, number>()
      for (const r of await readTopic(logConfig, topic)) {
        const d = decodeBatch(r.value)
        assert.ok(d.ok && (d.batch.kind === 'logs' || d.batch.kind === 'spans'))
        for (const row of d.batch.rows) {
          const seq = attributeValue(row.attributes, 'gen.seq') ?? '?'
          rowsBySeq.set(seq, (rowsBySeq.get(seq) ?? 0) + 1)
        }
      }
      for (const a of bySignal(signal)) {
        assert.equal(rowsBySeq.get(String(a.seq)), a.records, `${signal} request ${a.seq}`)
      }
    }
  } finally {
    gen.kill()
    server.kill()
    await Promise.allSettled([gen.exited, server.exited])
    await cleanup()
  }
})
