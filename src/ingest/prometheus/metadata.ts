import type { SeriesKind } from '../../core/batch/index.js'
import type { ProtoReader } from '../protobuf/proto-reader.js'
import { WIRE_LEN, WIRE_VARINT } from '../protobuf/proto-reader.js'

/**
 * `prometheus.MetricMetadata` (prompb types.proto): `type` = 1 (enum), `metric_family_name` = 2,
 * `help` = 4, `unit` = 5. Only the type is used: it becomes the kind of every series of the family.
 */
const TYPE_TAG = (1 << 3) | WIRE_VARINT
const FAMILY_TAG = (2 << 3) | WIRE_LEN

/**
 * The MetricType enum by wire number. Gauge histograms are histograms; info and stateset metrics are
 * gauges in Prometheus semantics (their samples are 0/1 or 1).
 */
const KIND_BY_TYPE: readonly SeriesKind[] = [
  'unknown', // UNKNOWN
  'counter', // COUNTER
  'gauge', // GAUGE
  'histogram', // HISTOGRAM
  'histogram', // GAUGEHISTOGRAM
  'summary', // SUMMARY
  'gauge', // INFO
  'gauge', // STATESET
]

/** Reads one MetricMetadata message ending at `end` into `kinds` (family name → kind). */
export function readMetadata(r: ProtoReader, end: number, kinds: Map<string, SeriesKind>): void {
  let type = 0
  let family = ''
  while (r.pos < end && r.error === undefined) {
    const tag = r.tag()
    if (tag === TYPE_TAG) type = r.uint32()
    else if (tag === FAMILY_TAG) family = r.string()
    else r.skip(tag)
  }
  if (r.pos !== end) r.fail('MetricMetadata overruns its length')
  const kind = KIND_BY_TYPE[type] ?? 'unknown'
  if (family !== '' && kind !== 'unknown') kinds.set(family, kind)
}

/** Suffixes a sample name can carry on top of its family name, and the kinds they belong to. */
const SUFFIXES: readonly (readonly [string, readonly SeriesKind[]])[] = [
  ['_bucket', ['histogram']],
  ['_sum', ['histogram', 'summary']],
  ['_count', ['histogram', 'summary']],
  ['_total', ['counter']],
  ['_created', ['counter', 'histogram', 'summary']],
]

/**
 * The kind of the series named `name`, from the metadata of its family: the exact name first
 * (`http_requests_total` in the classic text format), then the name minus a suffix that fits the
 * family's type (`rpc_seconds_bucket` → histogram `rpc_seconds`, `jobs_total` → counter `jobs`).
 */
export function kindForName(name: string, kinds: ReadonlyMap<string, SeriesKind>): SeriesKind {
  const exact = kinds.get(name)
  if (exact !== undefined) return exact
  for (const [suffix, allowed] of SUFFIXES) {
    if (!name.endsWith(suffix)) continue
    const k = kinds.get(name.slice(0, name.length - suffix.length))
    if (k !== undefined && allowed.includes(k)) return k
  }
  return 'unknown'
}
