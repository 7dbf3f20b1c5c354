import assert from 'node:assert/strict'
import { SERIES_KIND_CODE, seriesKinds, labelValue } from '../../../core/batch/index.js'
import type { MetricBatch, SeriesKind } from '../../../core/batch/index.js'

/** One sample of a batch as a plain row, for readable assertions in tests. */
export interface Row {
  readonly labels: Readonly<Record<string, string>>
  readonly kind: SeriesKind
  readonly ts: number
  readonly value: number
}

export function rows(batch: MetricBatch): Row[] {
  const out: Row[] = []
  for (let i = 0; i < batch.length; i++) {
    const s = batch.seriesIdx[i]!
    const labels: Record<string, string> = {}
    const flat = batch.series[s]!
    for (let j = 0; j < flat.length; j += 2) labels[flat[j]!] = flat[j + 1]!
    out.push({ labels, kind: seriesKinds[batch.seriesKinds[s]!]!, ts: batch.ts[i]!, value: batch.value[i]! })
  }
  return out
}

/** The only row whose labels include all of `match`. */
export function row(all: readonly Row[], match: Readonly<Record<string, string>>): Row {
  const found = all.filter((r) => Object.entries(match).every(([k, v]) => r.labels[k] === v))
  assert.equal(found.length, 1, `expected one row matching ${JSON.stringify(match)}, got ${found.length}`)
  return found[0]!
}

/** Invariants every decoded batch must hold, whatever the input was. */
export function assertConsistent(batch: MetricBatch): void {
  assert.equal(batch.seriesIdx.length, batch.length)
  assert.equal(batch.ts.length, batch.length)
  assert.equal(batch.value.length, batch.length)
  assert.equal(batch.seriesKinds.length, batch.series.length)
  for (const idx of batch.seriesIdx) assert.ok(idx < batch.series.length)
  for (const k of batch.seriesKinds) assert.ok(k <= SERIES_KIND_CODE.summary)
  for (const labels of batch.series) {
    assert.ok(labels.length % 2 === 0 && labels.length >= 2)
    assert.notEqual(labelValue(labels, '__name__') ?? '', '')
    for (let j = 2; j < labels.length; j += 2) assert.ok(labels[j - 2]! < labels[j]!, 'labels sorted, unique')
  }
  for (const p of batch.keptPoints) assert.ok(p.series < batch.series.length)
}
