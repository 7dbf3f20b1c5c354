import type { KeptPoint, MetricBatch } from './metric-batch.js'
import type { Labels } from './labels.js'

/**
 * Splits a MetricBatch by series: `groupOfSeries[i]` names the group (0 … groupCount-1) of series
 * `i`, and the result holds one batch per group with that group's series and samples (an empty
 * batch for a group with none). Ingest uses it to send each (tenant, service) to its partition and
 * to set aside series over the cardinality limit.
 *
 * Two passes over the samples with typed arrays, no object per sample; when every series is in one
 * group the input batch itself is returned in that slot (no copy).
 */
export function splitMetricBatch(
  batch: MetricBatch,
  groupOfSeries: Uint32Array,
  groupCount: number,
): MetricBatch[] {
  const seriesCount = batch.series.length
  const first = seriesCount === 0 ? 0 : groupOfSeries[0]!
  let single = true
  for (let i = 1; i < seriesCount && single; i++) single = groupOfSeries[i] === first
  if (single) {
    const out: MetricBatch[] = []
    for (let g = 0; g < groupCount; g++) out.push(g === first ? batch : emptyLike(batch))
    return out
  }

  // New series index of every series within its group, and each group's series list.
  const newIndex = new Uint32Array(seriesCount)
  const groupSeries: Labels[][] = []
  const groupKinds: number[][] = []
  for (let g = 0; g < groupCount; g++) {
    groupSeries.push([])
    groupKinds.push([])
  }
  for (let i = 0; i < seriesCount; i++) {
    const g = groupOfSeries[i]!
    newIndex[i] = groupSeries[g]!.length
    groupSeries[g]!.push(batch.series[i]!)
    groupKinds[g]!.push(batch.seriesKinds[i]!)
  }
  const counts = new Uint32Array(groupCount)
  const n = batch.length
  for (let j = 0; j < n; j++) counts[groupOfSeries[batch.seriesIdx[j]!]!]!++
  const seriesIdx: Uint32Array[] = []
  const ts: Float64Array[] = []
  const value: Float64Array[] = []
  for (let g = 0; g < groupCount; g++) {
    seriesIdx.push(new Uint32Array(counts[g]!))
    ts.push(new Float64Array(counts[g]!))
    value.push(new Float64Array(counts[g]!))
  }
  const fill = new Uint32Array(groupCount)
  for (let j = 0; j < n; j++) {
    const s = batch.seriesIdx[j]!
    const g = groupOfSeries[s]!
    const k = fill[g]!++
    seriesIdx[g]![k] = newIndex[s]!
    ts[g]![k] = batch.ts[j]!
    value[g]![k] = batch.value[j]!
  }
  const kept: KeptPoint[][] = groupSeries.map(() => [])
  for (const p of batch.keptPoints) {
    kept[groupOfSeries[p.series]!]!.push({ ...p, series: newIndex[p.series]! })
  }
  const out: MetricBatch[] = []
  for (let g = 0; g < groupCount; g++) {
    out.push({
      kind: 'metrics',
      tenant: batch.tenant,
      series: groupSeries[g]!,
      seriesKinds: Uint8Array.from(groupKinds[g]!),
      length: counts[g]!,
      seriesIdx: seriesIdx[g]!,
      ts: ts[g]!,
      value: value[g]!,
      keptPoints: kept[g]!,
    })
  }
  return out
}

function emptyLike(batch: MetricBatch): MetricBatch {
  return {
    kind: 'metrics',
    tenant: batch.tenant,
    series: [],
    seriesKinds: new Uint8Array(0),
    length: 0,
    seriesIdx: new Uint32Array(0),
    ts: new Float64Array(0),
    value: new Float64Array(0),
    keptPoints: [],
  }
}
