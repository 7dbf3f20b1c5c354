import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { errorCode } from '../../core/index.js'
import type { Log } from '../../log/index.js'
import { openEmbeddedLog } from '../../log/embedded/index.js'
import { EpochCommitter } from './epoch-committer.js'

const settings = {
  job: 'rollup',
  task: 1,
  tasks: 2,
  group: 'vigil.job.rollup',
  stateTopic: 'vigil.state.rollup',
  fullEvery: 3,
}
const rec = (v: string) => ({ key: null, value: Buffer.from(v), timestampMs: 1 })
const bytes = (v: string) => new Uint8Array(Buffer.from(v))

async function committedValues(log: Log, topic: string, partition: number): Promise<string[]> {
  const out: string[] = []
  let at = 0
  for (;;) {
    const res = await log.read(topic, partition, at, { isolation: 'read_committed' })
    for (const r of res.records) out.push(Buffer.from(r.value!).toString())
    if (res.records.length === 0 || res.nextOffset <= at) return out
    at = res.nextOffset
  }
}

test('epochs commit outputs, state and offsets together; a new instance fences the old one and recovers the last commit', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-epoch-'))
  const log = await openEmbeddedLog({ dataDir: dir })
  try {
    await log.createTopic('out', { partitions: 1 })
    await log.createTopic('in', { partitions: 2 })
    const first = await EpochCommitter.open(log, settings)
    assert.deepEqual(first.recovered, { offsets: new Map(), lastEpoch: 0, snapshots: [] })

    await first.append('out', 0, [rec('e1-a'), rec('e1-b')])
    assert.deepEqual(await committedValues(log, 'out', 0), [], 'invisible before the commit')
    await first.commit(1, [{ topic: 'in', partition: 1, offset: 10 }], { bytes: bytes('S1'), full: true })
    assert.deepEqual(await committedValues(log, 'out', 0), ['e1-a', 'e1-b'])

    for (const e of [2, 3]) {
      await first.append('out', 0, [rec(`e${e}`)])
      await first.commit(e, [{ topic: 'in', partition: 1, offset: 10 * e }], {
        bytes: bytes(`D${e}`),
        full: false,
      })
    }
    // Epoch 4 is under way when the task "crashes": a new instance opens.
    await first.append('out', 0, [rec('e4-lost')])
    const second = await EpochCommitter.open(log, settings)
    assert.equal(second.recovered.lastEpoch, 3)
    assert.deepEqual(
      second.recovered.snapshots.map((s) => [s.epoch, s.full, Buffer.from(s.bytes).toString()]),
      [
        [1, true, 'S1'],
        [2, false, 'D2'],
        [3, false, 'D3'],
      ],
    )
    assert.equal(second.recovered.offsets.get('in')?.get(1), 30)
    await assert.rejects(
      first.commit(4, [{ topic: 'in', partition: 1, offset: 40 }], { bytes: bytes('D4'), full: false }),
      (err) => errorCode(err) === 'PRODUCER_FENCED',
      'the fenced instance cannot commit',
    )
    // The new instance redoes epoch 4, and a later full snapshot supersedes the old chain.
    await second.append('out', 0, [rec('e4')])
    await second.commit(4, [{ topic: 'in', partition: 1, offset: 40 }], { bytes: bytes('S4'), full: true })
    assert.deepEqual(await committedValues(log, 'out', 0), ['e1-a', 'e1-b', 'e2', 'e3', 'e4'])
    const third = await EpochCommitter.open(log, settings)
    assert.deepEqual(
      third.recovered.snapshots.map((s) => [s.epoch, s.full]),
      [[4, true]],
    )
  } finally {
    await log.close()
    await rm(dir, { recursive: true, force: true })
  }
})

test('a state snapshot above the log batch limit commits in chunks and restores whole', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-epoch-big-'))
  const log = await openEmbeddedLog({ dataDir: dir, maxBatchBytes: 4 << 20 })
  try {
    const big = new Uint8Array(40 << 20)
    for (let i = 0; i < big.length; i += 4096) big[i] = (i >>> 12) & 0xff
    const chunked = { ...settings, stateChunkBytes: 1 << 20 }
    const first = await EpochCommitter.open(log, chunked)
    await first.commit(1, [], { bytes: big, full: true })
    const second = await EpochCommitter.open(log, chunked)
    assert.equal(second.recovered.lastEpoch, 1)
    assert.equal(second.recovered.snapshots.length, 1)
    assert.ok(Buffer.from(second.recovered.snapshots[0]!.bytes).equals(Buffer.from(big)))
  } finally {
    await log.close()
    await rm(dir, { recursive: true, force: true })
  }
})
