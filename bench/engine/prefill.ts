import { SERIES_KIND_CODE, encodeMetricBatch } from '../../src/core/batch/index.js'
import type { Labels, MetricBatch } from '../../src/core/batch/index.js'
import type { Log } from '../../src/log/index.js'

export const BENCH_TENANT = 'bench'

/** The label set of series `i`: `bench_metric{instance="i-<i>", job="bench"}` (sorted by name). */
export function seriesLabels(i: number): Labels {
  return ['__name__', 'bench_metric', 'instance', `i-${i}`, 'job', 'bench']
}

export interface PrefillResult {
  /** Records (MetricBatch values) appended per partition: the end offsets the tasks must reach. */
  readonly endOffsets: readonly number[]
  readonly samples: number
  readonly bytes: number
  readonly seconds: number
}

const IN_FLIGHT = 8

/**
 * Appends `steps` steps of one sample per series to `topic`: series `i` lives on partition
 * `i mod partitions`; each partition gets MetricBatch records of `batchSamples` samples in
 * (step, series) order, timestamps advancing by `stepMs` per step. Values are a cheap function
 * of (series, step), so aggregates are not constant.
 */
export async function prefillMetrics(
  log: Log,
  topic: string,
  o: {
    readonly partitions: number
    readonly series: number
    readonly steps: number
    readonly batchSamples: number
    readonly startMs: number
    readonly stepMs: number
  },
): Promise<PrefillResult> {
  const started = performance.now()
  const labels: Labels[] = []
  for (let i = 0; i < o.series; i++) labels.push(seriesLabels(i))
  const endOffsets: number[] = []
  let samples = 0
  let bytes = 0
  const inFlight = new Set<Promise<void>>()
  const append = async (partition: number, value: Uint8Array, timestampMs: number): Promise<void> => {
    while (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight)
    const p = log
      .append(topic, partition, [{ key: null, value, timestampMs }])
      .then(() => undefined)
      .finally(() => inFlight.delete(p))
    inFlight.add(p)
  }
  for (let partition = 0; partition < o.partitions; partition++) {
    const mine: number[] = []
    for (let i = partition; i < o.series; i += o.partitions) mine.push(i)
    // Built as columns directly (a MetricBatch is plain data): the builder's interning would make
    // the pre-fill of ~20 M samples take minutes.
    const cap = o.batchSamples
    const ts = new Float64Array(cap)
    const value = new Float64Array(cap)
    const idx = new Uint32Array(cap)
    const dict: Labels[] = []
    const slot = new Map<number, number>()
    let n = 0
    let records = 0
    let newest = 0
    const flush = async (): Promise<void> => {
      if (n === 0) return
      const batch: MetricBatch = {
        kind: 'metrics',
        tenant: BENCH_TENANT,
        series: dict.slice(),
        seriesKinds: new Uint8Array(dict.length).fill(SERIES_KIND_CODE.gauge),
        length: n,
        seriesIdx: idx.slice(0, n),
        ts: ts.slice(0, n),
        value: value.slice(0, n),
        keptPoints: [],
      }
      const encoded = encodeMetricBatch(batch)
      samples += n
      bytes += encoded.length
      records++
      n = 0
      dict.length = 0
      slot.clear()
      await append(partition, encoded, newest)
    }
    for (let step = 0; step < o.steps; step++) {
      const t = o.startMs + step * o.stepMs
      newest = t
      for (const i of mine) {
        let k = slot.get(i)
        if (k === undefined) {
          k = dict.length
          dict.push(labels[i]!)
          slot.set(i, k)
        }
        idx[n] = k
        ts[n] = t
        value[n] = (i % 97) + step * 0.5
        n++
        if (n >= cap) await flush()
      }
    }
    await flush()
    endOffsets.push(records)
  }
  await Promise.all(inFlight)
  return { endOffsets, samples, bytes, seconds: (performance.now() - started) / 1000 }
}
