import assert from 'node:assert/strict'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { runBench } from '../testing/run-bench.js'

// Keeps the benchmark from rotting: the whole log suite runs in --quick mode (tiny volumes, one
// run) through the real entry point. It asserts that it completes, not how fast.
test('npm run bench -- log --quick completes, prints the interval ratio and writes only its docs section', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-bench-test-'))
  try {
    const docs = join(dir, 'benchmarks.md')
    const dataDir = join(dir, 'data')
    const other = '<!-- bench:other:start -->\n\n## Other\n\nkept\n\n<!-- bench:other:end -->'
    await writeFile(docs, `# Benchmarks\n\nHand-written note.\n\n${other}\n`)

    const result = await runBench(['log', '--quick', '--docs-file', docs, '--data-dir', dataDir])

    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, /1 KiB batches:\s+raw\/vigil = \d+(\.\d+)?x/)
    assert.match(result.stdout, /64 KiB batches:\s+raw\/vigil = \d+(\.\d+)?x/)
    assert.match(result.stdout, /Log reads/)
    assert.match(result.stdout, /full rescan/)
    const written = await readFile(docs, 'utf8')
    assert.ok(written.includes('Hand-written note.') && written.includes(other), written)
    assert.match(
      written,
      /<!-- bench:log:start -->\n\n## Log\n[\s\S]*Command: `npm run bench -- log --quick[\s\S]*<!-- bench:log:end -->/,
    )
    assert.deepEqual(await readdir(dataDir), [], 'temp dirs are removed')
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('an unknown suite name is an error that lists the available suites', async () => {
  const result = await runBench(['nope', '--quick', '--no-docs'])
  assert.equal(result.code, 2)
  assert.match(
    result.stderr,
    /Unknown benchmark suite "nope"\. Available: log, decode, ingest, engine, store, detect\./,
  )
  assert.equal(result.stdout, '')
})
