import type { Log } from '../../log/index.js'

/** The compacted topic recording each replay (key `<job>.v<N>`) and which output each job serves. */
export const REPLAYS_TOPIC = 'vigil.engine.replays'
/** Key `<job>` → the result topic readers should use for that job (absent: the live topic). */
export const SERVING_TOPIC = 'vigil.engine.serving'

export interface ReplayRecord {
  readonly job: string
  readonly version: number
  readonly outputTopic: string
  readonly state: 'running' | 'complete'
  /** `topic/partition` → first and end offsets of the replayed input. */
  readonly startOffsets: Readonly<Record<string, number>>
  readonly endOffsets: Readonly<Record<string, number>>
  readonly startedAt: string
  readonly completedAt?: string
}

export interface ServingRecord {
  readonly job: string
  readonly topic: string
  readonly version: number | null
  readonly switchedAt: string
}

/**
 * Replays and the serving switch, kept in the log itself (compacted topics, latest value per key
 * wins), so they survive restarts and are visible to every process on the same log. Small JSON
 * documents: this is control data, a handful of records per replay.
 */
export class ReplayCatalog {
  readonly #log: Log

  constructor(log: Log) {
    this.#log = log
  }

  async ensureTopics(): Promise<void> {
    await this.#log.createTopic(REPLAYS_TOPIC, { partitions: 1, cleanupPolicy: 'compact' })
    await this.#log.createTopic(SERVING_TOPIC, { partitions: 1, cleanupPolicy: 'compact' })
  }

  async putReplay(r: ReplayRecord, nowMs: number): Promise<void> {
    await this.#put(REPLAYS_TOPIC, `${r.job}.v${r.version}`, r, nowMs)
  }

  async putServing(s: ServingRecord, nowMs: number): Promise<void> {
    await this.#put(SERVING_TOPIC, s.job, s, nowMs)
  }

  async replays(): Promise<ReplayRecord[]> {
    return [...(await latestByKey<ReplayRecord>(this.#log, REPLAYS_TOPIC)).values()]
  }

  async serving(): Promise<Map<string, ServingRecord>> {
    return latestByKey<ServingRecord>(this.#log, SERVING_TOPIC)
  }

  async #put(topic: string, key: string, value: unknown, nowMs: number): Promise<void> {
    await this.#log.append(topic, 0, [
      {
        key: Buffer.from(key, 'utf8'),
        value: Buffer.from(JSON.stringify(value), 'utf8'),
        timestampMs: nowMs,
      },
    ])
  }
}

async function latestByKey<T>(log: Log, topic: string): Promise<Map<string, T>> {
  const out = new Map<string, T>()
  const d = await log.describeTopic(topic)
  const p = d?.partitions[0]
  if (p === undefined) return out
  let at = p.logStartOffset
  while (at < p.highWatermark) {
    const res = await log.read(topic, 0, at, { maxBytes: 1 << 20 })
    for (const r of res.records) {
      if (r.key === null || r.value === null) continue
      out.set(Buffer.from(r.key).toString('utf8'), JSON.parse(Buffer.from(r.value).toString('utf8')) as T)
    }
    if (res.nextOffset <= at) break
    at = res.nextOffset
  }
  return out
}
