import assert from 'node:assert/strict'
import { test } from 'node:test'
import { T0, withStore } from '../sql/testing/telemetry-fixture.js'
import { keyLabelListSql, keyLabels, labelValueSql } from './key-labels.js'
import { anomalyRow, writeAnomalies } from './testing/anomaly-fixture.js'

const CASES: [source: string, key: string, labels: Record<string, string>][] = [
  ['rollups', '__name__\u0000cpu\u0000host\u0000a', { __name__: 'cpu', host: 'a' }],
  ['rollups', 'a\u0000\u0000b\u00002', { b: '2' }], // an empty value is an absent label
  ['rollups', 'a\u00001\u0000a\u00002', { a: '1' }], // the first pair of a name wins
  ['rollups', 'odd\u00001\u0000tail', { odd: '1' }], // a dangling name has no value
  ['rollups', '', {}],
  ['rollups', '__proto__\u0000x', { ['__proto__']: 'x' }],
  ['red', 'checkout\u0000POST /pay', { service: 'checkout', operation: 'POST /pay' }],
  ['red', 'checkout\u0000a\u0000b', { service: 'checkout', operation: 'a\u0000b' }], // NUL in the name
  ['red', 'checkout', { service: 'checkout' }],
  ['log-counts', 'billing\u0000ERROR', { service: 'billing', severity: 'ERROR' }],
  ['other-job', 'x\u0000y', {}],
  ['constructor', 'x\u0000y', {}],
]

test('keyLabels decodes rollups label sets and the service keys of red and log-counts', () => {
  for (const [source, key, labels] of CASES) {
    const got = keyLabels(source, key)
    assert.deepEqual(got, labels, `${source} ${JSON.stringify(key)}`)
    assert.equal(Object.getPrototypeOf(got), Object.prototype)
  }
})

test('the SQL decoding reads every label as keyLabels does (absent labels as "")', async () => {
  await withStore(async (db, c) => {
    await writeAnomalies(
      db,
      CASES.map(([source, key], i) => anomalyRow(T0 + i, { source, key })),
    )
    const names = [
      '__name__',
      'host',
      'a',
      'b',
      'odd',
      'tail',
      '__proto__',
      'service',
      'operation',
      'severity',
    ]
    const values = names.map((_, i) => labelValueSql('l', `$${i + 1}`)).join(', ')
    const rows = (
      await c.runAndReadAll(
        `SELECT source, key, ${values} FROM (SELECT source, key, time_ms, ${keyLabelListSql()} AS l FROM anomalies)
         ORDER BY time_ms`,
        names,
      )
    ).getRows()
    assert.equal(rows.length, CASES.length)
    for (const [source, key, ...got] of rows) {
      const labels = keyLabels(String(source), String(key))
      assert.deepEqual(
        got,
        names.map((n) => (Object.hasOwn(labels, n) ? labels[n] : '')),
        `${String(source)} ${JSON.stringify(key)}`,
      )
    }
  })
})
