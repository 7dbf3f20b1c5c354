import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { errorCode } from '../../core/index.js'
import { ManualClock } from '../../core/testing/manual-clock.js'
import type { IsolationLevel, Log } from '../../log/index.js'
import { openEmbeddedLog } from '../../log/embedded/index.js'
import { chain, filter, keyBy, repartitionTopic, validateJobGraph } from '../api/index.js'
import type { Batch, Keyed, Operator, StageSpec, ValidatedJobGraph } from '../api/index.js'
import { numberCodec, valueTable } from '../state/index.js'
import { TaskLoop } from '../host/task-loop.js'
import type { LoopTask } from '../host/task-loop.js'
import { createGraphTasks } from './job-graph-runner.js'
import type { GraphTaskSettings } from './job-graph-runner.js'
import type { KeyPartitioner, RepartitionCodec } from './repartition.js'
import { checkCounts } from './testing/counting-job.js'

/** Input event: written to partition `i mod 3 === 0 ? 0 : 1`, re-keyed by `host`. */
interface Hit {
  readonly service: string
  readonly host: string
  readonly ts: number
}

const JOB = 'hosts'
const INPUT = 'hits'
const OUTPUT = 'host-counts'
const REPARTITION = repartitionTopic(JOB, 'rekey')
const PARTITIONS = 3
const TASKS = 2
/** Keys are `h<n>`: partition n mod partitions (as in repartition.test.ts). */
const byHostNumber: KeyPartitioner = (key, partitions) => Number(key.slice(1)) % partitions

const hitCodec: RepartitionCodec<Hit> = {
  encode: (h) => Buffer.from(JSON.stringify(h)),
  decode: (b) => JSON.parse(Buffer.from(b).toString()) as Hit,
  eventTimeMs: (h) => h.ts,
}

/** Stage 1: hits → drop the `noise` service → keyed by host → the repartition topic. */
const rekey: StageSpec<Batch<Hit>, Batch<Keyed<Hit>>> = {
  name: 'rekey',
  inputs: [INPUT],
  operator: () =>
    chain(
      filter((h: Hit) => h.service !== 'noise'),
      keyBy((h: Hit) => h.host),
    ),
  output: { topic: REPARTITION, partitionBy: 'key' },
  codec: {
    decode: (v) => [hitCodec.decode(v)!],
    maxEventTimeMs: (b) => Math.max(...b.map((h) => h.ts)),
    keyed: hitCodec,
  },
}

const counts = valueTable('counts', numberCodec)

/** A running count per host in a declared state table: emits `host=n` per hit. */
function countPerHost(): Operator<Batch<Keyed<Hit>>, Batch<string>> {
  return {
    stateTables: [counts],
    processBatch(batch, ctx, out) {
      const table = ctx.table(counts)
      const lines: string[] = []
      for (const { key } of batch) {
        const n = (table.get(key) ?? 0) + 1
        table.set(key, n)
        lines.push(`${key}=${n}`)
      }
      out.emit(lines)
    },
  }
}

/** Stage 2: reads the repartition topic with the default decoder (rekey's keyed codec). */
const count: StageSpec<Batch<Keyed<Hit>>, Batch<string>> = {
  name: 'count',
  inputs: [REPARTITION],
  operator: countPerHost,
  output: { topic: OUTPUT },
  codec: {
    encode: (lines) => lines.map((l) => ({ key: null, value: Buffer.from(l), timestampMs: 0 })),
  },
}

function graph(): ValidatedJobGraph {
  return validateJobGraph({ name: JOB, stages: [count, rekey] }, [INPUT])
}

function settings(clock: ManualClock): GraphTaskSettings {
  return {
    tasks: TASKS,
    clock,
    checkpointIntervalMs: 1_000,
    watermarks: { maxOutOfOrdernessMs: 50, idleTimeoutMs: 60_000 },
    repartitionPartitions: PARTITIONS,
    partitionOf: byHostNumber,
    maxPollBytes: 128,
  }
}

async function writeHits(log: Log, from: number, to: number, reference: Map<string, number>): Promise<void> {
  for (let i = from; i < to; i++) {
    const service = i % 7 === 0 ? 'noise' : `s${i % 3}`
    const hit: Hit = { service, host: `h${(i * 5) % 7}`, ts: 1_000 + i }
    if (service !== 'noise') reference.set(hit.host, (reference.get(hit.host) ?? 0) + 1)
    await log.append(INPUT, i % 3 === 0 ? 0 : 1, [
      { key: null, value: hitCodec.encode(hit), timestampMs: hit.ts },
    ])
  }
}

/** Every record of `topic`, partition by partition. */
async function readAll(log: Log, topic: string, partitions: number, isolation: IsolationLevel) {
  const out: { partition: number; value: string }[] = []
  for (let p = 0; p < partitions; p++) {
    let at = 0
    for (;;) {
      const res = await log.read(topic, p, at, { isolation })
      for (const r of res.records) out.push({ partition: p, value: Buffer.from(r.value ?? []).toString() })
      if (res.records.length === 0 || res.nextOffset <= at) break
      at = res.nextOffset
    }
  }
  return out
}

/** One TaskLoop-like round: every task polls once. */
async function round(tasks: readonly LoopTask[]): Promise<number> {
  let read = 0
  for (const t of tasks) read += await t.runner.poll()
  return read
}

test('a graph whose stages cannot be read or written is rejected with every problem', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-graph-runner-'))
  const log = await openEmbeddedLog({ dataDir: dir })
  try {
    await log.createTopic(INPUT, { partitions: 2 })
    await log.createTopic(OUTPUT, { partitions: 1 })
    const bare = validateJobGraph(
      {
        name: JOB,
        stages: [
          { ...rekey, codec: {} },
          { ...count, codec: {} },
        ],
      },
      [INPUT],
    )
    const err = await createGraphTasks(log, bare, settings(new ManualClock())).then(
      () => assert.fail('expected a rejection'),
      (e: unknown) => e,
    )
    assert.equal(errorCode(err), 'job_graph_not_runnable')
    const message = (err as Error).message
    assert.match(message, /stage "rekey" needs codec.decode and codec.maxEventTimeMs/)
    assert.match(message, /stage "rekey" writes with partitionBy "key" and needs codec.keyed/)
    assert.match(message, /stage "count" needs codec.decode/)
    assert.match(message, /stage "count" needs codec.encode for its output "host-counts"/)

    await assert.rejects(
      createGraphTasks(log, graph(), settings(new ManualClock())),
      /writes partition task of "host-counts", which has 1 partitions for 2 tasks/,
    )
  } finally {
    await log.close()
    await rm(dir, { recursive: true, force: true })
  }
})

test('a two-stage JobGraph on a TaskLoop: crashed mid-epoch and rebuilt, counts exactly once', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-graph-runner-'))
  const log = await openEmbeddedLog({ dataDir: dir })
  try {
    await log.createTopic(INPUT, { partitions: 2 })
    await log.createTopic(OUTPUT, { partitions: TASKS })
    const reference = new Map<string, number>()
    await writeHits(log, 0, 40, reference)
    const clock = new ManualClock()

    const first = await createGraphTasks(log, graph(), settings(clock))
    assert.deepEqual(
      first.map((t) => `${t.job}/${t.task}`),
      ['hosts.rekey/0', 'hosts.rekey/1', 'hosts.count/0', 'hosts.count/1'],
    )
    assert.equal((await log.describeTopic(REPARTITION))?.partitions.length, PARTITIONS)

    // Run a few epochs, then poll on without committing and abandon every runner ("crash").
    for (const t of first) await t.runner.start()
    for (let i = 0; i < 8; i++) {
      await round(first)
      clock.advance(300)
    }
    for (const t of first) await t.runner.commit()
    await round(first)
    await round(first)
    const committed = checkCounts((await readAll(log, OUTPUT, TASKS, 'read_committed')).map((r) => r.value))
    assert.ok(committed.size > 0, 'the count stage committed counts before the crash')
    const repartitioned = async (isolation: IsolationLevel) =>
      (await readAll(log, REPARTITION, PARTITIONS, isolation)).length
    assert.ok(
      (await repartitioned('read_uncommitted')) > (await repartitioned('read_committed')),
      'the crashed epoch left records in its open transaction',
    )
    await writeHits(log, 40, 70, reference)
    for (const t of first.filter((t) => t.job === 'hosts.count')) await t.runner.poll()

    // New runners from the same graph: they fence the abandoned ones, restore the counts from the
    // state tables and run on a real TaskLoop until nothing more is read, then commit at stop().
    const second = await createGraphTasks(log, graph(), settings(clock))
    let lastRead = -1
    let stable = 0
    const loop = new TaskLoop(second, {
      nowMs: () => clock.nowMs(),
      idleSleepMs: 1,
      statusEveryMs: 0,
      onStatus(statuses) {
        clock.advance(300)
        const read = statuses.reduce((n, s) => n + s.status.recordsRead, 0)
        stable = read === lastRead ? stable + 1 : 0
        lastRead = read
        if (stable >= 12) loop.stop()
      },
    })
    await loop.run()
    await assert.rejects(first[0]!.runner.commit(), 'the abandoned runner is fenced')

    const outputs = await readAll(log, OUTPUT, TASKS, 'read_committed')
    assert.deepEqual(
      checkCounts(outputs.map((r) => r.value)),
      reference,
      'per host: 1 … N, no repeat, no gap, nothing lost',
    )
    assert.equal(
      outputs.length,
      [...reference.values()].reduce((a, b) => a + b, 0),
    )
    // Each host is counted by one task: its lines are all in that task's output partition.
    const partitionOfHost = new Map<string, number>()
    for (const { partition, value } of outputs) {
      const host = value.split('=')[0]!
      assert.equal(partitionOfHost.get(host) ?? partition, partition)
      partitionOfHost.set(host, partition)
      assert.equal(partition, byHostNumber(host, PARTITIONS) % TASKS)
    }
  } finally {
    await log.close()
    await rm(dir, { recursive: true, force: true })
  }
})
