import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { runBench } from '../testing/run-bench.js'

// Keeps the benchmark from rotting: the decode suite runs in --quick mode (tiny payloads, one run
// of 0.1 s per case) through the real entry point. It asserts that it completes, not how fast.
test('npm run bench -- decode --quick completes, prints its table and writes only its docs section', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-bench-decode-test-'))
  try {
    const docs = join(dir, 'benchmarks.md')
    const other = '<!-- bench:other:start -->\n\n## Other\n\nkept\n\n<!-- bench:other:end -->'
    await writeFile(docs, `# Benchmarks\n\nHand-written note.\n\n${other}\n`)

    const result = await runBench(['decode', '--quick', '--docs-file', docs, '--data-dir', join(dir, 'data')])

    assert.equal(result.code, 0, result.stderr)
    assert.match(
      result.stdout,
      /Case\s+Input\s+B\/sample\s+Points\/call\s+Samples\/call\s+M points\/s\s+M samples\/s/,
    )
    for (const id of [
      'remote_write/decodeRemoteWrite',
      'remote_write/RemoteWriteDecoder',
      'otlp/counters/proto/decodeOtlpMetricsProto',
      'otlp/counters/proto/OtlpMetricsDecoder',
      'otlp/counters/json/decodeOtlpMetricsJson',
      'otlp/counters+histograms/proto/OtlpMetricsDecoder',
      'otlp/counters+histograms/json/decodeOtlpMetricsJson',
      'batch/encodeMetricBatch',
      'batch/decodeMetricBatch',
    ]) {
      assert.match(result.stdout, new RegExp(`^${id.replace(/[+/]/g, '\\$&')}\\s.*\\d\\.\\d\\d$`, 'm'), id)
    }
    assert.match(result.stdout, /References \(DESIGN\.md §8/)
    const written = await readFile(docs, 'utf8')
    assert.ok(written.includes('Hand-written note.') && written.includes(other), written)
    assert.match(
      written,
      /<!-- bench:decode:start -->\n\n## Decode\n[\s\S]*Command: `npm run bench -- decode --quick[\s\S]*\| Case \|[\s\S]*<!-- bench:decode:end -->/,
    )
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('--only restricts the decode suite to the matching cases', async () => {
  const result = await runBench(['decode', '--quick', '--no-docs', '--only', 'batch/'])
  assert.equal(result.code, 0, result.stderr)
  assert.match(result.stdout, /^batch\/encodeMetricBatch\s/m)
  assert.doesNotMatch(result.stdout, /^remote_write\//m)
})
