import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { makeTempDir, runVigil } from './testing/run-vigil.js'

test('vigil config validate: OK with the effective config, or every problem with its path', async () => {
  const { dir, cleanup } = await makeTempDir()
  try {
    const good = join(dir, 'good.yaml')
    await writeFile(
      good,
      'engine:\n  checkpointInterval: 500ms\njobs:\n  rollups:\n    enabled: true\n    windows: [10s, 5m]\n',
    )
    const ok = await runVigil(['config', 'validate', good, '--print'])
    assert.equal(ok.code, 0, ok.stderr)
    assert.match(ok.stderr, /good\.yaml: OK/)
    const effective = JSON.parse(ok.stdout) as {
      engine: { checkpointInterval: number }
      jobs: { rollups: { windows: number[] } }
    }
    assert.equal(effective.engine.checkpointInterval, 500)
    assert.deepEqual(effective.jobs.rollups.windows, [10_000, 300_000])

    const bad = join(dir, 'bad.yaml')
    await writeFile(
      bad,
      'engine:\n  checkpointInterval: soon\ningest:\n  port: 99999\njobs:\n  rollups:\n    windows: []\n',
    )
    const res = await runVigil(['config', 'validate', bad])
    assert.equal(res.code, 1)
    assert.match(res.stderr, /bad\.yaml: \d+ problems/)
    assert.match(res.stderr, /engine\.checkpointInterval: expected a duration like 500ms/)
    assert.match(res.stderr, /ingest\.port: /)
    assert.match(res.stderr, /jobs\.rollups\.windows: /)
  } finally {
    await cleanup()
  }
})
