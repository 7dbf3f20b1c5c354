/**
 * Child process of the embedded log's crash test (`../crash.test.ts`): opens the log in a data dir,
 * appends as fast as it can with many appends in flight, and reports every acknowledged append on
 * stdout until the parent `kill -9`s it. Each run continues the same dir.
 *
 * ```
 * node crash-writer.js --data-dir DIR --run N [--fsync interval|always|none] [--seed S]
 *                      [--in-flight 16] [--retry PID:EPOCH:PSEQ:RUN:SEQ] [--max-run-ms 30000]
 *                      [--fsync-journal FILE]
 * ```
 * Partition 0 gets plain appends, 1 idempotent appends (a new producer per run, some batches sent
 * twice as a retry would), 2 transactions of 1-6 pipelined appends each, mostly committed (see
 * `crash-records.ts` for the records). `--retry` first re-sends an old idempotent batch that the
 * parent found to be its producer's newest: the log must answer with a duplicate.
 * `--fsync-journal` records what each fsync made durable, so the parent can simulate a power
 * loss (`power-loss.ts`).
 *
 * Stdout protocol, one line per event, each written with a synchronous write(2) *before* the next
 * step starts, so a line the parent reads always describes something that already happened:
 * ```
 * retry DUP BASE LAST | retry-error CODE       result of --retry (DUP is 1 for a duplicate)
 * ready RUN IDEMPOTENT_PID TXN_PID TXN_EPOCH   log open, topic created; appends start now
 * ack P BASE LAST RUN SEQ COUNT                append acknowledged (durable per --fsync)
 * dup P BASE LAST RUN SEQ DUP                  acknowledgement of a re-sent idempotent batch
 * tack P BASE LAST RUN SEQ COUNT TXN           transactional append acknowledged
 * ending RUN TXN commit|abort                  endTransaction is about to be called
 * ended RUN TXN commit|abort                   endTransaction resolved
 * synced N                                     an fsync covering the first N lines completed
 * ```
 */
import { writeSync } from 'node:fs'
import { setImmediate as yieldToLoop } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import { systemClock } from '../../../core/clock.js'
import { fsyncPolicies } from '../config.js'
import type { FsyncPolicy } from '../config.js'
import { openEmbeddedLog } from '../embedded-log.js'
import type { EmbeddedLog } from '../embedded-log.js'
import type { AppendResult, ProducerIdentity } from '../../log.js'
import {
  CRASH_PARTITIONS,
  CRASH_SEGMENT_BYTES,
  CRASH_TOPIC,
  CRASH_TRANSACTIONAL_ID,
  IDEMPOTENT_PARTITION,
  NO_PRODUCER,
  PLAIN_PARTITION,
  TXN_PARTITION,
  buildBatch,
  hash32,
  txnCommits,
} from './crash-records.js'
import { installFsyncJournal } from './power-loss.js'

interface WriterArgs {
  readonly dataDir: string
  readonly run: number
  readonly fsync: FsyncPolicy
  readonly seed: number
  readonly inFlight: number
  readonly retry: readonly number[] | undefined
  readonly maxRunMs: number
  readonly fsyncJournal: string | undefined
}

function parseWriterArgs(argv: readonly string[]): WriterArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      'data-dir': { type: 'string' },
      run: { type: 'string' },
      fsync: { type: 'string', default: 'interval' },
      seed: { type: 'string', default: '1' },
      'in-flight': { type: 'string', default: '16' },
      retry: { type: 'string' },
      'max-run-ms': { type: 'string', default: '30000' },
      'fsync-journal': { type: 'string' },
    },
  })
  const fsync = values.fsync as FsyncPolicy
  if (values['data-dir'] === undefined || values.run === undefined)
    throw new Error('need --data-dir and --run')
  if (!fsyncPolicies.includes(fsync)) throw new Error(`bad --fsync ${values.fsync}`)
  return {
    dataDir: values['data-dir'],
    run: Number(values.run),
    fsync,
    seed: Number(values.seed),
    inFlight: Number(values['in-flight']),
    retry: values.retry?.split(':').map(Number),
    maxRunMs: Number(values['max-run-ms']),
    fsyncJournal: values['fsync-journal'],
  }
}

/** Lines written so far (so `synced N` can say which acknowledgements an fsync covered). */
let linesEmitted = 0

/** One synchronous write per line: once it returns, the line is in the pipe and survives a kill. */
function emit(line: string): void {
  linesEmitted++
  const buf = Buffer.from(`${line}\n`)
  let done = 0
  while (done < buf.length) {
    try {
      done += writeSync(1, buf, done, buf.length - done)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err
    }
  }
}

class Writer {
  readonly #log: EmbeddedLog
  readonly #args: WriterArgs
  readonly #nextSeq = new Map<number, number>()
  #decisions = 0
  stopping = false

  constructor(log: EmbeddedLog, args: WriterArgs) {
    this.#log = log
    this.#args = args
  }

  /** A deterministic choice in [0, n) from the seed. */
  choose(n: number): number {
    return hash32(this.#args.seed, this.#decisions++) % n
  }

  #seq(partition: number): number {
    const seq = this.#nextSeq.get(partition) ?? 0
    this.#nextSeq.set(partition, seq + 1)
    return seq
  }

  /** Keeps `inFlight` plain appends outstanding on partition 0. */
  async plainSlot(): Promise<void> {
    const { run } = this.#args
    for (let n = 1; !this.stopping; n++) {
      const seq = this.#seq(PLAIN_PARTITION)
      const records = buildBatch({ run, partition: PLAIN_PARTITION, seq }, NO_PRODUCER, systemClock.nowMs())
      const res = await this.#log.append(CRASH_TOPIC, PLAIN_PARTITION, records)
      emit(`ack ${PLAIN_PARTITION} ${res.baseOffset} ${res.lastOffset} ${run} ${seq} ${records.length}`)
      if (n % 8 === 0) await yieldToLoop() // fsync=none acks synchronously: let timers run
    }
  }

  /** Idempotent appends on partition 1; about 1 in 16 batches is sent a second time at once. */
  async idempotentSlot(producer: ProducerIdentity, sequence: { next: number }): Promise<void> {
    const { run } = this.#args
    const p = IDEMPOTENT_PARTITION
    for (let n = 1; !this.stopping; n++) {
      const seq = this.#seq(p)
      const producerSeq = sequence.next
      const meta = { txn: 0, producerId: producer.producerId, epoch: producer.epoch, producerSeq }
      const records = buildBatch({ run, partition: p, seq }, meta, systemClock.nowMs())
      sequence.next += records.length
      const options = { producer: { ...producer, sequence: producerSeq } }
      const first = this.#log.append(CRASH_TOPIC, p, records, options)
      const again = this.choose(16) === 0 ? this.#log.append(CRASH_TOPIC, p, records, options) : undefined
      const res = await first
      emit(`ack ${p} ${res.baseOffset} ${res.lastOffset} ${run} ${seq} ${records.length}`)
      if (again !== undefined) {
        const dup = await again
        emit(`dup ${p} ${dup.baseOffset} ${dup.lastOffset} ${run} ${seq} ${dup.duplicate ? 1 : 0}`)
      }
      if (n % 8 === 0) await yieldToLoop()
    }
  }

  /** Transactions on partition 2, one after the other, each with 1-6 appends in flight. */
  async transactions(producer: ProducerIdentity): Promise<void> {
    const { run } = this.#args
    const p = TXN_PARTITION
    let producerSeq = 0
    for (let txn = 1; !this.stopping; txn++) {
      const pending: Array<Promise<void>> = []
      for (let k = 1 + this.choose(6); k > 0; k--) {
        const seq = this.#seq(p)
        const meta = { txn, producerId: producer.producerId, epoch: producer.epoch, producerSeq }
        const records = buildBatch({ run, partition: p, seq }, meta, systemClock.nowMs())
        const options = { producer: { ...producer, sequence: producerSeq }, transactional: true }
        producerSeq += records.length
        const ack = (r: AppendResult): void =>
          emit(`tack ${p} ${r.baseOffset} ${r.lastOffset} ${run} ${seq} ${records.length} ${txn}`)
        pending.push(this.#log.append(CRASH_TOPIC, p, records, options).then(ack))
      }
      await Promise.all(pending)
      const decision = txnCommits(run, txn) ? 'commit' : 'abort'
      emit(`ending ${run} ${txn} ${decision}`)
      await this.#log.endTransaction(producer, decision === 'commit')
      emit(`ended ${run} ${txn} ${decision}`)
      await yieldToLoop()
    }
  }
}

/** Re-sends batch RUN/SEQ of an earlier run's producer: it must come back as a duplicate. */
async function retryOldBatch(log: EmbeddedLog, retry: readonly number[]): Promise<void> {
  const [producerId = -1, epoch = -1, producerSeq = -1, run = -1, seq = -1] = retry
  const meta = { txn: 0, producerId, epoch, producerSeq }
  const records = buildBatch({ run, partition: IDEMPOTENT_PARTITION, seq }, meta, systemClock.nowMs())
  try {
    const res = await log.append(CRASH_TOPIC, IDEMPOTENT_PARTITION, records, {
      producer: { producerId, epoch, sequence: producerSeq },
    })
    emit(`retry ${res.duplicate ? 1 : 0} ${res.baseOffset} ${res.lastOffset}`)
  } catch (err) {
    emit(`retry-error ${(err as { code?: string }).code ?? String(err)}`)
  }
}

/**
 * Every few ms: `synced N` once an fsync issued after the first N lines completed, so every
 * acknowledgement among those lines is fsync-covered (what a power loss must not take back under
 * any policy). The parent relies on it for `interval` and `none` runs.
 */
async function syncLoop(log: EmbeddedLog, writer: Writer): Promise<void> {
  while (!writer.stopping) {
    await new Promise((resolve) => setTimeout(resolve, SYNC_EVERY_MS))
    const covered = linesEmitted
    await log.sync()
    emit(`synced ${covered}`)
  }
}

const SYNC_EVERY_MS = 15

async function main(): Promise<void> {
  const args = parseWriterArgs(process.argv.slice(2))
  if (args.fsyncJournal !== undefined) installFsyncJournal(args.fsyncJournal)
  const log = await openEmbeddedLog({ dataDir: args.dataDir, fsync: args.fsync, maintenanceIntervalMs: 0 })
  await log.createTopic(CRASH_TOPIC, { partitions: CRASH_PARTITIONS, segmentBytes: CRASH_SEGMENT_BYTES })
  if (args.retry !== undefined) await retryOldBatch(log, args.retry)
  const idempotent = await log.initProducer()
  const transactional = await log.initProducer({ transactionalId: CRASH_TRANSACTIONAL_ID })
  emit(`ready ${args.run} ${idempotent.producerId} ${transactional.producerId} ${transactional.epoch}`)

  const writer = new Writer(log, args)
  // A safety net: a writer whose parent is gone stops on its own instead of filling the disk.
  setTimeout(() => (writer.stopping = true), args.maxRunMs).unref()
  const sequence = { next: 0 }
  const slots: Array<Promise<void>> = [writer.transactions(transactional)]
  for (let i = 0; i < args.inFlight; i++) {
    slots.push(writer.plainSlot(), writer.idempotentSlot(idempotent, sequence))
  }
  slots.push(syncLoop(log, writer))
  await Promise.all(slots)
  await log.close()
}

await main()
