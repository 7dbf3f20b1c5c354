import assert from 'node:assert/strict'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { runBench } from '../testing/run-bench.js'

// Keeps the benchmark from rotting: the store suite runs in --quick mode (a few hundred series,
// 2 h of samples, 50k log lines, one run per case) through the real entry point. It asserts that
// every case completes and what the report looks like, not how fast.
test('npm run bench -- store --quick completes, prints its tables and writes only its docs section', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-bench-store-test-'))
  try {
    const docs = join(dir, 'benchmarks.md')
    const dataDir = join(dir, 'data')
    const other = '<!-- bench:other:start -->\n\n## Other\n\nkept\n\n<!-- bench:other:end -->'
    await writeFile(docs, `# Benchmarks\n\nHand-written note.\n\n${other}\n`)

    const result = await runBench(['store', '--quick', '--docs-file', docs, '--data-dir', dataDir])

    assert.equal(result.code, 0, result.stderr)
    assert.doesNotMatch(result.stdout, /failed/, result.stderr)
    for (const id of ['query/rate-sum-by/1h', 'query/rate-sum-by/24h'])
      assert.match(
        result.stdout,
        new RegExp(`^${id}\\s+\\d+ h / \\d+ s\\s+5 × \\d+\\s+[\\d,]+\\s+[\\d,.]+\\s+[\\d,.]+`, 'm'),
        id,
      )
    for (const id of [
      'query/logs/search/1h',
      'query/logs/search/all',
      'query/logs/search-rare/all',
      'query/logs/filter/1h',
      'query/logs/filter/all',
    ])
      assert.match(
        result.stdout,
        new RegExp(`^${id}\\s+.+\\s[\\d,]+\\s+\\d+( \\(more\\))?\\s+[\\d,.]+`, 'm'),
        id,
      )
    assert.match(result.stdout, /^write\/samples\s+[\d,]+\s+10,000\s/m)
    assert.match(result.stdout, /^write\/samples\+queries\s+[\d,]+\s+10,000\s+[\d.]+\s+[\d.]+\s+[1-9]\d*\s/m)
    assert.match(
      result.stdout,
      /Write rate with the 1 h dashboard query running back to back: [\d,]+ rows\/s/,
    )
    const written = await readFile(docs, 'utf8')
    assert.ok(written.includes('Hand-written note.') && written.includes(other), written)
    assert.match(
      written,
      /<!-- bench:store:start -->\n\n## Store and queries\n[\s\S]*Command: `npm run bench -- store --quick[\s\S]*### PromQL dashboard query[\s\S]*### Logs search[\s\S]*### Writes[\s\S]*<!-- bench:store:end -->/,
    )
    assert.deepEqual(await readdir(dataDir), [], 'temp dirs are removed')
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
