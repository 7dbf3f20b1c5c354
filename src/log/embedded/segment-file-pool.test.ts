import assert from 'node:assert/strict'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { test } from 'node:test'
import { openEmbeddedLog } from './embedded-log.js'

const openSegmentFds = (dir: string): number =>
  fs
    .readdirSync('/proc/self/fd')
    .map((fd) => {
      try {
        return fs.readlinkSync(`/proc/self/fd/${fd}`)
      } catch {
        return ''
      }
    })
    .filter((target) => target.startsWith(dir) && target.endsWith('.log')).length

test('sealed segments hold at most maxOpenSegmentFiles fds, and reads reopen them', async () => {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-fds-')))
  const log = await openEmbeddedLog({ dataDir: dir, maxOpenSegmentFiles: 8, fsync: 'interval' })
  await log.createTopic('t', { partitions: 2, segmentBytes: 1024 })
  const value = Buffer.alloc(300, 1)
  for (let i = 0; i < 400; i++) await log.append('t', i % 2, [{ key: null, value, timestampMs: i }])
  const segments = (await log.describeTopic('t'))!.partitions.reduce((n, p) => n + p.segments, 0)
  assert.ok(segments > 100, `many segments (${segments})`)
  for (let pass = 0; pass < 2; pass++) {
    for (const p of [0, 1]) {
      let offset = 0
      let seen = 0
      while (offset < 200) {
        const res = await log.read('t', p, offset, { maxBytes: 4096 })
        seen += res.records.length
        offset = res.nextOffset
      }
      assert.equal(seen, 200)
    }
    // 8 sealed + the 2 active segments of 't' (+ the internal topics' active segments)
    assert.ok(openSegmentFds(dir) <= 8 + 4, `open segment fds: ${openSegmentFds(dir)}`)
  }
  await log.close()
  const reopened = await openEmbeddedLog({ dataDir: dir, maxOpenSegmentFiles: 8 })
  assert.equal((await reopened.read('t', 1, 0)).records.length > 0, true)
  assert.ok(openSegmentFds(dir) <= 8 + 4)
  await reopened.close()
  fs.rmSync(dir, { recursive: true, force: true })
})
