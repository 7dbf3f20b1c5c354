import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { decodeRemoteWrite } from '../ingest/prometheus/index.js'
import type { GenProgress } from './gen-stats.js'
import type { SendOutcome, Transport } from './http-transport.js'
import type { Payload } from './payload.js'
import { runGenerator } from './run-generator.js'
import { VirtualTimers } from './testing/virtual-timers.js'

/** A transport that answers from a script (cycled) and remembers what it was sent, and when. */
function scripted(
  time: VirtualTimers,
  script: readonly SendOutcome[],
): Transport & { sent: { p: Payload; at: number }[] } {
  const sent: { p: Payload; at: number }[] = []
  return {
    sent,
    send: async (p) => {
      sent.push({ p, at: time.clock.nowMs() })
      return script[(sent.length - 1) % script.length]!
    },
    close: () => {},
  }
}
const ok: SendOutcome = { kind: 'response', status: 204, retryAfterMs: undefined }

test('the rate holds with virtual time: 1000 lines/s for 10 s is 10 000 lines', async () => {
  const time = new VirtualTimers()
  const transport = scripted(time, [ok])
  const progress: GenProgress[] = []
  const summary = await time.run(
    runGenerator(
      { signals: ['logs'], rate: 1000, durationS: 10, batch: { logs: 100 }, concurrency: 3, pool: 0 },
      { clock: time.clock, sleep: time.sleep, transport, onProgress: (p) => progress.push(p) },
    ),
  )
  assert.equal(summary.ackedRecords, 10_000)
  assert.equal(summary.requestsOk, 100)
  assert.equal(summary.elapsedMs, 10_000)
  assert.equal(progress.length, 9, 'one report per second (the last second ends the run)')
  for (const p of progress) assert.ok(Math.abs(p.recordsPerS - 1000) <= 100, String(p.recordsPerS))
  const gaps = transport.sent.slice(1).map((s, i) => s.at - transport.sent[i]!.at)
  assert.ok(gaps.every((g) => g === 100))
})

test('rates are per signal and rate 0 sends as fast as the transport answers', async () => {
  const time = new VirtualTimers()
  const transport = scripted(time, [ok])
  const summary = await time.run(
    runGenerator(
      { signals: ['logs', 'traces'], rate: 500, durationS: 4, batch: { logs: 50, traces: 50 } },
      { clock: time.clock, sleep: time.sleep, transport },
    ),
  )
  assert.equal(summary.bySignal.logs?.ackedRecords, 2000)
  const spans = summary.bySignal.traces?.ackedRecords ?? 0
  assert.ok(spans > 1800 && spans <= 2050, String(spans))

  const fast = new VirtualTimers()
  const ac = new AbortController()
  let n = 0
  const counting: Transport = {
    send: async () => {
      if (++n === 50) ac.abort()
      return ok
    },
    close: () => {},
  }
  const s2 = await fast.run(
    runGenerator(
      { signals: ['metrics'], series: 50, services: 2 },
      { clock: fast.clock, sleep: fast.sleep, transport: counting, signal: ac.signal },
    ),
  )
  assert.ok(
    s2.requestsOk >= 50 && s2.requestsOk <= 54,
    'stops soon after the abort (in-flight requests finish)',
  )
  assert.equal(s2.elapsedMs, 0, 'no waiting at rate 0')
})

test('failures are counted, backed off (Retry-After honoured) and never resent; only 2xx reach the ack file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gen-ack-'))
  try {
    const ackFile = join(dir, 'acks.ndjson')
    const time = new VirtualTimers()
    const transport = scripted(time, [
      ok,
      { kind: 'response', status: 503, retryAfterMs: undefined },
      { kind: 'error', code: 'ECONNREFUSED' },
      { kind: 'response', status: 429, retryAfterMs: 3000 },
      { kind: 'error', code: 'ECONNRESET' },
      { kind: 'response', status: 200, retryAfterMs: undefined },
    ])
    const summary = await time.run(
      runGenerator(
        {
          signals: ['metrics', 'logs', 'traces'],
          series: 100,
          rate: 0,
          durationS: 60,
          ackFile,
          concurrency: 1,
          batch: { logs: 20, traces: 20 },
        },
        { clock: time.clock, sleep: time.sleep, transport },
      ),
    )
    const sent = transport.sent
    assert.ok(sent.length > 30)
    const seqs = sent.map((s) => s.p.seq)
    assert.equal(new Set(seqs).size, seqs.length, 'no seq is sent twice')
    const metricTs = sent.filter((s) => s.p.signal === 'metrics').map((s) => s.p.tsMs)
    assert.ok(
      metricTs.every((t, i) => i === 0 || t > metricTs[i - 1]!),
      'metric timestamps strictly increase',
    )
    const after429 = sent.findIndex((s, i) => i % 6 === 3)
    assert.ok(sent[after429 + 1]!.at - sent[after429]!.at >= 3000, 'Retry-After respected')

    const acks = readFileSync(ackFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    const okSent = sent.filter((_s, i) => i % 6 === 0 || i % 6 === 5)
    assert.deepEqual(
      acks.map((a) => a['seq']),
      okSent.map((s) => s.p.seq),
    )
    assert.deepEqual(Object.keys(acks[0]!), ['seq', 'signal', 'protocol', 'status', 'records', 'tsMs'])
    assert.ok(acks.every((a) => a['status'] === 204 || a['status'] === 200))
    assert.equal(summary.requestsOk, acks.length)
    assert.equal(summary.requestsFailed, sent.length - acks.length)
    assert.equal(summary.byOutcome['ECONNREFUSED'], sent.filter((_s, i) => i % 6 === 2).length)
    assert.equal(summary.byOutcome['429'], sent.filter((_s, i) => i % 6 === 3).length)

    // an acked metrics request: every one of its samples sits at its tsMs, one per series
    const metricsAck = acks.find((a) => a['signal'] === 'metrics')!
    const body = sent.find((s) => s.p.seq === metricsAck['seq'])!.p.body
    const decoded = decodeRemoteWrite(body, 't')
    assert.ok(decoded.ok)
    assert.equal(decoded.batch.length, metricsAck['records'])
    assert.equal(decoded.batch.series.length, decoded.batch.length)
    assert.ok(decoded.batch.ts.every((t) => t === metricsAck['tsMs']))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('below the batch size, a request carries one second of records', async () => {
  const time = new VirtualTimers()
  const transport = scripted(time, [ok])
  await time.run(
    runGenerator(
      { signals: ['logs'], rate: 50, durationS: 3 },
      { clock: time.clock, sleep: time.sleep, transport },
    ),
  )
  assert.deepEqual(
    transport.sent.map((s) => [s.p.records, s.at - transport.sent[0]!.at]),
    [
      [50, 0],
      [50, 1000],
      [50, 2000],
    ],
  )
})

test('bad options are rejected before anything is sent', async () => {
  const time = new VirtualTimers()
  await assert.rejects(
    runGenerator({ concurrency: 0 }, { clock: time.clock, transport: scripted(time, [ok]) }),
    /concurrency must be an integer/,
  )
  await assert.rejects(
    runGenerator({ pool: 4, ackFile: '/tmp/x' }, { clock: time.clock, transport: scripted(time, [ok]) }),
    /cannot be combined with an ack file/,
  )
})
