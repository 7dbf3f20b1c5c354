import assert from 'node:assert/strict'
import { test } from 'node:test'
import { formatProgress, formatSummary } from './format-progress.js'
import type { GenSummary } from './gen-stats.js'

const summary: GenSummary = {
  elapsedMs: 72_500,
  requestsOk: 1234,
  requestsFailed: 5,
  ackedRecords: 2_468_000,
  recordsPerS: 34_567.8,
  inFlight: 4,
  byOutcome: { '204': 1234, '503': 3, ECONNREFUSED: 2 },
  bySignal: { metrics: { requestsOk: 1234, requestsFailed: 5, ackedRecords: 2_468_000 } },
  lastSeq: 1239,
  averageRecordsPerS: 34_041,
}

test('the progress line names elapsed time, requests, rate, acked records and outcomes', () => {
  assert.equal(
    formatProgress(summary),
    '01:12  ok 1,234  failed 5  34,568 rec/s  acked 2,468,000  in-flight 4  [204 1,234, 503 3, ECONNREFUSED 2]',
  )
  const text = formatSummary(summary)
  assert.match(text, /^vigil gen: 01:12 elapsed, 1,234 requests acknowledged, 5 failed\n/)
  assert.match(text, /metrics\s+2,468,000 records in 1,234 ok \/ 5 failed requests/)
  assert.match(text, /by outcome\s+204 1,234, 503 3, ECONNREFUSED 2\n$/)
})
