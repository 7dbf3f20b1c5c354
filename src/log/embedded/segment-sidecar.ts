import * as fs from 'node:fs'
import { crc32 } from 'node:zlib'
import { SegmentIndex } from './segment-index.js'
import type { ProducerSnapshot } from './producer-state.js'
import { sidecarPath } from './segment.js'

/**
 * The sidecar `<base>.index` written when a segment is sealed: everything a restart would
 * otherwise rebuild by scanning the segment. It is an optimisation only: when it is missing, fails
 * its CRC, or describes a different file size, the segment is scanned instead.
 *
 * ```
 * magic u32 'VIDX' | version u32 = 1 | crc u32 of everything after it | jsonBytes u32
 * json (size, nextOffset, maxTimestamp, aborted, producers) | entries u32
 * relOffsets u32[entries] | positions u32[entries] | maxTsBefore f64[entries]
 * ```
 */
const MAGIC = 0x58444956 // 'VIDX'
const VERSION = 1

/** An aborted transaction: records of `producerId` in [firstOffset, lastOffset] are invisible. */
export interface AbortedTxn {
  readonly producerId: number
  readonly firstOffset: number
  /** Offset of the abort marker. */
  readonly lastOffset: number
}

export interface SidecarData {
  readonly size: number
  readonly nextOffset: number
  readonly maxTimestamp: number
  /** Aborted transactions whose abort marker is in this segment. */
  readonly aborted: readonly AbortedTxn[]
  /** Producer state as of the end of this segment. */
  readonly producers: ProducerSnapshot
  readonly index: SegmentIndex
}

export function writeSidecar(dir: string, baseOffset: number, data: SidecarData): void {
  const json = Buffer.from(
    JSON.stringify({
      size: data.size,
      nextOffset: data.nextOffset,
      maxTimestamp: data.maxTimestamp === -Infinity ? null : data.maxTimestamp,
      aborted: data.aborted,
      producers: data.producers,
    }),
  )
  const n = data.index.length
  const buf = Buffer.alloc(16 + json.length + 4 + n * 16)
  buf.writeUInt32LE(MAGIC, 0)
  buf.writeUInt32LE(VERSION, 4)
  buf.writeUInt32LE(json.length, 12)
  json.copy(buf, 16)
  let p = 16 + json.length
  buf.writeUInt32LE(n, p)
  p += 4
  Buffer.from(data.index.relOffsets.buffer, 0, n * 4).copy(buf, p)
  p += n * 4
  Buffer.from(data.index.positions.buffer, 0, n * 4).copy(buf, p)
  p += n * 4
  Buffer.from(data.index.maxTsBefore.buffer, 0, n * 8).copy(buf, p)
  buf.writeUInt32LE(crc32(buf.subarray(12)), 8)
  const target = sidecarPath(dir, baseOffset)
  fs.writeFileSync(`${target}.tmp`, buf)
  fs.renameSync(`${target}.tmp`, target)
}

/** The sidecar if present, intact and describing a file of `fileSize` bytes; otherwise undefined. */
export function readSidecar(
  dir: string,
  baseOffset: number,
  fileSize: number,
  intervalBytes: number,
): SidecarData | undefined {
  let buf: Buffer
  try {
    buf = fs.readFileSync(sidecarPath(dir, baseOffset))
  } catch {
    return undefined
  }
  try {
    if (buf.length < 20 || buf.readUInt32LE(0) !== MAGIC || buf.readUInt32LE(4) !== VERSION) return undefined
    if (crc32(buf.subarray(12)) !== buf.readUInt32LE(8)) return undefined
    const jsonLen = buf.readUInt32LE(12)
    const meta = JSON.parse(buf.subarray(16, 16 + jsonLen).toString('utf8')) as {
      size: number
      nextOffset: number
      maxTimestamp: number | null
      aborted: AbortedTxn[]
      producers: ProducerSnapshot
    }
    if (meta.size !== fileSize) return undefined
    let p = 16 + jsonLen
    const n = buf.readUInt32LE(p)
    p += 4
    // Copy into aligned arrays (the file buffer gives no alignment guarantee).
    const rel = new Uint32Array(n)
    const pos = new Uint32Array(n)
    const ts = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      rel[i] = buf.readUInt32LE(p + i * 4)
      pos[i] = buf.readUInt32LE(p + n * 4 + i * 4)
      ts[i] = buf.readDoubleLE(p + n * 8 + i * 8)
    }
    return {
      size: meta.size,
      nextOffset: meta.nextOffset,
      maxTimestamp: meta.maxTimestamp ?? -Infinity,
      aborted: meta.aborted,
      producers: meta.producers,
      index: SegmentIndex.fromArrays(intervalBytes, rel, pos, ts),
    }
  } catch {
    return undefined
  }
}
