import type { AppendOptions, AppendResult, Log, LogRecord } from '../../../log/index.js'

/**
 * Ways the crash test breaks the exactly-once commit protocol on purpose, without touching the
 * runtime: the Log handed to the TaskRunner misbehaves.
 *
 * - `offsets-outside-transaction`: `sendOffsetsToTransaction` stores the input offsets at once
 *   with `commitOffsets`, outside the epoch's transaction. A crash after that step and before the
 *   commit loses the epoch: its outputs and state snapshot are aborted, but the restarted task
 *   resumes after its input (missing results).
 * - `outputs-outside-transaction`: outputs (every append but the state topic's) are appended as
 *   plain records, visible at once. A crash before the commit leaves them visible, and the
 *   restarted task produces them again (duplicate results).
 */
export const protocolBreaks = ['offsets-outside-transaction', 'outputs-outside-transaction'] as const
export type ProtocolBreak = (typeof protocolBreaks)[number]

export function isProtocolBreak(s: string): s is ProtocolBreak {
  return (protocolBreaks as readonly string[]).includes(s)
}

export interface LogTapSettings {
  /** Break the protocol this way (default: none, a faithful pass-through). */
  readonly break?: ProtocolBreak
  /** State topics (transactional appends there are never broken): names starting with this. */
  readonly stateTopicPrefix?: string
  /** Called after every successful append. */
  readonly onAppend?: (topic: string, partition: number, records: number) => void
}

/** A Log that forwards to `log`, observes appends, and optionally breaks the commit protocol. */
export function tapLog(log: Log, settings: LogTapSettings = {}): Log {
  const statePrefix = settings.stateTopicPrefix ?? 'vigil.state.'
  const append = async (
    topic: string,
    partition: number,
    records: readonly LogRecord[],
    options?: AppendOptions,
  ): Promise<AppendResult> => {
    const plain =
      settings.break === 'outputs-outside-transaction' &&
      options?.transactional === true &&
      !topic.startsWith(statePrefix)
    const res = plain
      ? await log.append(topic, partition, records)
      : await log.append(topic, partition, records, options)
    settings.onAppend?.(topic, partition, records.length)
    return res
  }
  const overrides: Partial<Log> = { append }
  if (settings.break === 'offsets-outside-transaction') {
    overrides.sendOffsetsToTransaction = (_producer, group, offsets) => log.commitOffsets(group, offsets)
  }
  return new Proxy(log, {
    get(target, prop) {
      const own = (overrides as Record<string | symbol, unknown>)[prop]
      if (own !== undefined) return own
      const v: unknown = Reflect.get(target, prop)
      return typeof v === 'function' ? (v as (...args: unknown[]) => unknown).bind(target) : v
    },
  })
}
