/**
 * Records of a job's state topic: one state snapshot of one task, committed in the same
 * transaction as the epoch's outputs and input offsets (docs/engine.md). A snapshot larger than
 * `STATE_CHUNK_BYTES` is split into chunks, each its own record (the log refuses batches above
 * `maxBatchBytes`; a 1M-series rollup checkpoint is ~120 MB), all in the same transaction, so they
 * become visible together or not at all.
 *
 * Keys: chunk 0 is `full` or `delta-<epoch mod fullEvery>`, chunk i > 0 is that key + `#i`, so a
 * compacted state topic keeps the last full snapshot and at most `fullEvery − 1` deltas. A chunk
 * left behind by an older, larger snapshot under the same key has another epoch and is ignored.
 *
 * Value, version 2: u8 version, u8 full, f64 epoch, u32 chunk index, u32 chunk count, bytes.
 * Version 1 (one record, no chunk fields) is still read. The snapshot bytes are the state's own
 * versioned, checksummed format.
 */
export const STATE_RECORD_VERSION = 2
const HEADER_V1 = 10
const HEADER = 18
/** Largest piece of a snapshot in one record. */
export const STATE_CHUNK_BYTES = 16 << 20

export interface StateRecord {
  readonly epoch: number
  readonly full: boolean
  readonly bytes: Uint8Array
}

/**
 * A snapshot to write: its bytes whole or as consecutive parts (a header and the state's own
 * encoding), which the chunks copy from directly. At 1M series a snapshot is ~100 MB, and joining
 * the parts first was one more copy into fresh memory per checkpoint (7 % of a task's time).
 */
export interface StateRecordParts {
  readonly epoch: number
  readonly full: boolean
  readonly bytes: Uint8Array | readonly Uint8Array[]
}

interface StateChunk extends StateRecord {
  readonly index: number
  readonly count: number
}

/** Total bytes of a snapshot given whole or in parts. */
export function snapshotLength(bytes: Uint8Array | readonly Uint8Array[]): number {
  if (bytes instanceof Uint8Array) return bytes.length
  let n = 0
  for (const part of bytes) n += part.length
  return n
}

export function stateRecordKey(epoch: number, full: boolean, fullEvery: number): string {
  return full ? 'full' : `delta-${epoch % fullEvery}`
}

/** The records (key and value) holding one snapshot: one per chunk of at most `chunkBytes`. */
export function encodeStateRecords(
  r: StateRecordParts,
  fullEvery: number,
  chunkBytes = STATE_CHUNK_BYTES,
): { key: string; value: Buffer }[] {
  const base = stateRecordKey(r.epoch, r.full, fullEvery)
  const parts = r.bytes instanceof Uint8Array ? [r.bytes] : r.bytes
  const total = snapshotLength(parts)
  const count = Math.max(1, Math.ceil(total / chunkBytes))
  const out: { key: string; value: Buffer }[] = []
  // The parts are read in order: `part` and `at` are where the next chunk's bytes start.
  let part = 0
  let at = 0
  for (let i = 0; i < count; i++) {
    const size = Math.min(total - i * chunkBytes, chunkBytes)
    const buf = Buffer.allocUnsafe(HEADER + size)
    buf.writeUInt8(STATE_RECORD_VERSION, 0)
    buf.writeUInt8(r.full ? 1 : 0, 1)
    buf.writeDoubleLE(r.epoch, 2)
    buf.writeUInt32LE(i, 10)
    buf.writeUInt32LE(count, 14)
    let filled = 0
    while (filled < size) {
      const from = parts[part]!
      const n = Math.min(from.length - at, size - filled)
      buf.set(from.subarray(at, at + n), HEADER + filled)
      filled += n
      at += n
      if (at === from.length) {
        part++
        at = 0
      }
    }
    out.push({ key: i === 0 ? base : `${base}#${i}`, value: buf })
  }
  return out
}

function decodeChunk(bytes: Uint8Array): StateChunk | { readonly error: string } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (buf.length < HEADER_V1) return { error: 'state record shorter than its header' }
  const version = buf.readUInt8(0)
  if (version !== 1 && version !== STATE_RECORD_VERSION)
    return { error: `unsupported state record version ${version}` }
  const epoch = buf.readDoubleLE(2)
  if (!Number.isSafeInteger(epoch) || epoch < 0) return { error: `bad epoch ${epoch}` }
  const full = buf.readUInt8(1) === 1
  if (version === 1)
    return { epoch, full, index: 0, count: 1, bytes: new Uint8Array(buf.subarray(HEADER_V1)) }
  if (buf.length < HEADER) return { error: 'state record shorter than its header' }
  const index = buf.readUInt32LE(10)
  const count = buf.readUInt32LE(14)
  if (count < 1 || index >= count) return { error: `bad chunk ${index} of ${count}` }
  return { epoch, full, index, count, bytes: new Uint8Array(buf.subarray(HEADER)) }
}

/**
 * From every committed state record of a task (in offset order), the snapshots to restore: the
 * newest full snapshot and the deltas after it, in epoch order, each reassembled from its chunks.
 * Records superseded by a later one with the same key (not compacted yet) are ignored.
 */
export function snapshotsToRestore(
  records: readonly { key: string; value: Uint8Array }[],
): StateRecord[] | { readonly error: string } {
  const latestByKey = new Map<string, StateChunk>()
  for (const r of records) {
    const decoded = decodeChunk(r.value)
    if ('error' in decoded) return decoded
    latestByKey.set(r.key, decoded)
  }
  const assemble = (base: string): StateRecord | { error: string } | undefined => {
    const first = latestByKey.get(base)
    if (first === undefined) return undefined
    if (first.index !== 0) return { error: `state record ${base} is not a first chunk` }
    if (first.count === 1) return first
    const parts: Uint8Array[] = [first.bytes]
    for (let i = 1; i < first.count; i++) {
      const c = latestByKey.get(`${base}#${i}`)
      if (c === undefined || c.epoch !== first.epoch || c.index !== i || c.count !== first.count) {
        return { error: `state snapshot ${base} of epoch ${first.epoch} misses chunk ${i} of ${first.count}` }
      }
      parts.push(c.bytes)
    }
    return { epoch: first.epoch, full: first.full, bytes: Buffer.concat(parts) }
  }
  const full = assemble('full')
  if (full === undefined) return []
  if ('error' in full) return full
  const deltas: StateRecord[] = []
  for (const key of latestByKey.keys()) {
    if (!key.startsWith('delta-') || key.includes('#')) continue
    const d = assemble(key)
    if (d === undefined) continue
    if ('error' in d) return d
    if (d.epoch > full.epoch) deltas.push(d)
  }
  deltas.sort((a, b) => a.epoch - b.epoch)
  for (let i = 0; i < deltas.length; i++) {
    if (deltas[i]!.epoch !== full.epoch + i + 1) {
      return { error: `state deltas are not contiguous after the full snapshot of epoch ${full.epoch}` }
    }
  }
  return [full, ...deltas]
}
