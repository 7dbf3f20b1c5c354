import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import http from 'node:http'
import type { Socket } from 'node:net'
import { join } from 'node:path'
import { test } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import { attribute, decodeLogs, decodeTraces } from '../../gen/testing/otlp-schema.js'
import { decodeRemoteWrite } from '../../ingest/prometheus/index.js'
import { VigilProcess, freePort, makeTempDir, runVigil, waitFor } from '../testing/run-vigil.js'

/**
 * A stand-in ingest listener that answers 204, 503 or drops the connection in turn, and records the
 * identity of every request it saw: the metric timestamp (remote_write) or `gen.seq` (OTLP).
 */
class FlakyIngest {
  readonly seen: { id: string; answer: 'ok' | '503' | 'drop' }[] = []
  #server: http.Server | undefined
  #sockets = new Set<Socket>()
  #n = 0

  async listen(port: number): Promise<void> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const id = identity(req.url ?? '', Buffer.concat(chunks))
        const n = ++this.#n
        const answer = n % 5 === 2 ? '503' : n % 7 === 3 ? 'drop' : 'ok'
        this.seen.push({ id, answer })
        if (answer === 'drop') req.socket.destroy()
        else res.writeHead(answer === 'ok' ? 204 : 503).end()
      })
    })
    server.on('connection', (s: Socket) => {
      this.#sockets.add(s)
      s.on('close', () => this.#sockets.delete(s))
    })
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
    this.#server = server
  }

  /** Like a killed server: stop listening and cut every connection. */
  async kill(): Promise<void> {
    const server = this.#server
    this.#server = undefined
    for (const s of this.#sockets) s.destroy()
    if (server !== undefined) await new Promise((resolve) => server.close(resolve))
  }

  get acked(): number {
    return this.seen.filter((s) => s.answer === 'ok').length
  }
}

function identity(path: string, body: Buffer): string {
  if (path === '/api/v1/write') {
    const res = decodeRemoteWrite(body, 't')
    assert.ok(res.ok && res.batch.length > 0)
    const ts = res.batch.ts[0]!
    assert.ok(
      res.batch.ts.every((t) => t === ts),
      'one timestamp per metrics request',
    )
    assert.equal(new Set(res.batch.seriesIdx).size, res.batch.length, 'each series once')
    return `metrics:${ts}`
  }
  if (path === '/v1/logs') {
    const records = decodeLogs(body).resourceLogs.flatMap((r) => r.scopeLogs.flatMap((s) => s.logRecords))
    const seqs = new Set(records.map((r) => attribute(r.attributes, 'gen.seq')?.intValue))
    assert.equal(seqs.size, 1)
    return `logs:${[...seqs][0]}`
  }
  assert.equal(path, '/v1/traces')
  const spans = decodeTraces(body).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans))
  const seqs = new Set(spans.map((s) => attribute(s.attributes, 'gen.seq')?.intValue))
  assert.equal(seqs.size, 1)
  return `traces:${[...seqs][0]}`
}

test('vigil gen against a flaky listener that is killed and restarted: acks match, nothing resent', async () => {
  const { dir, cleanup } = await makeTempDir('vigil-gen-')
  const port = await freePort()
  const ingest = new FlakyIngest()
  await ingest.listen(port)
  const ackFile = join(dir, 'acks.ndjson')
  const gen = new VigilProcess([
    'gen',
    '--url',
    `http://127.0.0.1:${port}`,
    '--rate',
    '4000',
    '--batch',
    'metrics=200,logs=100,traces=100',
    '--series',
    '200',
    '--concurrency',
    '2',
    '--ack-file',
    ackFile,
    '--incident',
    'latency@0',
  ])
  try {
    const wait = (what: string, check: () => boolean): Promise<void> =>
      waitFor(check, { timeoutMs: 10_000, what, context: () => gen.describe() })
    await wait('the first acknowledged requests', () => ingest.acked >= 10)
    await ingest.kill()
    await delay(600) // gen meets connection refused and backs off
    const beforeRestart = ingest.seen.length
    await ingest.listen(port)
    await wait('requests after the restart', () => ingest.seen.length >= beforeRestart + 10)
    gen.child.kill('SIGINT')
    const result = await gen.exited
    assert.equal(result.code, 0, gen.describe())
    assert.match(result.stderr, /requests acknowledged/)
    assert.match(result.stderr, /ECONNREFUSED|ECONNRESET/)

    const ids = ingest.seen.map((s) => s.id)
    assert.equal(new Set(ids).size, ids.length, 'no request identity reached the server twice')
    const acks = readFileSync(ackFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { seq: number; signal: string; status: number; tsMs: number })
    const ackedIds = acks.map((a) => (a.signal === 'metrics' ? `metrics:${a.tsMs}` : `${a.signal}:${a.seq}`))
    const answeredOk = ingest.seen.filter((s) => s.answer === 'ok').map((s) => s.id)
    const answered = new Set(answeredOk)
    assert.ok(
      ackedIds.every((id) => answered.has(id)),
      'every line of the ack file is a request the server answered 2xx',
    )
    // A 204 written just before the kill may never reach gen: at most one per in-flight request.
    const acked = new Set(ackedIds)
    assert.ok(
      answeredOk.filter((id) => !acked.has(id)).length <= 2,
      'every other 2xx answer is in the ack file',
    )
    assert.ok(acks.every((a) => a.status === 204))
    assert.ok(new Set(acks.map((a) => a.signal)).size === 3)
  } finally {
    gen.kill()
    await ingest.kill()
    await cleanup()
  }
})

test('vigil gen rejects bad flags with a usage message', async () => {
  const result = await runVigil(['gen', '--rate', 'fast', '--signals', 'metrics,spans', '--incident', 'boom'])
  assert.equal(result.code, 1)
  assert.match(result.stderr, /--rate: expected a number/)
  assert.match(result.stderr, /unknown signal "spans"/)
  assert.match(result.stderr, /incident "boom"/)
  const both = await runVigil(['gen', '--pool', '4', '--ack-file', '/tmp/never-written.ndjson'])
  assert.equal(both.code, 1)
  assert.match(both.stderr, /cannot be combined with an ack file/)
})
