import assert from 'node:assert/strict'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { runBench } from '../testing/run-bench.js'

/** The cells of the text-table row that starts with `first` and contains `having` (cells are 2+ spaces apart). */
function cells(stdout: string, first: string, having: string): string[] {
  const line = stdout.split('\n').find((l) => l.startsWith(first) && l.includes(having))
  assert.ok(line !== undefined, `no row "${first} … ${having}" in:\n${stdout}`)
  return line.trim().split(/\s{2,}/)
}

/** A positive, finite number as the report prints it: `1,234,567`, `45.3`, `0.871`, `1.02x`, `5 (4–6)`. */
function positive(cell: string | undefined, what: string): number {
  const value = Number(
    (cell ?? '')
      .replace(/ \(.*\)$/, '')
      .replace(/x$/, '')
      .replace(/,/g, ''),
  )
  assert.ok(Number.isFinite(value) && value > 0, `${what}: "${cell}" is not a positive number`)
  return value
}

// Keeps the benchmark from rotting: the detect suite runs in --quick mode (1,000 series, the real
// warm-up, one run) through the real entry point. It asserts that every case completes with sane
// numbers and what the report looks like, not how fast.
test('npm run bench -- detect --quick completes, reports every case and writes only its docs section', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-bench-detect-test-'))
  try {
    const docs = join(dir, 'benchmarks.md')
    const dataDir = join(dir, 'data')
    const other = '<!-- bench:other:start -->\n\n## Other\n\nkept\n\n<!-- bench:other:end -->'
    await writeFile(docs, `# Benchmarks\n\nHand-written note.\n\n${other}\n`)

    const result = await runBench(['detect', '--quick', '--docs-file', docs, '--data-dir', dataDir])

    assert.equal(result.code, 0, result.stderr)
    for (const id of ['update/1-core', 'update/2-cores']) {
      for (const points of ['(warm-up)', '(after warm-up)']) {
        const row = cells(result.stdout, id, points)
        for (const [i, what] of [
          [3, 'updates per run'],
          [4, 'updates/s'],
          [5, 'per core'],
          [6, 'ns/update'],
        ] as const)
          positive(row[i], `${id} ${points} ${what}`)
        if (id === 'update/2-cores') positive(row[7], `${id} ${points} all ÷ wall time`)
      }
    }
    for (const points of ['(warm-up)', '(after warm-up)']) {
      const row = cells(result.stdout, 'stage/1-core', points)
      for (const i of [1, 3, 4, 5, 6]) positive(row[i], `stage/1-core ${points} column ${i}`)
    }
    positive(cells(result.stdout, 'stage/1-core', '(after warm-up)')[7], 'evictIdle ms')

    const bytes = (having: string): number => positive(cells(result.stdout, having, '')[2], having)
    assert.ok(bytes('detector state: stride') >= 8)
    const constructed = bytes('stage bank: stride')
    for (const label of ['measured: SeriesBank', 'measured: DetectStage bank']) {
      const measured = bytes(label)
      assert.ok(measured >= constructed * 0.9 && measured < 16 * 1024, `${label}: ${measured} B/series`)
    }

    for (const op of [
      '`snapshot(true)`',
      '`snapshot(false)`',
      '`restore([full])`',
      '`restore([full, delta])`',
    ]) {
      const row = cells(result.stdout, op, '')
      for (const i of [1, 2, 4, 5]) positive(row[i], `${op} column ${i}`)
    }
    assert.equal(cells(result.stdout, '`snapshot(true)`', '')[1], '1,000')
    assert.equal(cells(result.stdout, '`snapshot(false)`', '')[1], '100')

    assert.match(
      result.stdout,
      /^Goal ≥ 1,000,000 point updates\/s over both cores \(update\/2-cores, after warm-up\): [\d,]+\/s = \d+\.\d\dx the goal, (met|NOT met)/m,
    )
    assert.match(
      result.stdout,
      /^Realistic path \(DetectStage\.process, stage\/1-core, after warm-up\): [\d,]+ updates\/s/m,
    )
    assert.match(
      result.stdout,
      /^Goal ≤ 1 KiB of state per series: [\d,]+ B by construction \(\d+\.\d\dx\), [\d,]+ B measured .*(met|NOT met)\.$/m,
    )

    const written = await readFile(docs, 'utf8')
    assert.ok(written.includes('Hand-written note.') && written.includes(other), written)
    assert.match(
      written,
      /<!-- bench:detect:start -->\n\n## Detector\n[\s\S]*Command: `npm run bench -- detect --quick[\s\S]*### Point updates[\s\S]*### Detect stage[\s\S]*### State per series[\s\S]*### Checkpoints[\s\S]*<!-- bench:detect:end -->/,
    )
    assert.deepEqual(await readdir(dataDir), [], 'the suite leaves nothing in the data dir')
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('--only restricts the detect suite to the matching cases', async () => {
  const result = await runBench(['detect', '--quick', '--no-docs', '--only', 'memory'])
  assert.equal(result.code, 0, result.stderr)
  assert.match(result.stdout, /^State per series$/m)
  assert.doesNotMatch(result.stdout, /^update\//m)
  assert.doesNotMatch(result.stdout, /^stage\//m)
  assert.doesNotMatch(result.stdout, /snapshot\(true\)/)
})
