import { InvalidArgumentError } from '../errors.js'
import { isolationLevels } from '../log.js'
import type { IsolationLevel, LogRecord, ReadOptions, TopicPartitionOffset } from '../log.js'

/** Argument checks at the seam: a bad call gets an error naming what was wrong, never a corrupt write. */
export const DEFAULT_READ_MAX_BYTES = 1024 * 1024
export const MAX_READ_MAX_BYTES = 64 * 1024 * 1024

export function checkRecords(records: readonly LogRecord[]): void {
  if (!Array.isArray(records) || records.length === 0) {
    throw new InvalidArgumentError('append needs a non-empty array of records.')
  }
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as LogRecord | undefined
    if (r === null || typeof r !== 'object')
      throw new InvalidArgumentError(`records[${i}] is not a record object.`)
    if (r.key !== null && !(r.key instanceof Uint8Array))
      throw new InvalidArgumentError(`records[${i}].key must be a Uint8Array or null.`)
    if (r.value !== null && !(r.value instanceof Uint8Array)) {
      throw new InvalidArgumentError(`records[${i}].value must be a Uint8Array or null.`)
    }
    if (typeof r.timestampMs !== 'number' || !Number.isFinite(r.timestampMs)) {
      throw new InvalidArgumentError(`records[${i}].timestampMs must be a finite number (epoch ms).`)
    }
  }
}

export function checkReadOptions(
  fromOffset: number,
  options: ReadOptions,
): { maxBytes: number; isolation: IsolationLevel } {
  if (!Number.isSafeInteger(fromOffset) || fromOffset < 0) {
    throw new InvalidArgumentError(`fromOffset must be a non-negative integer, got ${fromOffset}.`)
  }
  const maxBytes = options.maxBytes ?? DEFAULT_READ_MAX_BYTES
  if (!Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes > MAX_READ_MAX_BYTES) {
    throw new InvalidArgumentError(
      `maxBytes must be an integer in 1..${MAX_READ_MAX_BYTES}, got ${maxBytes}.`,
    )
  }
  const isolation = options.isolation ?? 'read_uncommitted'
  if (!(isolationLevels as readonly string[]).includes(isolation)) {
    throw new InvalidArgumentError(`isolation must be one of ${isolationLevels.join(', ')}.`)
  }
  return { maxBytes, isolation }
}

export function checkOffsets(
  group: string,
  offsets: readonly TopicPartitionOffset[],
  partitionExists: (topic: string, partition: number) => unknown,
): void {
  if (typeof group !== 'string' || group.length === 0 || group.length > 255 || group.includes('\u0000')) {
    throw new InvalidArgumentError(
      'A consumer group id must be a non-empty string of at most 255 characters.',
    )
  }
  if (!Array.isArray(offsets) || offsets.length === 0)
    throw new InvalidArgumentError('offsets must be a non-empty array.')
  for (const o of offsets) {
    partitionExists(o.topic, o.partition)
    if (!Number.isSafeInteger(o.offset) || o.offset < 0) {
      throw new InvalidArgumentError(
        `Offset for ${o.topic}[${o.partition}] must be a non-negative integer, got ${o.offset}.`,
      )
    }
  }
}
