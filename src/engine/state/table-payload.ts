import { BinaryWriter } from '../../core/batch/binary.js'
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
  const c = new PayloadCursor(payload)
  const n = c.uvarint()
  const out = new Map<string, V>()
  for (let i = 0; i < n; i++) {
    const field = Buffer.from(c.bytes()).toString('utf8')
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
  const c = new PayloadCursor(payload)
  const n = c.uvarint()
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

class PayloadCursor {
  readonly #view: DataView
  readonly #bytes: Uint8Array
  #pos = 0

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  uvarint(): number {
    let v = 0
    let scale = 1
    for (let i = 0; i < 8 && this.#pos < this.#bytes.length; i++) {
      const b = this.#bytes[this.#pos++]!
      v += (b & 0x7f) * scale
      if (b < 0x80) return v
      scale *= 0x80
    }
    throw new Error('bad varint in a payload')
  }

  f64(): number {
    if (this.#pos + 8 > this.#bytes.length) throw new Error('payload truncated')
    const v = this.#view.getFloat64(this.#pos, true)
    this.#pos += 8
    return v
  }

  bytes(): Uint8Array {
    const n = this.uvarint()
    if (this.#pos + n > this.#bytes.length) throw new Error('payload truncated')
    const b = this.#bytes.subarray(this.#pos, this.#pos + n)
    this.#pos += n
    return b
  }

  end(): void {
    if (this.#pos !== this.#bytes.length) throw new Error('trailing bytes in a payload')
  }
}
