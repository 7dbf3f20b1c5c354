import type { Log } from '../../log/index.js'

/** Consumer groups of `vigil replay` runs (see engine/replay). */
const REPLAY_GROUP_PREFIX = 'vigil.replay.'

/**
 * Polls consumer-group lag on the ingest topics (high watermark minus committed offset, per
 * partition) and keeps the largest value, so admission control reads a number instead of querying
 * the log per request. Groups that never committed on a partition are not counted (they have not
 * started), nor are replays (`vigil.replay.*`: reprocessing history is behind by design and must not
 * slow live ingest). Polls every `intervalMs` on an unref'd timer; `stop()` ends it.
 */
export class ConsumerLagMonitor {
  readonly #log: Log
  readonly #topics: ReadonlySet<string>
  readonly #intervalMs: number
  #maxLag = 0
  #timer: NodeJS.Timeout | undefined
  #polling = false

  constructor(log: Log, topics: readonly string[], intervalMs = 1_000) {
    this.#log = log
    this.#topics = new Set(topics)
    this.#intervalMs = intervalMs
  }

  get maxLag(): number {
    return this.#maxLag
  }

  start(): void {
    if (this.#timer !== undefined) return
    this.#timer = setInterval(() => void this.poll(), this.#intervalMs)
    this.#timer.unref()
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer)
    this.#timer = undefined
  }

  /** One poll; errors leave the last value in place (the log may be closing). */
  async poll(): Promise<void> {
    if (this.#polling) return
    this.#polling = true
    try {
      const hwm = new Map<string, number>()
      for (const topic of this.#topics) {
        const d = await this.#log.describeTopic(topic)
        for (const p of d?.partitions ?? []) hwm.set(`${topic}\u0000${p.partition}`, p.highWatermark)
      }
      let max = 0
      for (const group of await this.#log.listGroups()) {
        if (group.startsWith(REPLAY_GROUP_PREFIX)) continue
        for (const o of await this.#log.fetchOffsets(group)) {
          if (!this.#topics.has(o.topic)) continue
          const end = hwm.get(`${o.topic}\u0000${o.partition}`)
          if (end !== undefined) max = Math.max(max, end - o.offset)
        }
      }
      this.#maxLag = max
    } catch {
      // keep the previous value
    } finally {
      this.#polling = false
    }
  }
}
