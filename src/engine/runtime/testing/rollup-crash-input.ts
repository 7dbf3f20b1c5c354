import {
  MetricBatchBuilder,
  decodeResultBatch,
  encodeMetricBatch,
  labelsKey,
} from '../../../core/batch/index.js'
import type { ResultRow } from '../../../core/batch/index.js'
import type { Log } from '../../../log/index.js'
import type { EngineConfig, JobsConfig } from '../../config/index.js'

/**
 * Test-only input for the crash test of the real built-in rollup job (`builtInJobs`, job
 * `rollups`), its offline reference, and the comparison of the committed results with it.
 *
 * The task reads ROLLUP_CRASH_PARTITIONS partitions of ROLLUP_CRASH_INPUT, one per series group:
 * partition p holds tenant `tenant-p` with SERIES series whose labels are the same in every
 * tenant (results must be keyed by tenant and series, not labels alone). Record r of a partition
 * (r counts from 0 over every round written) is one MetricBatch of event time around
 * `t_r = T0 + r·STEP_MS`, with one *regular* sample per series plus EXTRAS more samples:
 *
 * - regular: even timestamps in [t_r, t_r + 998], in a shuffled series order (disorder within a
 *   record); the largest event time of a record is the same in every partition;
 * - `disorder`: odd timestamps in [t_r − 1799, t_r − 1], behind newer samples but within the
 *   out-of-orderness bound;
 * - `duplicate`: an exact repeat (same series, ts and value: a retried request) of a regular sample
 *   of records r − 2 … r, or of a within-lateness sample of the same record; never counted twice;
 * - `within-lateness`: in records with r mod 10 ∈ {5, 6}, an odd timestamp in the 10 s window
 *   that ended at t_r − 5000 or t_r − 6000: behind the watermark (its window has usually fired, so
 *   the result comes again as revision 2) but within the allowed lateness;
 * - `late`: from record LATE_FROM_RECORD on, an odd timestamp 130–190 s behind t_r, in windows of
 *   both sizes dropped long before: refused and sent to the late topic once per window size.
 *
 * Timestamps are unique per (tenant, series) except for the duplicates.
 *
 * **Why the classification cannot depend on batching or restarts.** When the task processes record
 * r of partition p, the operator's watermark W is the one computed after an earlier poll (or
 * restored with the offsets it was committed with), so it covers only records before r of p:
 * W ≤ maxTs(p, records < r) − B − 1 ≤ (t_r − 2) − B − 1, B = MAX_OUT_OF_ORDERNESS_MS = 2 s, i.e.
 * W + 1 ≤ t_r − 2002, whatever the polls and restarts were. Hence:
 *
 * - regular, disorder and same-window duplicates have ts ≥ t_r − 2000 > W: on time;
 * - within-lateness samples are in a window ending at e ≥ t_r − 6000, so e + L ≥ t_r − 1000 >
 *   W + 1 (L = ALLOWED_LATENESS_MS = 5 s): always accepted (as revision 1 when the watermark lagged
 *   enough, else as an upsert), with a margin of 1 s;
 * - a late sample's windows end at e ≤ ts + 60 000 < t_r − 70 000 (both sizes), so
 *   e + L < t_r − 65 000. The watermark is a minimum over partitions, so a lower bound needs every
 *   partition to have been read up to near r: every record of both partitions has the same size
 *   (same series, same number of samples, same string lengths; 447 bytes) and they are appended
 *   at the same offsets, so each poll (at most `maxPollBytes` per partition: the crash child's
 *   2048 bytes is 4 records) reads the same number of records from each partition, and committed
 *   offsets move together. Even allowing 50 records of drift, every partition delivered record
 *   r − 51 before the poll that reads r, so W + 1 ≥ t_{r−51} − B = t_r − 53 000 > e + L: late,
 *   with 12 s to spare, whatever the polls and restarts. Late samples start at record
 *   LATE_FROM_RECORD = 60, so this holds from the first poll of a fresh task (watermark −∞).
 *
 * Every round appends the same number of records (a multiple of 10) to each partition, so a round
 * ends with no within-lateness record pending, and the final watermark is exactly
 * `min_p maxTs_p − B − 1` after a complete run: the reference expects a row exactly for the
 * windows that watermark closed. A within-lateness upsert is emitted at the next watermark
 * advance, which always comes since the final watermark is above the one it was processed at.
 */
export const ROLLUP_CRASH_INPUT = 'crash.metrics'
export const ROLLUP_CRASH_PARTITIONS = 2
export const ROLLUP_WINDOWS_MS: readonly number[] = [10_000, 60_000]
export const ALLOWED_LATENESS_MS = 5_000
export const MAX_OUT_OF_ORDERNESS_MS = 2_000
/** Processing time; far above a test's life, so no partition ever goes idle. */
export const IDLE_TIMEOUT_MS = 600_000
export const STEP_MS = 1_000
export const SERIES = 6
export const EXTRAS = 4
export const LATE_FROM_RECORD = 60
/** Event time of record 0: a multiple of every window size. */
export const T0 = 1_699_999_980_000

/** The rollup job's config in the crash test: rollups only, both window sizes. */
export function rollupCrashConfig(checkpointIntervalMs: number): { jobs: JobsConfig; engine: EngineConfig } {
  return {
    jobs: {
      rollups: { enabled: true, windows: [...ROLLUP_WINDOWS_MS] },
      red: { enabled: false, windows: [10_000] },
      logCounts: { enabled: false, windows: [60_000] },
      detect: {
        enabled: false,
        minScore: 0.5,
        maxSeriesPerTask: 100_000,
        idleTimeout: 3_600_000,
        detector: {},
        shadow: null,
      },
    },
    engine: {
      checkpointInterval: checkpointIntervalMs,
      resultCommitDelay: 0,
      maxOutOfOrderness: MAX_OUT_OF_ORDERNESS_MS,
      idleTimeout: IDLE_TIMEOUT_MS,
      allowedLateness: ALLOWED_LATENESS_MS,
      tasks: 1,
    },
  }
}

export const sampleKinds = ['regular', 'disorder', 'duplicate', 'within-lateness', 'late'] as const
export type SampleKind = (typeof sampleKinds)[number]

/** One generated sample, with what the generator made it. `series` is the labelsKey. */
export interface CrashSample {
  readonly partition: number
  readonly record: number
  readonly tenant: string
  readonly series: string
  readonly ts: number
  readonly value: number
  readonly kind: SampleKind
}

const seriesLabels: readonly (readonly string[])[] = Array.from({ length: SERIES }, (_, s) => [
  '__name__',
  'cpu_seconds',
  'host',
  `h${String(s).padStart(2, '0')}`,
])

/** Generates and appends the input, round by round; remembers every sample written. */
export class RollupCrashInput {
  readonly samples: CrashSample[] = []
  readonly #random: () => number
  #records = 0
  /** Timestamps taken per `tenant NUL series` (regular ones are unique by construction). */
  readonly #taken = new Map<string, Set<number>>()
  /** Per partition, the regular samples of the last three records (duplicate candidates). */
  readonly #recent: CrashSample[][][] = Array.from({ length: ROLLUP_CRASH_PARTITIONS }, () => [])

  /** `random`: uniform in [0, 1) (seeded by the test, so a run can be replayed). */
  constructor(random: () => number) {
    this.#random = random
  }

  /** Records written to each partition so far. */
  get records(): number {
    return this.#records
  }

  /** Appends `records` more records (a multiple of 10) to every partition. */
  async append(log: Log, records: number): Promise<void> {
    if (records % 10 !== 0) throw new RangeError('rounds are whole 10 s windows')
    await log.createTopic(ROLLUP_CRASH_INPUT, { partitions: ROLLUP_CRASH_PARTITIONS })
    for (let r = this.#records; r < this.#records + records; r++) {
      for (let p = 0; p < ROLLUP_CRASH_PARTITIONS; p++) {
        const value = this.#record(p, r)
        await log.append(ROLLUP_CRASH_INPUT, p, [{ key: null, value, timestampMs: r }])
      }
    }
    this.#records += records
  }

  #int(max: number): number {
    return Math.floor(this.#random() * max)
  }

  #record(p: number, r: number): Uint8Array {
    const tenant = `tenant-${p}`
    const tr = T0 + r * STEP_MS
    const builder = new MetricBatchBuilder(tenant, SERIES + EXTRAS)
    const ids = seriesLabels.map((labels) => builder.series(labels, 'gauge'))
    const add = (s: number, ts: number, value: number, kind: SampleKind): CrashSample => {
      builder.sample(ids[s]!, ts, value)
      const sample = { partition: p, record: r, tenant, series: labelsKey(seriesLabels[s]!), ts, value, kind }
      this.samples.push(sample)
      return sample
    }
    // A fresh odd timestamp of series s in [from, to].
    const odd = (s: number, from: number, to: number): number => {
      const k = `${tenant}\u0000${s}`
      let taken = this.#taken.get(k)
      if (taken === undefined) this.#taken.set(k, (taken = new Set()))
      const lo = Math.ceil((from - 1) / 2)
      const hi = Math.floor((to - 1) / 2)
      for (;;) {
        const ts = 2 * (lo + this.#int(hi - lo + 1)) + 1
        if (!taken.has(ts)) {
          taken.add(ts)
          return ts
        }
      }
    }
    const order = Array.from({ length: SERIES }, (_, s) => s)
    for (let i = order.length - 1; i > 0; i--) {
      const j = this.#int(i + 1)
      ;[order[i], order[j]] = [order[j]!, order[i]!]
    }
    const regular: CrashSample[] = []
    for (const s of order) {
      regular.push(add(s, tr + 2 * ((s * 37 + r * 11) % 500), this.#int(1000), 'regular'))
    }
    const recent = this.#recent[p]!
    recent.push(regular)
    if (recent.length > 3) recent.shift()
    const seriesOf = (sample: CrashSample): number =>
      seriesLabels.findIndex((l) => labelsKey(l) === sample.series)
    let withinLateness: CrashSample | undefined
    for (let slot = 0; slot < EXTRAS; slot++) {
      const s = this.#int(SERIES)
      const roll = this.#random()
      if (slot === 0 && (r % 10 === 5 || r % 10 === 6)) {
        const end = tr - (r % 10) * STEP_MS // the 10 s window before t_r's ended here
        withinLateness = add(s, odd(s, end - 10_000, end - 1), this.#int(1000), 'within-lateness')
      } else if (slot === 1 && withinLateness !== undefined && roll < 0.5) {
        add(seriesOf(withinLateness), withinLateness.ts, withinLateness.value, 'duplicate')
      } else if (roll < 0.4) {
        const from = recent[this.#int(recent.length)]!
        const original = from[this.#int(from.length)]!
        add(seriesOf(original), original.ts, original.value, 'duplicate')
      } else if (roll < 0.7 && r >= LATE_FROM_RECORD) {
        add(s, odd(s, tr - 190_000, tr - 130_001), this.#int(1000), 'late')
      } else {
        add(s, odd(s, tr - 1_799, tr - 1), this.#int(1000), 'disorder')
      }
    }
    return encodeMetricBatch(builder.build())
  }
}

/** The aggregate the reference expects for one window. */
export interface WindowAggregate {
  count: number
  sum: number
  min: number
  max: number
  last: number
  lastTs: number
}

export interface RollupReference {
  /** By windowIdentity: the aggregate of every window the final watermark closed. */
  readonly windows: ReadonlyMap<string, WindowAggregate>
  /** lateIdentity of every late record expected (one per late sample and window size). */
  readonly late: ReadonlySet<string>
  readonly finalWatermarkMs: number
}

export function windowIdentity(
  tenant: string,
  series: string,
  windowMs: number,
  windowStart: number,
): string {
  return `${tenant}|${series.replaceAll('\u0000', ',')}|${windowMs}|${windowStart}`
}

export function lateIdentity(
  tenant: string,
  series: string,
  ts: number,
  value: number,
  windowMs: number,
): string {
  return `${tenant}|${series.replaceAll('\u0000', ',')}|ts=${ts}|v=${value}|${windowMs}`
}

/**
 * The obviously-correct offline implementation: drop the late samples, dedupe by (tenant, series,
 * ts), group by (tenant, series, window) for each size, keep the windows the final watermark
 * (min over partitions of the largest event time, minus the bound, minus 1) closed.
 */
export function rollupReference(samples: readonly CrashSample[]): RollupReference {
  const maxTs = new Map<number, number>()
  for (const s of samples) maxTs.set(s.partition, Math.max(maxTs.get(s.partition) ?? -Infinity, s.ts))
  const finalWatermarkMs = Math.min(...maxTs.values()) - MAX_OUT_OF_ORDERNESS_MS - 1
  const unique = new Map<string, CrashSample>()
  const late = new Set<string>()
  for (const s of samples) {
    if (s.kind === 'late') {
      for (const size of ROLLUP_WINDOWS_MS) late.add(lateIdentity(s.tenant, s.series, s.ts, s.value, size))
      continue
    }
    const k = `${s.tenant}|${s.series}|${s.ts}`
    const seen = unique.get(k)
    if (seen !== undefined && seen.value !== s.value) throw new Error(`generator bug: ${k} with two values`)
    if (seen === undefined) unique.set(k, s)
  }
  const windows = new Map<string, WindowAggregate>()
  for (const size of ROLLUP_WINDOWS_MS) {
    for (const s of unique.values()) {
      const start = Math.floor(s.ts / size) * size
      if (start + size > finalWatermarkMs + 1) continue
      const k = windowIdentity(s.tenant, s.series, size, start)
      let w = windows.get(k)
      if (w === undefined) {
        w = { count: 0, sum: 0, min: Infinity, max: -Infinity, last: NaN, lastTs: -Infinity }
        windows.set(k, w)
      }
      w.count++
      w.sum += s.value
      w.min = Math.min(w.min, s.value)
      w.max = Math.max(w.max, s.value)
      if (s.ts > w.lastTs) {
        w.lastTs = s.ts
        w.last = s.value
      }
    }
  }
  return { windows, late, finalWatermarkMs }
}

/** A late side-output record as the runner writes it (`{ output, reason, record }`). */
export interface LateEntry {
  readonly output: string
  readonly reason: string
  readonly record: { tenant: string; key: string; ts: number; value: number; windowMs: number }
}

export const problemKinds = [
  'missing',
  'extra',
  'duplicate',
  'revision-gap',
  'differs',
  'late-missing',
  'late-duplicate',
  'late-extra',
] as const
export type ProblemKind = (typeof problemKinds)[number]

export interface RollupCheck {
  readonly problems: readonly { readonly kind: ProblemKind; readonly detail: string }[]
  readonly counts: Readonly<Record<ProblemKind, number>>
  readonly rows: number
  readonly windows: number
  /** Windows whose newest row has revision ≥ 2 (within-lateness upserts). */
  readonly upserted: number
  readonly lateRecords: number
  /** One line: the counts, then the first few problems. */
  readonly summary: string
}

/**
 * Compares committed result rows and late records with the reference. Per window identity the row
 * with the highest revision must equal the reference (count, sum, min, max, last); two rows of one
 * identity with the same revision are a duplicate, revisions must run 1…n (a hole is a lost
 * emission); every late record expected must be there exactly once, and nothing else.
 */
export function checkRollupResults(
  rows: readonly ResultRow[],
  late: readonly LateEntry[],
  expected: RollupReference,
): RollupCheck {
  const problems: { kind: ProblemKind; detail: string }[] = []
  const byIdentity = new Map<string, ResultRow[]>()
  for (const row of rows) {
    const k = windowIdentity(row.tenant, row.key, row.windowMs, row.windowStart)
    const list = byIdentity.get(k)
    if (list === undefined) byIdentity.set(k, [row])
    else list.push(row)
  }
  let upserted = 0
  for (const [k, list] of byIdentity) {
    const copies = new Map<number, number>()
    for (const r of list) copies.set(r.revision, (copies.get(r.revision) ?? 0) + 1)
    for (const [revision, n] of copies) {
      if (n > 1)
        problems.push({ kind: 'duplicate', detail: `${k} revision ${revision} committed ${n} times` })
    }
    const distinct = [...copies.keys()].sort((a, b) => a - b)
    if (distinct.some((r, i) => r !== i + 1)) {
      problems.push({ kind: 'revision-gap', detail: `${k} revisions ${distinct.join(',')}` })
    }
    const newest = list.reduce((a, b) => (b.revision > a.revision ? b : a))
    if (newest.revision >= 2) upserted++
    const ref = expected.windows.get(k)
    if (ref === undefined) {
      problems.push({
        kind: 'extra',
        detail: `${k} has a row (count ${newest.count}) but no reference window`,
      })
      continue
    }
    const got = [newest.count, newest.sum, newest.min, newest.max, newest.last]
    const want = [ref.count, ref.sum, ref.min, ref.max, ref.last]
    if (got.some((v, i) => !Object.is(v, want[i]))) {
      problems.push({
        kind: 'differs',
        detail: `${k} r${newest.revision} [count,sum,min,max,last] = [${got.join(',')}], reference [${want.join(',')}]`,
      })
    }
  }
  for (const k of expected.windows.keys()) {
    if (!byIdentity.has(k)) problems.push({ kind: 'missing', detail: `${k} has no committed row` })
  }
  const lateSeen = new Map<string, number>()
  for (const e of late) {
    const r = e.record
    const k = `${lateIdentity(r.tenant, r.key, r.ts, r.value, r.windowMs)}|${e.output}/${e.reason}`
    lateSeen.set(k, (lateSeen.get(k) ?? 0) + 1)
  }
  for (const k of expected.late) {
    const n = lateSeen.get(`${k}|late/window_closed`) ?? 0
    if (n === 0) problems.push({ kind: 'late-missing', detail: `late record ${k} not in the late topic` })
    if (n > 1) problems.push({ kind: 'late-duplicate', detail: `late record ${k} committed ${n} times` })
  }
  for (const k of lateSeen.keys()) {
    const base = k.slice(0, k.lastIndexOf('|'))
    if (!expected.late.has(base) || !k.endsWith('|late/window_closed')) {
      problems.push({ kind: 'late-extra', detail: `unexpected late record ${k}` })
    }
  }
  const counts = Object.fromEntries(problemKinds.map((kind) => [kind, 0])) as Record<ProblemKind, number>
  for (const p of problems) counts[p.kind]++
  const nonZero = problemKinds.filter((kind) => counts[kind] > 0).map((kind) => `${counts[kind]} ${kind}`)
  const summary =
    problems.length === 0
      ? `equal: ${byIdentity.size} windows (${upserted} upserted to revision ≥ 2), ${late.length} late records`
      : `${nonZero.join(', ')} (of ${expected.windows.size} windows, ${expected.late.size} late records); ` +
        problems
          .slice(0, 4)
          .map((p) => `${p.kind}: ${p.detail}`)
          .join('; ')
  return {
    problems,
    counts,
    rows: rows.length,
    windows: byIdentity.size,
    upserted,
    lateRecords: late.length,
    summary,
  }
}

/** Every read_committed record value of one partition. */
export async function readCommitted(log: Log, topic: string, partition: number): Promise<Uint8Array[]> {
  const described = await log.describeTopic(topic)
  const p = described?.partitions.find((d) => d.partition === partition)
  const values: Uint8Array[] = []
  if (p === undefined) return values
  let at = p.logStartOffset
  while (at < p.lastStableOffset) {
    const res = await log.read(topic, partition, at, { isolation: 'read_committed', maxBytes: 4 << 20 })
    for (const r of res.records) if (r.value !== null) values.push(r.value)
    if (res.nextOffset <= at) break
    at = res.nextOffset
  }
  return values
}

/** The committed rows of a result topic partition (ResultBatch records). */
export async function committedResultRows(log: Log, topic: string, partition: number): Promise<ResultRow[]> {
  const rows: ResultRow[] = []
  for (const value of await readCommitted(log, topic, partition)) {
    const d = decodeResultBatch(value)
    if (!d.ok) throw new Error(`undecodable result batch in ${topic}/${partition}: ${d.reason}`)
    rows.push(...d.batch.rows)
  }
  return rows
}

/** The committed records of a late topic partition. */
export async function committedLateRecords(log: Log, topic: string, partition: number): Promise<LateEntry[]> {
  return (await readCommitted(log, topic, partition)).map(
    (v) => JSON.parse(Buffer.from(v).toString('utf8')) as LateEntry,
  )
}
