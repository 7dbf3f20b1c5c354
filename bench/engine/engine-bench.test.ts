import assert from 'node:assert/strict'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { runBench } from '../testing/run-bench.js'

// Keeps the benchmark from rotting: the engine suite runs in --quick mode (tiny pre-filled logs,
// small operators, one short latency run per case against a real server child process) through
// the real entry point. It asserts that the suite completes and what its report looks like, not how fast.
test('npm run bench -- engine --quick completes, prints its tables and writes only its docs section', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-bench-engine-test-'))
  try {
    const docs = join(dir, 'benchmarks.md')
    const dataDir = join(dir, 'data')
    const other = '<!-- bench:other:start -->\n\n## Other\n\nkept\n\n<!-- bench:other:end -->'
    await writeFile(docs, `# Benchmarks\n\nHand-written note.\n\n${other}\n`)

    const result = await runBench(['engine', '--quick', '--docs-file', docs, '--data-dir', dataDir])

    assert.equal(result.code, 0, result.stderr)
    assert.doesNotMatch(result.stdout, /failed:/, result.stderr)
    for (const [id, step, perWindow, worst] of [
      ['throughput/1k/1s', '1s', '10', ''],
      ['throughput/1k/10s', '10s', '1', 'worst case, '],
      ['throughput/5k/1s', '1s', '10', ''],
    ] as const)
      assert.match(
        result.stdout,
        new RegExp(
          `^${id}\\s+[\\d,]+\\s+${step}\\s+${perWindow}\\s+[\\d,]+\\s+[\\d,.]+\\s+[\\d.]+\\s+[\\d,.]+\\s+${worst}(met|NOT met)`,
          'm',
        ),
        id,
      )
    for (const id of ['snapshot/1k', 'snapshot/5k'])
      assert.match(
        result.stdout,
        new RegExp(`^${id}\\s+[\\d,]+\\s+[\\d,.]+\\s+[\\d,.]+\\s+[\\d,.]+`, 'm'),
        id,
      )
    for (const load of ['50%', '80%'])
      for (const ms of ['1000', '200']) {
        const id = `latency/${load}/checkpoint-${ms}ms`
        assert.match(
          result.stdout,
          new RegExp(`^${id}\\s+[\\d,]+\\s+[\\d,]+\\s+[1-9]\\d*\\s+-?[\\d,.]+\\s+-?[\\d,.]+`, 'm'),
          id,
        )
      }
    assert.match(
      result.stdout,
      /Goal ≥ 1,000,000 samples\/s \(rollups, both cores, 1 s steps\): 1k series [\d,]+ \((met|NOT met).*; 5k series [\d,]+ \((met|NOT met)/,
    )
    assert.match(result.stdout, /Emission worst case, .*10 s steps.*: 1k series [\d,]+ samples\/s/)
    assert.match(result.stdout, /^latency\/capacity\s+[\d,]+\s+[\d,]+/m)
    assert.match(
      result.stdout,
      /Sustained end-to-end capacity \(.*\): ([\d,]+|not found) samples\/s \(overloaded at [\d,]+ offered, [\d,]+ came out as results; probes: [\d,]+ (sustained|not sustained)/,
    )
    assert.match(
      result.stdout,
      /Goal p99 < 1 s at 80 % load: checkpoint 1000 ms: p99 [\d,.]+ ms \((met|NOT met)\)/,
    )
    const written = await readFile(docs, 'utf8')
    assert.ok(written.includes('Hand-written note.') && written.includes(other), written)
    assert.match(
      written,
      /<!-- bench:engine:start -->\n\n## Engine\n[\s\S]*Command: `npm run bench -- engine --quick[\s\S]*\| Case \|[\s\S]*### End-to-end latency[\s\S]*<!-- bench:engine:end -->/,
    )
    assert.deepEqual(await readdir(dataDir), [], 'temp dirs are removed')
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
