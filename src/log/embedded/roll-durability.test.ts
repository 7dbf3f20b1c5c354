import assert from 'node:assert/strict'
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { openEmbeddedLog } from './embedded-log.js'
import { installFsyncJournal } from './testing/power-loss.js'

/**
 * Regression (found by the crash test under simulated power loss): with fsync `interval`, the
 * group fsync of a sealed segment's tail and of the new segment ran side by side, so a power loss
 * between them could keep later offsets while losing earlier ones — a gap recovery then served.
 * A roll now makes the sealed segment durable before the next one takes a byte.
 */
test('rolling a segment makes the sealed one durable first (no gap after a power loss)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-roll-'))
  const journal = join(dir, 'fsync-journal')
  installFsyncJournal(journal)
  // A long interval: no group fsync runs during the test, only what the roll does itself.
  const log = await openEmbeddedLog({
    dataDir: join(dir, 'data'),
    fsync: 'interval',
    fsyncIntervalMs: 10_000,
  })
  try {
    await log.createTopic('t', { partitions: 1, segmentBytes: 1024 })
    for (let i = 0; i < 20; i++) {
      await log.append('t', 0, [{ key: null, value: Buffer.alloc(200, i), timestampMs: i }])
    }
    const partDir = join(dir, 'data', 'topics', 't', '0')
    const segments = (await readdir(partDir)).filter((f) => f.endsWith('.log')).sort()
    assert.ok(segments.length >= 3, `expected several segments, got ${segments.join(', ')}`)
    const synced = new Map<string, number>()
    for (const line of (await readFile(journal, 'utf8')).split('\n')) {
      const [file, size] = line.split('\t')
      if (file !== undefined && size !== undefined)
        synced.set(file, Math.max(synced.get(file) ?? 0, Number(size)))
    }
    for (const seg of segments.slice(0, -1)) {
      const path = join(partDir, seg)
      assert.equal(
        synced.get(path),
        (await stat(path)).size,
        `sealed segment ${seg} fully fsynced at its roll`,
      )
    }
  } finally {
    await log.close()
    await rm(dir, { recursive: true, force: true })
  }
})
