import { decodeAnomalyBatch } from '../../core/batch/index.js'
import type { AnomalyRow } from '../../core/batch/index.js'
import type { Log } from '../../log/index.js'

const MAX_BYTES = 4 << 20

/**
 * Reads the detectors' anomalies from their topic, read_committed, every partition, from where
 * the last `poll` stopped. On start it goes back `lookbackMs` (by record time) so a restarted
 * process rebuilds its anomaly rules' state from the durable stream; notifications it re-sends
 * carry the same idempotency keys, so receivers drop the repeats.
 */
export class AnomalyFeed {
  readonly #positions: number[] = []
  #undecodable = 0

  constructor(
    private readonly log: Log,
    private readonly topic: string,
  ) {}

  /** Records that did not decode (skipped). */
  get undecodable(): number {
    return this.#undecodable
  }

  async start(fromTimeMs: number): Promise<void> {
    const d = await this.log.describeTopic(this.topic)
    const partitions = d?.partitions.length ?? 0
    this.#positions.length = 0
    for (let p = 0; p < partitions; p++)
      this.#positions.push(await this.log.offsetForTime(this.topic, p, fromTimeMs))
  }

  /** The anomalies committed since the last poll. */
  async poll(): Promise<AnomalyRow[]> {
    if (this.#positions.length === 0) {
      // The topic may be created after us (the engine creates it): pick it up when it exists.
      const d = await this.log.describeTopic(this.topic)
      if (d === undefined) return []
      for (let p = 0; p < d.partitions.length; p++) this.#positions.push(0)
    }
    const rows: AnomalyRow[] = []
    for (let p = 0; p < this.#positions.length; p++) {
      for (;;) {
        const from = this.#positions[p]!
        const read = await this.log.read(this.topic, p, from, {
          isolation: 'read_committed',
          maxBytes: MAX_BYTES,
        })
        for (const r of read.records) {
          if (r.value === null) continue
          const d = decodeAnomalyBatch(r.value)
          if (d.ok) rows.push(...d.batch.rows)
          else this.#undecodable++
        }
        this.#positions[p] = read.nextOffset
        if (read.nextOffset === from || read.nextOffset >= read.lastStableOffset) break
      }
    }
    return rows
  }
}
