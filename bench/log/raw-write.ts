import { randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { Sample } from './workload.js'

/**
 * The baseline the log is compared with, measured in the same run: sequential synchronous
 * `fs.writeSync` of chunks of the encoded batch size to one file, the best a single writer on the
 * event loop can do.
 * - `write`: page cache only (what the "within 2x" goal compares against),
 * - `write+fsync`: plus one fsync at the end, timed (the same bytes made durable),
 * - `write+fsync-interval`: plus a blocking fsync whenever `intervalMs` passed since the last one,
 *   and one at the end (durability comparable to the `interval` policy, without its overlap).
 */
export const rawModes = ['write', 'write+fsync', 'write+fsync-interval'] as const
export type RawMode = (typeof rawModes)[number]

export interface RawWriteParams {
  readonly dir: string
  readonly chunkBytes: number
  readonly chunks: number
  /** Records a chunk stands for (so records/s compare with the log's). */
  readonly recordsPerChunk: number
  readonly mode: RawMode
  readonly intervalMs: number
  readonly maxSeconds: number
}

const POOL_SIZE = 16

export function rawWrite(p: RawWriteParams): Sample & { readonly fsyncs: number } {
  const pool = Array.from({ length: POOL_SIZE }, () => randomBytes(p.chunkBytes))
  const file = path.join(p.dir, `raw-${p.mode}.bin`)
  const fd = fs.openSync(file, 'wx')
  let fsyncs = 0
  let written = 0
  let position = 0
  try {
    const start = performance.now()
    const deadline = start + p.maxSeconds * 1000
    let lastSync = start
    while (written < p.chunks) {
      const chunk = pool[written % POOL_SIZE]!
      let done = 0
      while (done < chunk.length) done += fs.writeSync(fd, chunk, done, chunk.length - done, position + done)
      position += chunk.length
      written++
      if ((written & 63) === 0 || p.mode === 'write+fsync-interval') {
        const now = performance.now()
        if (now >= deadline) break
        if (p.mode === 'write+fsync-interval' && now - lastSync >= p.intervalMs) {
          fs.fsyncSync(fd)
          fsyncs++
          lastSync = performance.now()
        }
      }
    }
    if (p.mode !== 'write') {
      fs.fsyncSync(fd)
      fsyncs++
    }
    const seconds = (performance.now() - start) / 1000
    return { seconds, bytes: position, batches: written, records: written * p.recordsPerChunk, fsyncs }
  } finally {
    fs.closeSync(fd)
    fs.rmSync(file, { force: true })
  }
}
