import type { Log } from '../../../log/index.js'
import type { TaskJob } from '../task-job.js'

/** Test-only input event: a key and an event time. */
export interface CountEvent {
  readonly key: string
  readonly ts: number
}

export const COUNT_INPUT = 'in'
export const COUNT_OUTPUT = 'out'

/**
 * Test-only job: a running count per key. Every input event emits `key=count` to `out`; the counts
 * are the state (a full JSON snapshot per epoch). Its committed output is correct exactly when,
 * for every key, the counts read 1, 2, … N with no gap and no repeat — a duplicate or a lost epoch
 * shows at once.
 */
export function countingJob(): TaskJob<CountEvent, string> & { readonly counts: Map<string, number> } {
  const counts = new Map<string, number>()
  return {
    name: 'count',
    counts,
    decode: (v) => JSON.parse(Buffer.from(v).toString()) as CountEvent,
    maxEventTimeMs: (e) => e.ts,
    operator: {
      processBatch(e, _ctx, out) {
        const n = (counts.get(e.key) ?? 0) + 1
        counts.set(e.key, n)
        out.emit(`${e.key}=${n}`)
      },
    },
    encode: (s) => [
      { topic: COUNT_OUTPUT, partition: 0, records: [{ key: null, value: Buffer.from(s), timestampMs: 0 }] },
    ],
    snapshot: () => ({ bytes: Buffer.from(JSON.stringify([...counts])), full: true }),
    restore(snapshots) {
      counts.clear()
      const last = snapshots[snapshots.length - 1]
      if (last === undefined) return
      for (const [k, v] of JSON.parse(Buffer.from(last).toString()) as [string, number][]) counts.set(k, v)
    },
  }
}

/** Appends events `from … to-1` (key `k<i mod keys>`, two partitions) and returns the counts they add. */
export async function writeCountEvents(
  log: Log,
  from: number,
  to: number,
  keys: number,
): Promise<Map<string, number>> {
  const added = new Map<string, number>()
  for (let i = from; i < to; i++) {
    const key = `k${i % keys}`
    added.set(key, (added.get(key) ?? 0) + 1)
    await log.append(COUNT_INPUT, i % 2, [
      { key: null, value: Buffer.from(JSON.stringify({ key, ts: i })), timestampMs: i },
    ])
  }
  return added
}

/** The committed output of the job, read_committed, in order. */
export async function committedCounts(log: Log): Promise<string[]> {
  const out: string[] = []
  let at = 0
  for (;;) {
    const res = await log.read(COUNT_OUTPUT, 0, at, { isolation: 'read_committed' })
    for (const r of res.records) out.push(Buffer.from(r.value ?? new Uint8Array(0)).toString())
    if (res.records.length === 0 || res.nextOffset <= at) return out
    at = res.nextOffset
  }
}

/** Checks the committed output: per key 1 … N without gap or repeat; returns the final counts. */
export function checkCounts(outputs: readonly string[]): Map<string, number> {
  const last = new Map<string, number>()
  for (const o of outputs) {
    const [k, n] = o.split('=') as [string, string]
    const expected = (last.get(k) ?? 0) + 1
    if (Number(n) !== expected) throw new Error(`${k}: got ${n} after ${expected - 1} (a duplicate or a gap)`)
    last.set(k, expected)
  }
  return last
}
