import assert from 'node:assert/strict'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { runBench } from '../testing/run-bench.js'

// Keeps the benchmark from rotting: the ingest suite runs in --quick mode (small pools, one run of
// 2 s per case against real `vigil start` child processes) through the real entry point, with the
// VictoriaMetrics binary pointed at a missing file so the baseline is skipped. It asserts that the
// suite completes and what its report looks like, not how fast.
test('npm run bench -- ingest --quick completes, prints its table and writes only its docs section', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-bench-ingest-test-'))
  const previous = process.env['VIGIL_BENCH_VICTORIA_METRICS']
  process.env['VIGIL_BENCH_VICTORIA_METRICS'] = join(dir, 'no-victoria-metrics')
  try {
    const docs = join(dir, 'benchmarks.md')
    const dataDir = join(dir, 'data')
    const other = '<!-- bench:other:start -->\n\n## Other\n\nkept\n\n<!-- bench:other:end -->'
    await writeFile(docs, `# Benchmarks\n\nHand-written note.\n\n${other}\n`)

    const result = await runBench(['ingest', '--quick', '--docs-file', docs, '--data-dir', dataDir])

    assert.equal(result.code, 0, result.stderr)
    assert.match(
      result.stdout,
      /Case\s+Records\/s\s+Unit\s+Server CPU\s+Records\/CPU-s\s+RSS peak MiB\s+RSS end MiB\s+Client CPU\s+Conns\s+Non-2xx/,
    )
    for (const [id, unit] of [
      ['vigil/remote_write/1k', 'samples'],
      ['vigil/remote_write/4k', 'samples'],
      ['vigil/otlp_metrics/1k', 'samples'],
      ['vigil/otlp_metrics/4k', 'samples'],
      ['vigil/otlp_traces', 'spans'],
      ['vigil/otlp_logs', 'lines'],
    ] as const) {
      const row = new RegExp(
        `^${id}\\s+[\\d,]+\\s+${unit}\\s+\\d+%\\s+[\\d,.]+\\s+[\\d,.]+\\s+[\\d,.]+\\s+\\d+%\\s+\\d+\\s+0$`,
        'm',
      )
      assert.match(result.stdout, row, id)
    }
    assert.doesNotMatch(result.stdout, /^victoria-metrics\//m)
    assert.match(result.stdout, /VictoriaMetrics baseline skipped: install victoria-metrics \(apt\)/)
    assert.match(
      result.stdout,
      /Goal ≥ 1,000,000 samples\/s sustained, fsync=interval: remote_write\/1k [\d,]+ \((met|NOT met)/,
    )
    // A probe on a loaded machine may see no acknowledged record in its 0.25 s (printed 0.000).
    assert.match(result.stdout, /vigil\/otlp_logs: 4 → [\d.,]+, 8 → [\d.,]+; chose (4|8)/)
    const written = await readFile(docs, 'utf8')
    assert.ok(written.includes('Hand-written note.') && written.includes(other), written)
    assert.match(
      written,
      /<!-- bench:ingest:start -->\n\n## Ingest\n[\s\S]*Command: `npm run bench -- ingest --quick[\s\S]*\| Case \|[\s\S]*VictoriaMetrics baseline skipped[\s\S]*<!-- bench:ingest:end -->/,
    )
    assert.deepEqual(await readdir(dataDir), [], 'temp dirs are removed')
  } finally {
    if (previous === undefined) delete process.env['VIGIL_BENCH_VICTORIA_METRICS']
    else process.env['VIGIL_BENCH_VICTORIA_METRICS'] = previous
    await rm(dir, { recursive: true, force: true })
  }
})
