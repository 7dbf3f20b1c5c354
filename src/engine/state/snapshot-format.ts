import { crc32 } from 'node:zlib'
import { BinaryWriter } from '../../core/batch/binary.js'
import { ByteCursor } from './byte-cursor.js'
import { tableKinds } from './table-spec.js'
import type { TableKind } from './table-spec.js'

/**
 * The bytes of one state snapshot (format version 1, little-endian). A snapshot is full (every key
 * of every table) or a delta (the keys put or deleted since the snapshot of `baseEpoch`).
 *
 * ```
 * 0  u8  format version = 1     1 u8[3] reserved = 0
 * 4  u32 CRC-32 (zlib) of bytes 8..end       8 u32 byte length of the whole snapshot
 * 12 u8  kind (1 full, 2 delta)              13 u8[3] reserved = 0
 * 16 f64 epoch                               24 f64 base epoch (a delta's predecessor; full: −1)
 * 32 uvarint table count, then per table:
 *      uvarint name length, name UTF-8, u8 table kind (1 value, 2 map, 3 timeKeyed),
 *      uvarint table schema version, u32 record count, then per record:
 *        u8 op (1 put, 2 delete), uvarint key length, key UTF-8,
 *        put: uvarint payload length, payload (the key's contents, see table-payload.ts)
 * ```
 * The length field catches a torn (short) snapshot before the CRC is computed; the CRC catches
 * everything else. Decoding checks every bound and reports a problem as a value, never a throw.
 */
export const SNAPSHOT_FORMAT_VERSION = 1
const HEADER_BYTES = 32
const KIND_FULL = 1
const KIND_DELTA = 2
const OP_PUT = 1
const OP_DELETE = 2

export interface SnapshotHeader {
  readonly full: boolean
  readonly epoch: number
  /** The epoch of the snapshot a delta follows; −1 for a full snapshot. */
  readonly baseEpoch: number
}

/** Receives one table's records while a snapshot is written. */
export interface RecordSink {
  put(key: string, payload: Uint8Array): void
  delete(key: string): void
}

export interface TableSection {
  readonly name: string
  readonly kind: TableKind
  readonly version: number
  /** Writes the table's records into the sink. */
  write(sink: RecordSink): void
}

export function writeSnapshot(head: SnapshotHeader, tables: readonly TableSection[]): Uint8Array {
  const w = new BinaryWriter(4096)
  w.raw(new Uint8Array(HEADER_BYTES))
  w.uvarint(tables.length)
  let count = 0
  const sink: RecordSink = {
    put(key, payload) {
      w.u8(OP_PUT)
      writeString(w, key)
      w.uvarint(payload.length)
      w.raw(payload)
      count++
    },
    delete(key) {
      w.u8(OP_DELETE)
      writeString(w, key)
      count++
    },
  }
  for (const t of tables) {
    writeString(w, t.name)
    w.u8(tableKinds.indexOf(t.kind) + 1)
    w.uvarint(t.version)
    const countAt = w.pos
    w.raw(new Uint8Array(4))
    count = 0
    t.write(sink)
    w.view().writeUInt32LE(count, countAt)
  }
  const out = w.finish()
  out.writeUInt8(SNAPSHOT_FORMAT_VERSION, 0)
  out.writeUInt32LE(out.length, 8)
  out.writeUInt8(head.full ? KIND_FULL : KIND_DELTA, 12)
  out.writeDoubleLE(head.epoch, 16)
  out.writeDoubleLE(head.full ? -1 : head.baseEpoch, 24)
  out.writeUInt32LE(crc32(out.subarray(8)), 4)
  return out
}

function writeString(w: BinaryWriter, s: string): void {
  const n = Buffer.byteLength(s, 'utf8')
  w.uvarint(n)
  w.utf8(s, n)
}

/** One table of a decoded snapshot: keys and, per key, the payload put or undefined (deleted). */
export interface ParsedTable {
  readonly name: string
  readonly kind: TableKind
  readonly version: number
  readonly keys: readonly string[]
  readonly payloads: readonly (Uint8Array | undefined)[]
}

export interface ParsedSnapshot extends SnapshotHeader {
  readonly tables: readonly ParsedTable[]
}

export type ReadSnapshotResult =
  { readonly ok: true; readonly snapshot: ParsedSnapshot } | { readonly ok: false; readonly reason: string }

/** Checks and decodes a snapshot. Payloads are views on `bytes`. Never throws. */
export function readSnapshot(bytes: Uint8Array): ReadSnapshotResult {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (buf.length < HEADER_BYTES) return fail(`snapshot of ${buf.length} bytes is shorter than its header`)
  const version = buf.readUInt8(0)
  if (version !== SNAPSHOT_FORMAT_VERSION) return fail(`unsupported snapshot format version ${version}`)
  if ((buf[1]! | buf[2]! | buf[3]!) !== 0) return fail('reserved snapshot header bytes are not zero')
  const length = buf.readUInt32LE(8)
  if (length !== buf.length) return fail(`snapshot is ${buf.length} bytes, its header says ${length} (torn)`)
  const crc = crc32(buf.subarray(8))
  if (crc !== buf.readUInt32LE(4)) return fail('snapshot CRC mismatch (corrupt)')
  const kind = buf.readUInt8(12)
  if (kind !== KIND_FULL && kind !== KIND_DELTA) return fail(`unknown snapshot kind ${kind}`)
  const epoch = buf.readDoubleLE(16)
  const baseEpoch = buf.readDoubleLE(24)
  if (!Number.isSafeInteger(epoch) || epoch < 0) return fail(`bad snapshot epoch ${epoch}`)
  try {
    const tables = readTables(new ByteCursor(buf, HEADER_BYTES))
    return { ok: true, snapshot: { full: kind === KIND_FULL, epoch, baseEpoch, tables } }
  } catch (err) {
    return fail(`malformed snapshot: ${err instanceof Error ? err.message : String(err)}`)
  }
}

function fail(reason: string): ReadSnapshotResult {
  return { ok: false, reason }
}

function readTables(c: ByteCursor): ParsedTable[] {
  const n = c.count()
  const tables: ParsedTable[] = []
  for (let t = 0; t < n; t++) {
    const name = c.text()
    const kind = tableKinds[c.u8() - 1]
    if (kind === undefined) throw new Error(`table ${name} has an unknown kind`)
    const version = c.uvarint()
    const records = c.u32()
    if (records > c.remaining) throw new Error(`table ${name} claims ${records} records`)
    const keys = new Array<string>(records)
    const payloads = new Array<Uint8Array | undefined>(records)
    for (let i = 0; i < records; i++) {
      const op = c.u8()
      keys[i] = c.text()
      if (op !== OP_PUT && op !== OP_DELETE) throw new Error(`unknown record op ${op} in table ${name}`)
      payloads[i] = op === OP_PUT ? c.bytes() : undefined
    }
    tables.push({ name, kind, version, keys, payloads })
  }
  if (c.remaining !== 0) throw new Error(`${c.remaining} trailing bytes`)
  return tables
}
