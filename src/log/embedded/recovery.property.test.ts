import assert from 'node:assert/strict'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { after, before, describe, test } from 'node:test'
import fc from 'fast-check'
import {
  FIXTURE_TOPIC,
  batchSpans,
  buildFixture,
  expectedRecords,
  firstDifference,
  openFixtureLog,
  partitionDir,
  readEverything,
  segmentFiles,
} from './testing/recovery-fixture.js'
import type { Fixture, WrittenBatch } from './testing/recovery-fixture.js'
import type { EmbeddedLog } from './embedded-log.js'

/**
 * Recovery from arbitrary damage to the last segment (a torn tail, flipped bits, garbage, stale
 * batches) and to the sidecars of sealed segments. The log is built once; every run damages a copy.
 *
 * The oracle: let D be the first byte of the last segment that differs from what was written
 * (the new end of the file when it was cut). Every batch that ends at or before D must be read back
 * byte for byte; nothing after it may be (a damaged batch fails its CRC, a stale one its offset
 * order), so the log is exactly the prefix up to D's batch and recovery cuts exactly the rest.
 *
 * VIGIL_PROPERTY_RUNS (default 200) sets the runs; fast-check prints the seed and path of a failure.
 */
const RUNS = Number(process.env.VIGIL_PROPERTY_RUNS ?? 200)
const SIDECAR_RUNS = Math.max(10, Math.round(RUNS / 3))

let root: string
let fixture: Fixture
let pristineLast: Buffer
let lastSegmentBase: number
let runCounter = 0

before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-recovery-prop-'))
  fixture = await buildFixture(path.join(root, 'pristine'))
  const last = segmentFiles(fixture.dir).at(-1)!
  pristineLast = fs.readFileSync(last)
  lastSegmentBase = Number(path.basename(last, '.log'))
  assert.ok(segmentFiles(fixture.dir).length >= 4, 'the fixture spans several segments')
  assert.ok(batchSpans(pristineLast).length >= 10, 'the last segment holds many batches')
})

after(() => fs.rmSync(root, { recursive: true, force: true }))

/** A fresh copy of the pristine log dir. */
function copyFixture(): string {
  const dir = path.join(root, `run-${runCounter++}`)
  fs.cpSync(fixture.dir, dir, { recursive: true })
  return dir
}

// ---- damage to the last segment ----

const position = fc.nat({ max: 2 ** 30 })
const damage = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({
    kind: fc.constant('flip' as const),
    flips: fc.array(fc.record({ at: position, bit: fc.integer({ min: 0, max: 7 }) }), {
      minLength: 1,
      maxLength: 8,
    }),
  }),
  fc.record({
    kind: fc.constant('garbage' as const),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 3000 }),
  }),
  fc.record({ kind: fc.constant('zeros' as const), at: position, length: fc.integer({ min: 1, max: 4096 }) }),
  fc.record({ kind: fc.constant('stale-batch' as const), which: position }),
)
type Damage = typeof damage extends fc.Arbitrary<infer T> ? T : never

function applyDamage(file: Buffer, d: Damage): Buffer {
  switch (d.kind) {
    case 'truncate':
      return file.subarray(0, d.at % (file.length + 1))
    case 'flip': {
      const out = Buffer.from(file)
      for (const f of d.flips) if (out.length > 0) out[f.at % out.length]! ^= 1 << f.bit
      return out
    }
    case 'garbage':
      return Buffer.concat([file, d.bytes])
    case 'zeros': {
      const out = Buffer.from(file)
      const start = out.length === 0 ? 0 : d.at % out.length
      out.fill(0, start, Math.min(out.length, start + d.length))
      return out
    }
    case 'stale-batch': {
      // A complete, CRC-valid copy of a batch still (at least partly) in the file: valid framing,
      // offsets going backwards. (A copy of a batch cut away would be valid data, not damage.)
      const spans = batchSpans(pristineLast).filter(([, end], i) => i === 0 || end <= file.length)
      const [start, end] = spans[d.which % spans.length]!
      return Buffer.concat([file, pristineLast.subarray(start, end)])
    }
  }
}

/** Index of the first byte where `damaged` differs from the pristine last segment (Infinity: none). */
function firstDamagedByte(damaged: Buffer): number {
  const n = Math.min(damaged.length, pristineLast.length)
  for (let i = 0; i < n; i++) if (damaged[i] !== pristineLast[i]) return i
  return damaged.length === pristineLast.length ? Infinity : n
}

describe('recovery from a damaged last segment', () => {
  test('serves exactly the intact prefix, cuts the rest, accepts appends, and is stable on reopen', async (t) => {
    const spans = batchSpans(pristineLast)
    const seen = { runs: 0, cut: 0, wholeSegmentLost: 0, undamaged: 0 }
    const lastBatches = fixture.batches.filter((b) => b.base >= lastSegmentBase)
    assert.equal(lastBatches.length, spans.length)
    const earlier = fixture.batches.filter((b) => b.base < lastSegmentBase)
    await fc.assert(
      fc.asyncProperty(fc.array(damage, { minLength: 1, maxLength: 3 }), async (damages) => {
        const dir = copyFixture()
        const lastFile = segmentFiles(dir).at(-1)!
        const damaged = damages.reduce(applyDamage, pristineLast)
        fs.writeFileSync(lastFile, damaged)
        const d = firstDamagedByte(damaged)
        const intact = spans.filter(([, end]) => end <= d).length
        const validEnd = intact === 0 ? 0 : spans[intact - 1]![1]
        const kept = [...earlier, ...lastBatches.slice(0, intact)]
        seen.runs++
        if (damaged.length > validEnd) seen.cut++
        if (intact === 0) seen.wholeSegmentLost++
        if (d === Infinity) seen.undamaged++

        let log: EmbeddedLog = await openFixtureLog(dir)
        try {
          assert.equal(log.stats.recoveryTruncatedBytes, damaged.length - validEnd, 'bytes cut by recovery')
          assert.equal(fs.statSync(lastFile).size, validEnd, 'the segment is cut at the last intact batch')
          await checkReads(log, kept)
          const appended = await appendAfterRecovery(log, kept, lastBatches.slice(intact))
          await log.close()

          log = await openFixtureLog(dir)
          assert.equal(log.stats.recoveryTruncatedBytes, 0, 'a second open cuts nothing')
          await checkReads(log, [...kept, ...appended])
        } finally {
          await log.close()
          fs.rmSync(dir, { recursive: true, force: true })
        }
      }),
      { numRuns: RUNS },
    )
    t.diagnostic(
      `${fixture.batches.length} batches in ${segmentFiles(fixture.dir).length} segments, ${spans.length} ` +
        `in the last (${pristineLast.length} bytes); ${seen.runs} damaged copies: ${seen.cut} cut by ` +
        `recovery, ${seen.wholeSegmentLost} lost the whole last segment, ${seen.undamaged} byte-identical`,
    )
  })
})

/** The log holds exactly `batches`, read whole and from arbitrary offsets, both isolation levels. */
async function checkReads(log: EmbeddedLog, batches: readonly WrittenBatch[]): Promise<void> {
  const want = expectedRecords(batches)
  const desc = (await log.describeTopic(FIXTURE_TOPIC))!.partitions[0]!
  const lastBatch = batches.at(-1)!
  assert.equal(desc.highWatermark, lastBatch.base + lastBatch.records.length, 'high watermark')
  assert.equal(desc.lastStableOffset, desc.highWatermark)
  const diff = firstDifference(await readEverything(log), want)
  assert.equal(diff, undefined, diff)
  for (const r of [want[0]!, want[Math.floor(want.length / 2)]!, want.at(-1)!]) {
    const res = await log.read(FIXTURE_TOPIC, 0, r.offset, { maxBytes: 1, isolation: 'read_committed' })
    assert.equal(res.records[0]?.offset, r.offset, `read from ${r.offset}`)
    assert.ok(Buffer.from(res.records[0]?.value ?? []).equals(r.value ?? Buffer.alloc(0)))
  }
}

/**
 * After recovery the producer state matches the kept prefix: re-sending the newest kept idempotent
 * batch is a duplicate, re-sending the first lost one is written anew at the high watermark. Then a
 * plain batch goes at the end. Returns what was appended.
 */
async function appendAfterRecovery(
  log: EmbeddedLog,
  kept: readonly WrittenBatch[],
  lost: readonly WrittenBatch[],
): Promise<WrittenBatch[]> {
  const producer = fixture.producer
  const newestKept = kept.findLast((b) => b.producerSeq >= 0)
  if (newestKept !== undefined) {
    const res = await log.append(FIXTURE_TOPIC, 0, newestKept.records, {
      producer: { ...producer, sequence: newestKept.producerSeq },
    })
    assert.deepEqual(res, {
      baseOffset: newestKept.base,
      lastOffset: newestKept.base + newestKept.records.length - 1,
      duplicate: true,
    })
  }
  const appended: WrittenBatch[] = []
  let hw = kept.at(-1)!.base + kept.at(-1)!.records.length
  const firstLost = lost.find((b) => b.producerSeq >= 0)
  if (firstLost !== undefined) {
    const res = await log.append(FIXTURE_TOPIC, 0, firstLost.records, {
      producer: { ...producer, sequence: firstLost.producerSeq },
    })
    assert.equal(res.duplicate, false, 'a batch lost by recovery is not mistaken for a duplicate')
    assert.equal(res.baseOffset, hw)
    appended.push({ ...firstLost, base: hw })
    hw += firstLost.records.length
  }
  const fresh = [{ key: Buffer.from('after'), value: Buffer.from(`recovery ${hw}`), timestampMs: 1 }]
  const res = await log.append(FIXTURE_TOPIC, 0, fresh)
  assert.equal(res.baseOffset, hw)
  appended.push({ base: hw, records: fresh, producerSeq: -1 })
  return appended
}

// ---- damage to the sidecars of sealed segments ----

const sidecarDamage = fc.oneof(
  fc.constant({ kind: 'delete' as const }),
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('flip' as const), at: position, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({
    kind: fc.constant('garbage' as const),
    bytes: fc.uint8Array({ minLength: 0, maxLength: 200 }),
  }),
)

describe('recovery from damaged segment sidecars', () => {
  test('a deleted or corrupt *.index never changes what is read; it is rebuilt', async () => {
    const want = expectedRecords(fixture.batches)
    const sidecars = fs
      .readdirSync(partitionDir(fixture.dir))
      .filter((f) => f.endsWith('.index'))
      .sort()
    assert.ok(sidecars.length >= 3)
    const times = want.map((r) => r.timestampMs)
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: sidecars.length - 1 }), sidecarDamage), {
          minLength: 1,
          maxLength: 5,
        }),
        fc.array(fc.integer({ min: Math.min(...times) - 5, max: Math.max(...times) + 5 }), { maxLength: 5 }),
        async (damages, lookups) => {
          const dir = copyFixture()
          for (const [i, d] of damages) {
            const file = path.join(partitionDir(dir), sidecars[i]!)
            if (!fs.existsSync(file)) continue
            const buf = fs.readFileSync(file)
            if (d.kind === 'delete') fs.rmSync(file)
            else if (d.kind === 'truncate') fs.writeFileSync(file, buf.subarray(0, d.at % (buf.length + 1)))
            else if (d.kind === 'garbage') fs.writeFileSync(file, d.bytes)
            else {
              buf[d.at % buf.length]! ^= 1 << d.bit
              fs.writeFileSync(file, buf)
            }
          }
          try {
            for (let open = 0; open < 2; open++) {
              const log = await openFixtureLog(dir)
              try {
                assert.equal(log.stats.recoveryTruncatedBytes, 0)
                const diff = firstDifference(await readEverything(log, 4096), want)
                assert.equal(diff, undefined, diff)
                for (const t of lookups) {
                  const expected = want.find((r) => r.timestampMs >= t)?.offset ?? want.length
                  assert.equal(await log.offsetForTime(FIXTURE_TOPIC, 0, t), expected, `offsetForTime(${t})`)
                }
              } finally {
                await log.close()
              }
              // The first open rebuilt every damaged sidecar; the second must read them as intact.
              for (const f of sidecars)
                assert.ok(fs.existsSync(path.join(partitionDir(dir), f)), `${f} rebuilt`)
            }
          } finally {
            fs.rmSync(dir, { recursive: true, force: true })
          }
        },
      ),
      { numRuns: SIDECAR_RUNS },
    )
  })
})
