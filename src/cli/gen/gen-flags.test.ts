import assert from 'node:assert/strict'
import { test } from 'node:test'
import { genInputFromFlags } from './gen-flags.js'

test('flags become options: numbers, lists, per-signal batch, repeated incidents', () => {
  const input = genInputFromFlags({
    url: 'http://h:1',
    signals: 'metrics, logs,metrics',
    rate: 500,
    duration: '30',
    batch: 'metrics=1000,traces=50',
    incident: ['spike@5', 'latency:payments'],
    apiKey: 12345,
    metricsProtocol: 'otlp',
  })
  assert.deepEqual(input, {
    url: 'http://h:1',
    apiKey: '12345',
    metricsProtocol: 'otlp',
    rate: 500,
    durationS: 30,
    signals: ['metrics', 'logs'],
    batch: { metrics: 1000, traces: 50 },
    incidents: [
      { kind: 'spike', atS: 5, service: undefined },
      { kind: 'latency', atS: 60, service: 'payments' },
    ],
  })
  assert.deepEqual(genInputFromFlags({ batch: 64 }), { batch: { metrics: 64, logs: 64, traces: 64 } })
})

test('malformed flags are all named in one usage error', () => {
  assert.throws(
    () => genInputFromFlags({ rate: 'x', concurrency: [1, 2], batch: 'logs=abc', tenant: true }),
    (err: Error) =>
      /--rate: expected a number/.test(err.message) &&
      /--concurrency: given more than once/.test(err.message) &&
      /--batch: expected N/.test(err.message) &&
      /--tenant: expected one value/.test(err.message),
  )
})
