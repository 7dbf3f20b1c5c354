import type { Clock } from '../../core/index.js'
import type { Log, LogRecord, ReadResult, TopicPartitionOffset } from '../../log/index.js'
import type { Collector, OperatorContext } from '../api/index.js'
import { createMemoryBackend } from '../state/memory/index.js'
import type { StateBackend, StateStore } from '../state/index.js'
import { snapshotLength } from './state-record.js'
import { EpochCommitter } from './epoch-committer.js'
import type { EpochCommitterSettings } from './epoch-committer.js'
import type { InputPartition, OutputAppend, TaskJob } from './task-job.js'
import { WatermarkTracker } from './watermark-tracker.js'
import type { WatermarkSettings, WatermarkState } from './watermark-tracker.js'

/** Processing-time ticks (`Operator.onTick`) come about this often, from `poll()`. */
const TICK_EVERY_MS = 1_000

/**
 * Largest read per partition and poll, by default. Every poll pays for a watermark round and its
 * emission, so catching up in 1 MiB reads ran the rollups at ~0.95 M samples/s and in 4 MiB reads
 * at ~1.2–1.4 M (docs/benchmarks.md); a caught-up task reads what arrived, far less. Memory: one
 * read in hand and one ahead per partition.
 */
export const DEFAULT_MAX_POLL_BYTES = 4 << 20

export interface TaskRunnerSettings {
  readonly task: number
  readonly tasks: number
  readonly inputs: readonly InputPartition[]
  readonly clock: Clock
  readonly checkpointIntervalMs: number
  readonly watermarks: WatermarkSettings
  /** Largest read per partition and poll (default `DEFAULT_MAX_POLL_BYTES`). */
  readonly maxPollBytes?: number
  readonly fullSnapshotEvery?: number
  /**
   * Once the epoch has appended outputs (results, late records), commit when it is this old instead
   * of waiting for the whole checkpoint interval, so a fired window is visible within about this
   * delay. Unset: only at the interval.
   */
  readonly outputCommitDelayMs?: number
  /** See EpochCommitterSettings.onCommitPhase. */
  readonly onCommitPhase?: EpochCommitterSettings['onCommitPhase']
  /**
   * Names the run's transactional ids, state topic and default group (default: the job's name).
   * A replay runs the same job under another instance name, so it never touches the live run.
   */
  readonly instance?: string
  /** The consumer group holding the input offsets (default `vigil.job.<instance>`). */
  readonly group?: string
  /**
   * Where side outputs (late records, …) go, appended in the epoch's transaction to partition
   * `task` (the topic needs `tasks` partitions). Without one they are only counted.
   */
  readonly sideTopic?: string
  /**
   * Bounded runs (replay): per `topic/partition`, the offset to stop before. Once every input
   * reached its end, `done` is true; `finish()` then emits what operators hold and commits.
   */
  readonly endOffsets?: ReadonlyMap<string, number>
  /** Where declared state tables live (default: the memory backend, a full snapshot every 10 epochs). */
  readonly stateBackend?: StateBackend
  /** Where an input with no committed offset starts (`topic/partition` → offset; default its start). */
  readonly startOffsets?: ReadonlyMap<string, number>
  /**
   * A due commit takes the epoch's snapshot, flushes its outputs and captures its offsets, then
   * lets `poll()` return while the transaction completes (state append, offsets, end): the next
   * epoch is processed meanwhile, its outputs held back until then, so the task does not idle for
   * the log's round trips (Flink's asynchronous checkpoint phase). A failed commit is thrown by the
   * next `poll()` or `commit()`; the task then restarts from the last committed epoch, as after a
   * crash. Off: `poll()` returns after the commit (what the unit tests step through).
   */
  readonly overlapCommits?: boolean
}

/** What a task reports about itself (engine status, metrics, replay progress). */
export interface TaskStatus {
  readonly epoch: number
  readonly watermarkMs: number
  readonly recordsRead: number
  /** Next offset per `topic/partition`. */
  readonly positions: ReadonlyMap<string, number>
  readonly counters: ReadonlyMap<string, number>
  readonly lastCommitMs: number
  readonly lastSnapshotBytes: number
}

/**
 * Runs one task of a job on the log with exactly-once results (docs/engine.md): reads its input
 * partitions read-committed from the committed offsets, feeds the operator batches and watermarks,
 * appends its outputs inside the epoch's transaction, and commits every `checkpointIntervalMs`
 * (outputs + state snapshot + input offsets atomically, through `EpochCommitter`).
 *
 * Single-threaded and pull-driven: `poll()` does one round over the inputs and commits when the
 * epoch is due; the caller loops (a worker thread in production, a test step by step). `stop()`
 * commits what is pending. A crash at any point loses only the uncommitted epoch, which a restarted
 * runner recomputes from the same offsets and state.
 */
export class TaskRunner<In, Out> {
  readonly #log: Log
  readonly #job: TaskJob<In, Out>
  readonly #s: TaskRunnerSettings
  readonly #positions = new Map<string, number>()
  /**
   * Per input partition, at most one read already sent for the offset processing reaches next: it
   * travels (to the log's thread, through the disk) while this batch is processed, instead of the
   * task idling for it after. Used only when it starts exactly at the partition's position.
   */
  readonly #prefetched = new Map<string, { readonly from: number; readonly read: Promise<ReadResult> }>()
  readonly #watermarks: WatermarkTracker
  readonly #pending: OutputAppend[] = []
  #sideRecords: LogRecord[] = []
  readonly #counters = new Map<string, number>()
  #committer: EpochCommitter | undefined
  #store: StateStore | undefined
  #epoch = 0
  #epochStartedAtMs = 0
  #recordsRead = 0
  /** The current epoch appended outputs (see outputCommitDelayMs). */
  #hasOutputs = false
  #lastTickMs = Number.NEGATIVE_INFINITY
  #lastCommitMs = 0
  #lastSnapshotBytes = 0
  /** The commit completing in the background (overlapCommits), and its failure once it failed. */
  #committing: Promise<void> | undefined
  #commitFailure: { readonly error: unknown } | undefined

  constructor(log: Log, job: TaskJob<In, Out>, settings: TaskRunnerSettings) {
    this.#log = log
    this.#job = job
    this.#s = settings
    this.#watermarks = new WatermarkTracker(settings.watermarks)
  }

  get epoch(): number {
    return this.#epoch
  }

  get counters(): ReadonlyMap<string, number> {
    return this.#counters
  }

  status(): TaskStatus {
    return {
      epoch: this.#epoch,
      watermarkMs: this.#watermarks.watermarkMs,
      recordsRead: this.#recordsRead,
      positions: this.#positions,
      counters: this.#counters,
      lastCommitMs: this.#lastCommitMs,
      lastSnapshotBytes: this.#lastSnapshotBytes,
    }
  }

  /** A bounded run (replay): it has end offsets. */
  get bounded(): boolean {
    return this.#s.endOffsets !== undefined
  }

  /** True when every input reached its end offset (bounded runs only). */
  get done(): boolean {
    const ends = this.#s.endOffsets
    if (ends === undefined) return false
    for (const input of this.#s.inputs) {
      const k = key(input)
      if ((this.#positions.get(k) ?? 0) < (ends.get(k) ?? 0)) return false
    }
    return true
  }

  /** Fences earlier instances, restores state and offsets, and starts the next epoch. */
  async start(): Promise<void> {
    const instance = this.#s.instance ?? this.#job.name
    const tables = this.#job.operator.stateTables ?? []
    const store =
      tables.length === 0
        ? undefined
        : (this.#s.stateBackend ?? createMemoryBackend()).createStore(`${instance}/${this.#s.task}`, tables)
    this.#store = store
    const committer = await EpochCommitter.open(this.#log, {
      job: instance,
      task: this.#s.task,
      tasks: this.#s.tasks,
      group: this.#s.group ?? `vigil.job.${instance}`,
      stateTopic: `vigil.state.${instance}`,
      fullEvery: store?.fullEvery ?? this.#job.fullSnapshotEvery ?? this.#s.fullSnapshotEvery ?? 10,
      ...(this.#s.onCommitPhase === undefined ? {} : { onCommitPhase: this.#s.onCommitPhase }),
    })
    this.#committer = committer
    const now = this.#s.clock.nowMs()
    const snapshots = committer.recovered.snapshots.map((s) => unwrapSnapshot(s.bytes))
    const lastSnapshot = snapshots[snapshots.length - 1]
    if (lastSnapshot !== undefined) this.#watermarks.importState(lastSnapshot.watermarks, now)
    this.#job.restore(snapshots.map((s) => s.job))
    if (store !== undefined) {
      const parts = snapshots.flatMap((s) => (s.store === undefined ? [] : [s.store]))
      const restored = store.restore(parts)
      if (!restored.ok)
        throw new Error(`cannot restore the state of ${instance}/${this.#s.task}: ${restored.reason}`)
    }
    for (const input of this.#s.inputs) {
      const committed = committer.recovered.offsets.get(input.topic)?.get(input.partition)
      const described = await this.#log.describeTopic(input.topic)
      const start = described?.partitions.find((p) => p.partition === input.partition)?.logStartOffset ?? 0
      const from = committed ?? this.#s.startOffsets?.get(key(input)) ?? 0
      this.#positions.set(key(input), Math.max(from, start))
      this.#watermarks.addPartition(key(input), now)
    }
    this.#epoch = committer.recovered.lastEpoch + 1
    this.#epochStartedAtMs = now
    this.#job.operator.onStart?.(this.#context())
  }

  /** One round over every input partition; commits when the epoch is due. Returns records read. */
  async poll(): Promise<number> {
    const committer = this.#need()
    this.#throwCommitFailure()
    let read = 0
    const out = this.#collector()
    for (const input of this.#s.inputs) {
      const k = key(input)
      const from = this.#positions.get(k)!
      const end = this.#s.endOffsets?.get(k) ?? Number.POSITIVE_INFINITY
      if (from >= end) {
        this.#watermarks.removePartition(k)
        continue
      }
      const res = await this.#read(input, k, from)
      // More may follow: ask for it now, so it arrives while this batch is processed.
      if (res.records.length > 0 && res.nextOffset < end) {
        const read = this.#log.read(input.topic, input.partition, res.nextOffset, this.#readOptions())
        read.catch(() => undefined) // awaited (and its error thrown) by the poll that uses it
        this.#prefetched.set(k, { from: res.nextOffset, read })
      }
      let next = res.nextOffset
      for (const r of res.records) {
        if (r.offset >= end) {
          next = end
          break
        }
        read++
        if (r.value === null) continue
        const batch = this.#job.decode(r.value)
        if (batch === undefined) {
          this.#count('undecodable', 1)
          continue
        }
        this.#watermarks.observe(k, this.#job.maxEventTimeMs(batch), this.#s.clock.nowMs())
        this.#job.operator.processBatch(batch, this.#context(), out)
      }
      this.#positions.set(k, next)
      // A bounded input that ended stops holding the watermark back (as an idle one would live).
      if (next >= end) this.#watermarks.removePartition(k)
    }
    this.#recordsRead += read
    const advanced = this.#watermarks.advance(this.#s.clock.nowMs())
    if (advanced !== undefined) this.#job.operator.onWatermark?.(advanced, this.#context(), out)
    const now = this.#s.clock.nowMs()
    if (now - this.#lastTickMs >= TICK_EVERY_MS) {
      this.#lastTickMs = now
      this.#job.operator.onTick?.(now, this.#context(), out)
    }
    // Outputs join the open transaction; while the previous epoch's commit completes they wait.
    if (this.#committing !== undefined) return read
    await this.#flushOutputs(committer)
    const age = this.#s.clock.nowMs() - this.#epochStartedAtMs
    const early = this.#s.outputCommitDelayMs
    if (age >= this.#s.checkpointIntervalMs || (this.#hasOutputs && early !== undefined && age >= early)) {
      await this.#beginCommit()
      if (this.#s.overlapCommits !== true) await this.#settleCommit()
    }
    return read
  }

  /**
   * Bounded runs: the input ended, so operators emit everything they still hold (`onEnd`), and
   * the epoch commits. Results of a replay are therefore complete, not waiting for a watermark.
   */
  async finish(): Promise<void> {
    const out = this.#collector()
    this.#job.operator.onEnd?.(this.#context(), out)
    await this.commit()
  }

  /** Commits the current epoch now (outputs, snapshot, offsets), starts the next, and waits for it. */
  async commit(): Promise<void> {
    await this.#settleCommit()
    await this.#beginCommit()
    await this.#settleCommit()
  }

  /** Waits for the commit in flight, if any; throws its failure. */
  async #settleCommit(): Promise<void> {
    if (this.#committing !== undefined) await this.#committing
    this.#throwCommitFailure()
  }

  #throwCommitFailure(): void {
    if (this.#commitFailure !== undefined) throw this.#commitFailure.error
  }

  /**
   * Ends the epoch: barrier, outputs flushed into its transaction, snapshot and offsets taken, and
   * the transaction's completion started (`#committing`). The next epoch starts now.
   */
  async #beginCommit(): Promise<void> {
    const committer = this.#need()
    const startedAt = performance.now()
    const out = this.#collector()
    this.#job.operator.onBarrier?.(this.#epoch, this.#context(), out)
    await this.#flushOutputs(committer)
    const offsets: TopicPartitionOffset[] = this.#s.inputs.map((i) => ({
      topic: i.topic,
      partition: i.partition,
      offset: this.#positions.get(key(i))!,
    }))
    const snapshot = this.#job.snapshot(this.#epoch)
    const tables = this.#store?.snapshot(this.#epoch)
    const bytes = wrapSnapshot(this.#watermarks.exportState(), snapshot.bytes, tables?.bytes)
    // A record is `full` only when every part is: restore then needs nothing older.
    const full = snapshot.full && (tables?.full ?? true)
    const done = committer.commit(this.#epoch, offsets, { bytes, full }).then(
      () => {
        this.#lastCommitMs = performance.now() - startedAt
        this.#lastSnapshotBytes = snapshotLength(bytes)
        this.#committing = undefined
      },
      (error: unknown) => {
        this.#commitFailure = { error }
        this.#committing = undefined
      },
    )
    this.#committing = done
    this.#epoch++
    this.#epochStartedAtMs = this.#s.clock.nowMs()
    this.#hasOutputs = false
  }

  #read(input: InputPartition, k: string, from: number): Promise<ReadResult> {
    const ahead = this.#prefetched.get(k)
    this.#prefetched.delete(k)
    if (ahead !== undefined && ahead.from === from) return ahead.read
    return this.#log.read(input.topic, input.partition, from, this.#readOptions())
  }

  #readOptions(): { readonly isolation: 'read_committed'; readonly maxBytes: number } {
    return { isolation: 'read_committed', maxBytes: this.#s.maxPollBytes ?? DEFAULT_MAX_POLL_BYTES }
  }

  #collector(): Collector<Out> {
    return {
      emit: (batch) => {
        for (const a of this.#job.encode(batch)) this.#pending.push(a)
      },
      side: (output, batch, reason) => {
        this.#count(`side.${output}.${reason}`, 1)
        const topic = this.#s.sideTopic
        if (topic === undefined) return
        const value = this.#job.encodeSide?.(output, batch, reason) ?? encodeSideRecord(output, batch, reason)
        this.#sideRecords.push({
          key: Buffer.from(output, 'utf8'),
          value,
          timestampMs: this.#s.clock.nowMs(),
        })
      },
    }
  }

  async #flushOutputs(committer: EpochCommitter): Promise<void> {
    if (this.#sideRecords.length > 0 && this.#s.sideTopic !== undefined) {
      this.#pending.push({ topic: this.#s.sideTopic, partition: this.#s.task, records: this.#sideRecords })
      this.#sideRecords = []
    }
    const pending = this.#pending.splice(0)
    for (const a of pending) {
      if (a.records.length === 0) continue
      await committer.append(a.topic, a.partition, a.records)
      this.#hasOutputs = true
    }
  }

  #context(): OperatorContext {
    return {
      operatorId: this.#job.name,
      clock: this.#s.clock,
      watermarkMs: this.#watermarks.watermarkMs,
      table: (spec) => {
        if (this.#store === undefined) {
          throw new Error(`${this.#job.name} uses state table ${spec.name} but its operator declares none`)
        }
        return this.#store.table(spec)
      },
      count: (counter, n) => this.#count(counter, n),
    }
  }

  #count(counter: string, n: number): void {
    this.#counters.set(counter, (this.#counters.get(counter) ?? 0) + n)
  }

  #need(): EpochCommitter {
    if (this.#committer === undefined) throw new Error('TaskRunner.start() first')
    return this.#committer
  }
}

/**
 * A task snapshot: the runner's watermark state (small; JSON) in front of the job's own bytes and,
 * when the operator declares state tables, the state store's snapshot (full or a delta):
 * u32 length of the JSON, the JSON (`store` = the store part's length), the job's bytes, the store
 * part. Every snapshot carries the watermark state and the job's bytes in full, so restoring takes
 * them from the newest one; the store restores from the full one and the deltas after it.
 */
function wrapSnapshot(
  watermarks: WatermarkState,
  job: Uint8Array,
  store: Uint8Array | undefined,
): Uint8Array[] {
  // −Infinity (nothing seen yet) is not JSON: written as null, read back as −Infinity.
  const finite = (n: number): number | null => (Number.isFinite(n) ? n : null)
  const plain = {
    watermarkMs: finite(watermarks.watermarkMs),
    partitions: watermarks.partitions.map(([id, t]) => [id, finite(t)]),
    ...(store === undefined ? {} : { store: store.length }),
  }
  const json = Buffer.from(JSON.stringify(plain), 'utf8')
  const head = Buffer.allocUnsafe(4 + json.length)
  head.writeUInt32LE(json.length, 0)
  json.copy(head, 4)
  // Parts, not one buffer: the state record chunks copy them directly (state-record.ts).
  return store === undefined ? [head, job] : [head, job, store]
}

function unwrapSnapshot(bytes: Uint8Array): {
  watermarks: WatermarkState
  job: Uint8Array
  store: Uint8Array | undefined
} {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const len = buf.readUInt32LE(0)
  const plain = JSON.parse(buf.toString('utf8', 4, 4 + len)) as {
    watermarkMs: number | null
    partitions: [string, number | null][]
    store?: number
  }
  const watermarks: WatermarkState = {
    watermarkMs: plain.watermarkMs ?? Number.NEGATIVE_INFINITY,
    partitions: plain.partitions.map(([id, t]) => [id, t ?? Number.NEGATIVE_INFINITY] as const),
  }
  const storeLength = plain.store ?? 0
  const jobEnd = buf.length - storeLength
  if (jobEnd < 4 + len) throw new Error('task snapshot shorter than its parts')
  return {
    watermarks,
    job: new Uint8Array(buf.subarray(4 + len, jobEnd)),
    store: plain.store === undefined ? undefined : new Uint8Array(buf.subarray(jobEnd)),
  }
}

/**
 * A side output record: `{ output, reason, record }` as JSON. Side outputs are the exception path
 * (late data, rejects), so readability wins over the binary batch formats here.
 */
function encodeSideRecord(output: string, batch: unknown, reason: string): Uint8Array {
  return Buffer.from(JSON.stringify({ output, reason, record: batch }), 'utf8')
}

function key(i: InputPartition): string {
  return `${i.topic}/${i.partition}`
}
