/**
 * A record of a job's state topic: one state snapshot of one task, committed in the same
 * transaction as the epoch's outputs and input offsets (docs/engine.md). Keys are `full` and
 * `delta-<epoch mod fullEvery>`, so a compacted state topic keeps the last full snapshot and at
 * most `fullEvery − 1` deltas. Value (version 1): u8 version, u8 full, f64 epoch, snapshot bytes
 * (the state store's own versioned, checksummed format).
 */
export const STATE_RECORD_VERSION = 1
const HEADER = 10

export interface StateRecord {
  readonly epoch: number
  readonly full: boolean
  readonly bytes: Uint8Array
}

export function stateRecordKey(epoch: number, full: boolean, fullEvery: number): string {
  return full ? 'full' : `delta-${epoch % fullEvery}`
}

export function encodeStateRecord(r: StateRecord): Buffer {
  const buf = Buffer.allocUnsafe(HEADER + r.bytes.length)
  buf.writeUInt8(STATE_RECORD_VERSION, 0)
  buf.writeUInt8(r.full ? 1 : 0, 1)
  buf.writeDoubleLE(r.epoch, 2)
  buf.set(r.bytes, HEADER)
  return buf
}

export function decodeStateRecord(bytes: Uint8Array): StateRecord | { readonly error: string } {
  if (bytes.length < HEADER) return { error: 'state record shorter than its header' }
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (buf.readUInt8(0) !== STATE_RECORD_VERSION)
    return { error: `unsupported state record version ${buf.readUInt8(0)}` }
  const epoch = buf.readDoubleLE(2)
  if (!Number.isSafeInteger(epoch) || epoch < 0) return { error: `bad epoch ${epoch}` }
  return { epoch, full: buf.readUInt8(1) === 1, bytes: new Uint8Array(buf.subarray(HEADER)) }
}

/**
 * From every committed state record of a task (in offset order), the snapshots to restore: the
 * newest full snapshot and the deltas after it, in epoch order. Records superseded by a later one
 * with the same key (not compacted yet) are ignored.
 */
export function snapshotsToRestore(
  records: readonly { key: string; value: Uint8Array }[],
): StateRecord[] | { readonly error: string } {
  const latestByKey = new Map<string, StateRecord>()
  for (const r of records) {
    const decoded = decodeStateRecord(r.value)
    if ('error' in decoded) return decoded
    latestByKey.set(r.key, decoded)
  }
  const full = latestByKey.get('full')
  if (full === undefined) return []
  const deltas = [...latestByKey.values()].filter((r) => !r.full && r.epoch > full.epoch)
  deltas.sort((a, b) => a.epoch - b.epoch)
  for (let i = 0; i < deltas.length; i++) {
    if (deltas[i]!.epoch !== full.epoch + i + 1) {
      return { error: `state deltas are not contiguous after the full snapshot of epoch ${full.epoch}` }
    }
  }
  return [full, ...deltas]
}
