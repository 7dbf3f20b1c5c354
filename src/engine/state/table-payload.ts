import { BinaryWriter } from '../../core/batch/binary.js'
import { ByteCursor } from './byte-cursor.js'
import type { TimedValue } from './state-table.js'
import type { AnyTableSpec, TableSpec } from './table-spec.js'

/**
 * A key's contents as one snapshot payload, per table kind:
 * - value: the codec's bytes;
 * - map: uvarint field count, then per field uvarint length + UTF-8 name, uvarint length + value;
 * - timeKeyed: uvarint entry count, then per entry (in time order) f64 timeMs, uvarint length + value.
 * Backends that keep contents decoded (memory) use these; a spilling backend may keep payloads as is.
 */
export function encodeMapPayload<V>(spec: TableSpec<V>, fields: ReadonlyMap<string, V>): Uint8Array {
  const w = new BinaryWriter(64)
  w.uvarint(fields.size)
  for (const [field, value] of fields) {
    const n = Buffer.byteLength(field, 'utf8')
    w.uvarint(n)
    w.utf8(field, n)
    writeValue(w, spec.codec.encode(value))
  }
  return w.finish()
}

export function encodeTimedPayload<V>(spec: TableSpec<V>, entries: readonly TimedValue<V>[]): Uint8Array {
  const w = new BinaryWriter(64)
  w.uvarint(entries.length)
  for (const e of entries) {
    w.f64(e.timeMs)
    writeValue(w, spec.codec.encode(e.value))
  }
  return w.finish()
}

function writeValue(w: BinaryWriter, bytes: Uint8Array): void {
  w.uvarint(bytes.length)
  w.raw(bytes)
}

/**
 * Decodes one value written under table schema `version`, migrating it first when the
 * declaration is newer. Throws on anything it cannot read (callers report it as a reason).
 */
export function decodeValue<V>(spec: TableSpec<V>, version: number, bytes: Uint8Array): V {
  if (version === spec.version) return spec.codec.decode(bytes)
  return spec.codec.decode(spec.migrate!(version, bytes))
}

/** Why a snapshot table written under `version` cannot be read by `spec`, or undefined. */
export function versionProblem(spec: AnyTableSpec, version: number): string | undefined {
  if (version > spec.version)
    return `table ${spec.name} was written by schema version ${version}, newer than ${spec.version}`
  if (version < spec.version && spec.migrate === undefined)
    return `table ${spec.name} is at schema version ${version} and has no migrate hook to ${spec.version}`
  return undefined
}

export function decodeMapPayload<V>(
  spec: TableSpec<V>,
  version: number,
  payload: Uint8Array,
): Map<string, V> {
  const c = new ByteCursor(payload)
  const n = c.count()
  const out = new Map<string, V>()
  for (let i = 0; i < n; i++) {
    const field = c.text()
    out.set(field, decodeValue(spec, version, c.bytes()))
  }
  c.end()
  return out
}

export function decodeTimedPayload<V>(
  spec: TableSpec<V>,
  version: number,
  payload: Uint8Array,
): TimedValue<V>[] {
  const c = new ByteCursor(payload)
  const n = c.count()
  const out: TimedValue<V>[] = []
  let previous = Number.NEGATIVE_INFINITY
  for (let i = 0; i < n; i++) {
    const timeMs = c.f64()
    if (!(timeMs > previous)) throw new Error('time-keyed entries out of order')
    previous = timeMs
    out.push({ timeMs, value: decodeValue(spec, version, c.bytes()) })
  }
  c.end()
  return out
}
